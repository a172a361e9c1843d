"""Schemathesis against the OpenAPI schema, in process: every operation, valid and invalid input,
as a user holding every role. No 500s, answers that match the schema, documented status codes,
and invalid input refused. (Its "schema-valid data must be accepted" check is left out: the
domain's rules that JSON Schema cannot state, such as a known IANA time zone, times with a UTC
offset or unique session ids, rightly answer 422.)

It runs in a thread so the test's event loop keeps the Temporal worker going meanwhile.
"""

from __future__ import annotations

import asyncio
import os
from pathlib import Path
from typing import Any

import hypothesis
import pytest
import schemathesis
from fastapi import FastAPI
from hypothesis import HealthCheck
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    negative_data_rejection,
    positive_data_acceptance,
)

from accounts.model import ROLES
from services.signing import load_signer
from tests.api.conftest import PASSWORD, World, plan_body

EXAMPLES = int(os.environ.get("TRAINOPS_SCHEMATHESIS_EXAMPLES", "12"))
#: A body over the API's size limit is refused with 413 before it is read: as good a refusal
#: of data that breaks the schema (a document past its maxLength) as a 422.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "negative_data_rejection": {
                "expected-statuses": [
                    *("400", "401", "403", "404", "405", "406", "409", "413", "415"),
                    *("422", "428", "429", "5xx"),
                ]
            }
        }
    }
)


def _check(strategy: Any, headers: dict[str, str], excluded: list[Any]) -> None:
    @hypothesis.given(case=strategy)
    @hypothesis.settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=True,
        suppress_health_check=list(HealthCheck),
        phases=[hypothesis.Phase.explicit, hypothesis.Phase.generate],
    )
    def check(case: Any) -> None:
        case.call_and_validate(headers=headers, excluded_checks=excluded)

    check()


def _fuzz(app: FastAPI, headers: dict[str, str]) -> list[str]:
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", app, config=CONFIG)
    failures: list[str] = []
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid schema fails here
        excluded: list[Any] = [positive_data_acceptance]
        if operation.method.upper() in ("GET", "DELETE"):
            # A query string cannot tell a "false" string from a boolean, and repeats of a
            # scalar parameter take the last one: "invalid" queries that are in fact valid.
            excluded.append(negative_data_rejection)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _check(operation.as_strategy(generation_mode=mode), headers, excluded)
            except (Exception, BaseExceptionGroup) as exc:
                failures.append(f"{operation.label} [{mode.value}]: {exc}")
    return failures


async def test_the_api_survives_schemathesis(
    world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The API seals on demand with the seal key its settings name (without one: 503, by design).
    load_signer(None, world.settings.seal_key_file, create=True)
    world.users.create_user("all.roles", PASSWORD, ROLES)
    token = world.tokens["all.roles"] = world.users.issue_token("all.roles", "fuzz")[1]
    async with world.client("all.roles") as client:
        created = await client.post("/api/v1/programs", json=await plan_body(world.h, "fuzz-1"))
        assert created.status_code == 201
    failures = await asyncio.to_thread(_fuzz, world.app, {"Authorization": f"Bearer {token}"})
    assert not failures, "\n\n".join(failures)
