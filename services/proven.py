"""Proofs for what a person records outside the program workflows (configuration, imports).

The same actor assertion the workflows demand, kept in the metadata of the events the request
appends: the assertion's ``workflow_id`` names the scope (``configuration``,
``reference-data``) and the kept command says what was asked, so ``trainops audit proofs``
checks these actions like any other.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict

from domain.streams import CONFIG_STREAM, REFERENCE_DATA_SCOPE
from services.signing import Signer

CONFIGURATION = CONFIG_STREAM
REFERENCE_DATA = REFERENCE_DATA_SCOPE


class RecordedRequest(BaseModel):
    """What the person asked for: a ``kind`` and the fields that identify the request."""

    model_config = ConfigDict(frozen=True, extra="allow")

    kind: str
    actor: str


def kept_proof(signer: Signer, actor: str, scope: str, kind: str, **fields: Any) -> dict[str, Any]:
    """``{"assertion", "command"}`` for the event metadata of a person's direct request."""
    request = RecordedRequest(kind=kind, actor=actor, **fields)
    assertion = signer.assertion(actor, scope, request)
    return {
        "assertion": assertion.model_dump(mode="json"),
        "command": request.model_dump(mode="json"),
    }
