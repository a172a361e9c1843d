"""The configuration in force, its versions, and saving a new version (admins).

The page and ``PUT /api/v1/config`` save through ``services.configuration``: the document is
validated first and refused whole (422, naming the line), a save based on an older version is
refused (409) so two admins never overwrite each other, so is a document identical to the saved
version in force (409, no change); the comment is kept trimmed; and every saved version is a
``ConfigurationChanged`` event in the log. Auditors read everything and change nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi import Path as PathParam
from pydantic import BaseModel, Field

from activities.config_versions import MAX_DOCUMENT_CHARS, ConfigVersion, history
from api.dependencies import (
    CurrentPrincipal,
    Principal,
    Services,
    ServicesDep,
    request_language,
    require_role,
)
from api.errors import COMMON_RESPONSES, NOT_FOUND, TOO_LARGE
from domain.streams import CONFIG_STREAM
from services import configuration
from services.configuration_announce import announce_configuration
from services.errors import Unavailable

router = APIRouter(prefix="/api/v1", tags=["admin"], responses=COMMON_RESPONSES)

VersionNumber = Annotated[int, Query(ge=1, le=1_000_000)]


class ConfigVersionOut(BaseModel):
    version: int
    """0: the file (or the built-in defaults) before any saved version."""
    source: str
    sha256: str
    changed_by: str
    changed_at: datetime | None
    comment: str


class SavedConfigOut(ConfigVersionOut):
    warnings: list[str] = []
    """People the saved policy names who are not active users with the role they need (in the
    reader's language): saved all the same, but their tasks would wait on no one."""


class ConfigDocumentOut(ConfigVersionOut):
    document: str


class ConfigIn(BaseModel):
    document: Annotated[str, Field(max_length=MAX_DOCUMENT_CHARS)]
    comment: Annotated[str, Field(max_length=2000)] = ""
    expected_version: Annotated[int | None, Field(ge=0, le=1_000_000)] = None
    """The version this change started from; another admin's newer save makes it a 409.
    None: whichever version is in force (a script that read nothing first)."""


class DocumentIn(BaseModel):
    document: str = Field(max_length=MAX_DOCUMENT_CHARS + 1)
    """One character past the limit is let through, for the check to say the limit."""


class ProblemOut(BaseModel):
    line: int | None
    """The line the problem is on (None: the whole document)."""
    message: str


class CheckOut(BaseModel):
    valid: bool
    problems: list[ProblemOut]
    """What saving the document would refuse, in the reader's language (empty: it would save)."""
    warnings: list[str] = []
    """People the policy names who are not active users with the role they need: it can still
    be saved (users may come later), but their tasks would wait on no one."""


def version_in_force(services: Services, saved: Sequence[ConfigVersion]) -> ConfigVersion:
    """The version in force. An unreadable configured file is this server's configuration to
    fix: ``Unavailable`` (503) with the file's problem by its key (``config.cannot_read``)."""
    try:
        return configuration.version_in_force(saved, services.settings.config_file)
    except configuration.Unreadable as exc:
        raise Unavailable.passing(exc.__cause__ or exc) from exc


def save_as(services: Services, principal: Principal, body: ConfigIn) -> ConfigVersion:
    """Save as the signed-in admin; a refusal (``Invalid``, ``Conflict``) records nothing."""
    store = services.database.store
    base = body.expected_version
    if base is None:
        base = store.stream_version(CONFIG_STREAM)  # one event per saved version
    return configuration.save(
        store, services.proof, principal.username, body.document, base, body.comment
    )


# ---------------------------------------------------------------------- API


@router.get("/config", summary="The configuration in force, with its YAML document")
def get_config(principal: CurrentPrincipal, services: ServicesDep) -> ConfigDocumentOut:
    require_role(principal, "admin", "auditor", doing="reading the configuration")
    version = version_in_force(services, history(services.database.store))
    return ConfigDocumentOut.model_validate(version, from_attributes=True)


@router.get("/config/versions", summary="Every saved version, oldest first (no documents)")
def list_versions(principal: CurrentPrincipal, services: ServicesDep) -> list[ConfigVersionOut]:
    require_role(principal, "admin", "auditor", doing="reading the configuration")
    return [
        ConfigVersionOut.model_validate(v, from_attributes=True)
        for v in history(services.database.store)
    ]


@router.get(
    "/config/versions/{number}", summary="One saved version with its document", responses=NOT_FOUND
)
def get_version(
    number: Annotated[int, PathParam(ge=1, le=1_000_000)],
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> ConfigDocumentOut:
    require_role(principal, "admin", "auditor", doing="reading the configuration")
    version = configuration.saved_version(history(services.database.store), number)
    return ConfigDocumentOut.model_validate(version, from_attributes=True)


@router.put(
    "/config",
    summary="Save a new version (admins): validated whole, refused on a stale base",
    responses={
        409: {
            "description": "Another admin saved after the version this change started from, "
            "or the document is the saved version in force already (no change)."
        },
        422: {"description": "The document is not a valid configuration; nothing was saved."},
        **TOO_LARGE,
    },
)
async def put_config(
    body: ConfigIn, principal: CurrentPrincipal, services: ServicesDep, request: Request
) -> SavedConfigOut:
    require_role(principal, "admin", doing="changing the configuration")
    saved = await asyncio.to_thread(save_as, services, principal, body)
    services.in_background(announce_configuration(services))
    warnings = await asyncio.to_thread(
        configuration.people_warnings,
        services.database.engine,
        saved.document,
        request_language(request),
    )
    out = ConfigVersionOut.model_validate(saved, from_attributes=True)
    return SavedConfigOut(**out.model_dump(), warnings=warnings)


@router.post(
    "/config/check",
    summary="Check a document as a save would (admins); records nothing",
    responses=TOO_LARGE,
)
async def check_config(
    body: DocumentIn, principal: CurrentPrincipal, services: ServicesDep, request: Request
) -> CheckOut:
    """``valid`` false with the problems (line and message) a save would be refused for; the
    answer is 200 either way, as the check itself succeeded. Auditors may check too: it
    records nothing, and they read the configuration in force anyway."""
    require_role(principal, "admin", "auditor", doing="checking a configuration")
    checked = await asyncio.to_thread(
        configuration.check,
        services.database.engine,
        body.document.replace("\r\n", "\n"),
        request_language(request),
    )
    return CheckOut.model_validate(checked, from_attributes=True)
