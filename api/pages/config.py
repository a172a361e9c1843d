"""The configuration page: what is in force, its history, and the editor (admins)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException, Request, status
from fastapi.responses import HTMLResponse, Response

from activities.admin_config import (
    AdminConfig,
    ConfigFileError,
    default_document,
    parse_admin_config,
)
from activities.config_versions import (
    ConfigVersion,
    history,
)
from api.dependencies import CurrentPrincipal, Principal, Services, ServicesDep, require_role
from api.errors import HTTP_422
from api.pages.rendering import redirect, render
from api.rest.config import ConfigIn, VersionNumber, in_force_or_500, save_as
from services import configuration
from services.errors import Conflict, Invalid
from services.programs import announce_configuration

router = APIRouter(include_in_schema=False)


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
    from services.kpi_reports import thresholds_in_force

    saved_versions = history(services.database.store)
    current: ConfigVersion | None
    config: AdminConfig | None = None
    try:
        current = in_force_or_500(services, saved_versions)
    except HTTPException as exc:  # the configured file cannot be read: say so, edit nothing
        current, error = None, error or str(exc.detail)
    version = configuration.saved_version(saved_versions, shown) if shown is not None else current
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


@router.get("/admin/config", response_class=HTMLResponse)
def config_detail(
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    version: VersionNumber | None = None,
    saved: VersionNumber | None = None,
) -> Response:
    require_role(principal, "admin", "auditor", doing="reading the configuration")
    return config_page(request, principal, services, shown=version, saved=saved)


@router.post("/admin/config")
async def save_config_page(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
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
        saved = await asyncio.to_thread(save_as, services, principal, draft)
    except (Conflict, Invalid) as exc:
        code = status.HTTP_409_CONFLICT if isinstance(exc, Conflict) else HTTP_422
        return config_page(
            request, principal, services, draft=draft, error=str(exc), status_code=code
        )
    services.in_background(announce_configuration(services))
    return redirect(f"/admin/config?saved={saved.version}")
