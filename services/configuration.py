"""Saving the versioned configuration as a person: validated whole, refused on a stale base,
signed by the admin who saved it. The HTTP API, the page and the command line share it."""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from accounts.users import active_with_role
from activities.admin_config import AdminConfig, ConfigFileError, parse_admin_config
from activities.config_versions import (
    ConfigConflict,
    ConfigVersion,
    check_document,
    current_version,
    history,
    in_force,
    save_version,
)
from domain.approval import unstaffable_policy_step
from eventlog.store import EventStore
from services.error_texts import say
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


def config_in_force(store: EventStore, file: Path | None) -> AdminConfig | None:
    """The configuration the workers route and remind with now; None when it cannot be read
    (a use case that only looks ahead leaves the saying to the step that needs it)."""
    try:
        current = current_version(store, file)
        return parse_admin_config(current.document, current.source)
    except ConfigFileError:
        return None


@dataclass(frozen=True)
class Problem:
    """Why a document would be refused, and its line (None: the whole document); ``message``
    in ``lang`` (``services.error_texts``)."""

    line: int | None
    message: str


def problems(document: str, lang: str = "en") -> list[Problem]:
    """What saving ``document`` would refuse it for (empty: it would save), with the save's
    own check, so the editor can say it while the admin types, in the admin's ``lang``."""
    try:
        check_document(document)
    except ConfigFileError as exc:
        return [Problem(exc.line, say(exc.key, exc.params, lang) or str(exc))]
    return []


def people_warnings(engine: Engine, document: str, lang: str = "en") -> list[str]:
    """The people ``document``'s approval policy names who are not active users with the role
    they need, and a step the four-eyes rule would leave short, in ``lang`` (empty: none, or
    the document is no configuration). Warnings, never refusals: an admin may save the policy
    before creating its users, but a typo would otherwise leave a task waiting on no one."""
    try:
        config = check_document(document)
    except ConfigFileError:
        return []
    named = config.approval.people_named()
    active = {
        role: active_with_role(engine, {n.username for n in named if n.role == role}, role)
        for role in {n.role for n in named}
    }
    warned = [
        say(f"config.inactive_person.{n.kind}", {"username": n.username, **n.where}, lang) or ""
        for n in named
        if n.username not in active[n.role]
    ]
    short = unstaffable_policy_step(config.approval)
    if short is not None:
        step, eligible = short
        params = {"step": step.id, "quorum": step.quorum, "eligible": eligible}
        warned.append(say("config.step_unstaffable", params, lang) or "")
    return warned


@dataclass(frozen=True)
class Check:
    """What saving a document would refuse (``problems``, empty: it would save), and, when
    nothing, the people it names who could not act (``warnings``, never a refusal)."""

    problems: list[Problem]
    warnings: list[str]

    @property
    def valid(self) -> bool:
        return not self.problems


def check(engine: Engine, document: str, lang: str = "en") -> Check:
    """Check ``document`` as a save would, recording nothing: the editor's check while the
    admin types, ``POST /api/v1/config/check`` and ``trainops config check`` share it."""
    found = problems(document, lang)
    return Check(found, [] if found else people_warnings(engine, document, lang))


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff: ``kind`` is "add", "del", "hunk", "file" or "same"."""

    kind: str
    text: str


def changes(
    in_force_document: str, document: str, labels: tuple[str, str] = ("in force", "new version")
) -> list[DiffLine]:
    """``document`` against the version in force, as a unified diff (empty: no change);
    ``labels`` name the two sides in the reader's language."""
    kinds = {"+++": "file", "---": "file", "@@": "hunk", "+": "add", "-": "del"}
    lines = difflib.unified_diff(
        in_force_document.splitlines(), document.splitlines(), *labels, lineterm=""
    )
    return [
        DiffLine(next((k for p, k in kinds.items() if line.startswith(p)), "same"), line)
        for line in lines
    ]


def saved_version(saved: Sequence[ConfigVersion], number: int) -> ConfigVersion:
    found = next((v for v in saved if v.version == number), None)
    if found is None:
        raise NotFound("error.no_config_version", version=number)
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
    (another admin saved first, or ``document`` is the saved version it is based on, byte
    for byte: no change) records nothing. The comment is kept trimmed: one blank or missing
    is saved as empty, whichever way (page, API, command line) it came."""
    comment = comment.strip()
    based_on = next(iter(history(store, only=expected_version)), None)
    if based_on is not None and based_on.document == document:
        raise Conflict("error.config_unchanged", version=expected_version)
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
        raise Invalid.passing(exc) from exc
    except ConfigConflict as exc:
        raise Conflict.passing(exc) from exc
