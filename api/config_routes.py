"""The configuration in force, its versions, and saving a new version (admins).

The page and ``PUT /api/v1/config`` save through ``activities.config_versions``: the document is
validated first and refused whole (422, naming the line), a save based on an older version is
refused (409) so two admins never overwrite each other, and every saved version is a
``ConfigurationChanged`` event in the log. Auditors read everything and change nothing.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Sequence
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Request, status
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from activities.admin_config import (
    AdminConfig,
    ConfigFileError,
    default_document,
    parse_admin_config,
)
from activities.config_versions import (
    MAX_DOCUMENT_CHARS,
    ConfigConflict,
    ConfigVersion,
    history,
    in_force,
    save_version,
)
from api.auth import CurrentPrincipal, Principal, ServicesDep, require_role
from api.errors import COMMON_RESPONSES, HTTP_422, NOT_FOUND
from api.services import Services
from services.programs import announce_configuration
from services.proven import CONFIGURATION

router = APIRouter(prefix="/api/v1", tags=["admin"], responses=COMMON_RESPONSES)
pages = APIRouter(include_in_schema=False)

VersionNumber = Annotated[int, Query(ge=1, le=1_000_000)]


class ConfigVersionOut(BaseModel):
    version: int
    """0: the file (or the built-in defaults) before any saved version."""
    source: str
    sha256: str
    changed_by: str
    changed_at: datetime | None
    comment: str


class ConfigDocumentOut(ConfigVersionOut):
    document: str


class ConfigIn(BaseModel):
    document: Annotated[str, Field(max_length=MAX_DOCUMENT_CHARS)]
    comment: Annotated[str, Field(max_length=2000)] = ""
    expected_version: Annotated[int, Field(ge=0, le=1_000_000)]
    """The version this change started from; another admin's newer save makes it a 409."""


def _in_force(services: Services, saved: Sequence[ConfigVersion]) -> ConfigVersion:
    try:
        return in_force(saved, services.settings.config_file)
    except ConfigFileError as exc:
        raise HTTPException(status.HTTP_500_INTERNAL_SERVER_ERROR, str(exc)) from exc


def _saved(saved: Sequence[ConfigVersion], number: int) -> ConfigVersion:
    found = next((v for v in saved if v.version == number), None)
    if found is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, f"there is no saved version {number}")
    return found


def _save(services: Services, principal: Principal, body: ConfigIn) -> ConfigVersion:
    """Save as the signed-in admin; a refusal is an HTTPException and records nothing."""
    try:
        return save_version(
            services.database.store,
            body.document,
            actor=principal.username,
            expected_version=body.expected_version,
            comment=body.comment,
            proof=services.proof(
                principal.username,
                CONFIGURATION,
                "configure",
                expected_version=body.expected_version,
                sha256=hashlib.sha256(body.document.encode()).hexdigest(),
                comment=body.comment,
            ),
        )
    except ConfigFileError as exc:
        raise HTTPException(HTTP_422, str(exc)) from exc
    except ConfigConflict as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc


# ---------------------------------------------------------------------- API


@router.get("/config", summary="The configuration in force, with its YAML document")
def get_config(principal: CurrentPrincipal, services: ServicesDep) -> ConfigDocumentOut:
    require_role(principal, "admin", "auditor", doing="reading the configuration")
    version = _in_force(services, history(services.database.store))
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
    version = _saved(history(services.database.store), number)
    return ConfigDocumentOut.model_validate(version, from_attributes=True)


@router.put(
    "/config",
    summary="Save a new version (admins): validated whole, refused on a stale base",
    responses={
        409: {"description": "Another admin saved after the version this change started from."},
        422: {"description": "The document is not a valid configuration; nothing was saved."},
    },
)
async def put_config(
    body: ConfigIn, principal: CurrentPrincipal, services: ServicesDep
) -> ConfigVersionOut:
    require_role(principal, "admin", doing="changing the configuration")
    saved = await asyncio.to_thread(_save, services, principal, body)
    services.in_background(announce_configuration(services))
    return ConfigVersionOut.model_validate(saved, from_attributes=True)


# ---------------------------------------------------------------------- page


def config_page(
    request: Request,
    principal: Principal,
    services: Services,
    *,
    shown: int | None = None,
    draft: ConfigIn | None = None,
    error: str | None = None,
    saved: int | None = None,
    status_code: int = 200,
) -> Response:
    """What is in force (or a past version), the history, and for admins the editor."""
    from api.web import render
    from services.kpi_reports import thresholds_in_force

    saved_versions = history(services.database.store)
    current: ConfigVersion | None
    config: AdminConfig | None = None
    try:
        current = _in_force(services, saved_versions)
    except HTTPException as exc:  # the configured file cannot be read: say so, edit nothing
        current, error = None, error or str(exc.detail)
    version = _saved(saved_versions, shown) if shown is not None else current
    if version is not None:
        try:
            config = parse_admin_config(version.document, version.source)
        except ConfigFileError as exc:
            error = error or str(exc)
    settings = services.settings
    try:
        thresholds, pass_mark = thresholds_in_force(services.database.store, settings)
    except ValueError:
        thresholds, pass_mark = None, settings.exam_pass_mark
        error = error or f"{settings.kpi_thresholds_file}: the thresholds file is invalid"
    return render(
        request,
        "config.html",
        principal,
        status_code=status_code,
        config=config,
        version=version,
        in_force=current,
        versions=list(reversed(saved_versions)),
        draft=draft,
        error=error,
        saved=saved,
        thresholds_file=settings.kpi_thresholds_file,
        thresholds=thresholds,
        pass_mark=pass_mark,
        default_document=default_document(),
    )


@pages.get("/admin/config", response_class=HTMLResponse)
def config_detail(
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    version: VersionNumber | None = None,
    saved: VersionNumber | None = None,
) -> Response:
    require_role(principal, "admin", "auditor", doing="reading the configuration")
    return config_page(request, principal, services, shown=version, saved=saved)


@pages.post("/admin/config")
async def save_config_page(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    from api.web import redirect

    require_role(principal, "admin", doing="changing the configuration")
    form = await request.form()
    try:
        draft = ConfigIn(
            document=str(form.get("document", "")).replace("\r\n", "\n"),
            comment=str(form.get("comment", "")).strip(),
            expected_version=int(str(form.get("expected_version", ""))),
        )
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        return config_page(
            request, principal, services, error=f"the form is incomplete ({exc})", status_code=422
        )
    try:
        saved = await asyncio.to_thread(_save, services, principal, draft)
    except HTTPException as exc:
        return config_page(
            request, principal, services, draft=draft, error=exc.detail, status_code=exc.status_code
        )
    services.in_background(announce_configuration(services))
    return redirect(f"/admin/config?saved={saved.version}")
