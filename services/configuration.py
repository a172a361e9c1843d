"""Saving the versioned configuration as a person: validated whole, refused on a stale base,
signed by the admin who saved it. The HTTP API, the page and the command line share it."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from activities.admin_config import ConfigFileError
from activities.config_versions import (
    ConfigConflict,
    ConfigVersion,
    in_force,
    save_version,
)
from eventlog.store import EventStore
from services.errors import Conflict, Invalid, NotFound
from services.proven import CONFIGURATION

#: ``proof(actor, scope, kind, **fields)``: the kept proof of a person's request (or None).
Prover = Callable[..., dict[str, Any] | None]


class Unreadable(Exception):
    """The configured file cannot be read; nothing can be shown or edited until it is fixed."""


def version_in_force(saved: Sequence[ConfigVersion], file: Path | None) -> ConfigVersion:
    """The newest saved version, or the file (or the defaults) before any."""
    try:
        return in_force(saved, file)
    except ConfigFileError as exc:
        raise Unreadable(str(exc)) from exc


def saved_version(saved: Sequence[ConfigVersion], number: int) -> ConfigVersion:
    found = next((v for v in saved if v.version == number), None)
    if found is None:
        raise NotFound(f"there is no saved version {number}")
    return found


def save(
    store: EventStore,
    prove: Prover,
    actor: str,
    document: str,
    expected_version: int,
    comment: str,
) -> ConfigVersion:
    """Save as ``actor``; ``Invalid`` (not a configuration, naming the line) or ``Conflict``
    (another admin saved first) records nothing."""
    try:
        return save_version(
            store,
            document,
            actor=actor,
            expected_version=expected_version,
            comment=comment,
            proof=prove(
                actor,
                CONFIGURATION,
                "configure",
                expected_version=expected_version,
                sha256=hashlib.sha256(document.encode()).hexdigest(),
                comment=comment,
            ),
        )
    except ConfigFileError as exc:
        raise Invalid(str(exc)) from exc
    except ConfigConflict as exc:
        raise Conflict(str(exc)) from exc
