"""The configuration page: what is in force, its history, and the editor (admins).

The editor opens on the YAML in force. While the admin types, the page's script asks
``POST /admin/config/check`` (the save's own validation, answered as JSON with line numbers).
Saving goes through a confirm step that shows the change as a unified diff against the
version in force; without scripts the form does the same (the save validates server-side and
answers with the diff to confirm)."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Request, status
from fastapi.responses import HTMLResponse, JSONResponse, Response
from pydantic import ValidationError

from activities.admin_config import (
    AdminConfig,
    ConfigFileError,
    default_document,
    parse_admin_config,
)
from activities.config_versions import ConfigVersion, history
from api.dependencies import CurrentPrincipal, Principal, Services, ServicesDep, require_role
from api.errors import HTTP_422
from api.pages.rendering import language, redirect, render, said
from api.rest.config import (
    CheckOut,
    ConfigIn,
    DocumentIn,
    VersionNumber,
    save_as,
    version_in_force,
)
from api.translator import translator
from services import configuration
from services.configuration_announce import announce_configuration
from services.error_texts import say
from services.errors import Conflict, Invalid, Unavailable
from services.validation_texts import describe

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
    confirm: bool = False,
    status_code: int = 200,
) -> Response:
    """What is in force (or a past version), the history, and for admins the editor."""
    from services.kpi_reports import thresholds_in_force

    saved_versions = history(services.database.store)
    current: ConfigVersion | None
    config: AdminConfig | None = None
    try:
        current = version_in_force(services, saved_versions)
    except Unavailable as exc:  # the configured file cannot be read: say so, edit nothing
        current, error = None, error or said(request, exc)
    version = configuration.saved_version(saved_versions, shown) if shown is not None else current
    if version is not None:
        try:
            config = parse_admin_config(version.document, version.source)
        except ConfigFileError as exc:
            error = error or said(request, exc)
    # the people the draft to confirm (or the version just saved) names who could not act:
    # said on both pages, as the editor's check and ``config apply`` say them
    warned = draft.document if confirm and draft else None
    if saved is not None and warned is None:
        warned = next((v.document for v in saved_versions if v.version == saved), None)
    lang = language(request)
    warnings = (
        configuration.people_warnings(services.database.engine, warned, lang) if warned else []
    )
    settings = services.settings
    t = translator(lang)
    try:
        thresholds, pass_mark = thresholds_in_force(services.database.store, settings)
    except ValueError:
        thresholds, pass_mark = None, settings.exam_pass_mark
        error = error or t("{path}: the thresholds file is invalid").format(
            path=settings.kpi_thresholds_file
        )
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
        warnings=warnings,
        warnings_hint=say("config.inactive_people_hint", {}, lang) if warnings else "",
        thresholds_file=settings.kpi_thresholds_file,
        thresholds=thresholds,
        pass_mark=pass_mark,
        default_document=default_document(),
        diff=(
            configuration.changes(
                opened_on(current),
                draft.document,
                (t("in force"), t("new version")),
            )
            if confirm and draft
            else []
        ),
        confirm=confirm and draft is not None and current is not None,
    )


def opened_on(version: ConfigVersion | None) -> str:
    """The text the editor opens on: the version's YAML, or the defaults written out as YAML
    before any file or saved version (never an empty editor)."""
    if version is None:
        return ""
    return version.document or default_document()


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
    try:  # the version field as sent ("" or "abc" included): pydantic names what is wrong
        draft = ConfigIn(
            document=str(form.get("document", "")).replace("\r\n", "\n"),
            comment=str(form.get("comment", "")).strip(),
            expected_version=str(form.get("expected_version", "")).strip() or None,
        )
    except ValidationError as exc:
        lang = language(request)
        return config_page(
            request,
            principal,
            services,
            error=translator(lang)("the form is incomplete ({reason})").format(
                reason=describe(exc.errors(), lang)
            ),
            status_code=422,
        )
    if form.get("edit"):  # back from the confirm step to the editor, the draft kept
        return config_page(request, principal, services, draft=draft)
    found = configuration.problems(draft.document, language(request))
    if found:
        return config_page(
            request, principal, services, draft=draft, error=found[0].message, status_code=422
        )
    if form.get("confirm") != "yes":  # first the change, as a diff, to confirm
        return config_page(request, principal, services, draft=draft, confirm=True)
    try:
        saved = await asyncio.to_thread(save_as, services, principal, draft)
    except (Conflict, Invalid) as exc:
        code = status.HTTP_409_CONFLICT if isinstance(exc, Conflict) else HTTP_422
        return config_page(
            request, principal, services, draft=draft, error=said(request, exc), status_code=code
        )
    services.in_background(announce_configuration(services))
    return redirect(f"/admin/config?saved={saved.version}")


@router.post("/admin/config/check")
def check_config(
    request: Request, body: DocumentIn, principal: CurrentPrincipal, services: ServicesDep
) -> JSONResponse:
    """What saving this document would refuse, with line numbers; records nothing."""
    require_role(principal, "admin", doing="changing the configuration")
    document = body.document.replace("\r\n", "\n")
    checked = configuration.check(services.database.engine, document, language(request))
    return JSONResponse(CheckOut.model_validate(checked, from_attributes=True).model_dump())
