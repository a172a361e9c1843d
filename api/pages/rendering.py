"""Rendering a page: templates, language, errors, redirects and cookies shared by every page."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError

from api.dependencies import (
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Principal,
    Services,
    get_services,
    request_language,
)
from api.errors import SERVICE_CODES, describe_errors
from api.languages import LANGUAGES
from api.pages.people import PEOPLE_ON_PAGE
from api.translator import translator
from domain.instants import instant_text
from services.errors import ServiceError, TemporalTimeout, TemporalUnavailable
from services.program_client import ActionRefused

#: The templates stay beside the app (``api/templates``), shared by every page router.
HERE = Path(__file__).parent.parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
#: Every page writes an instant the same way: in the program's zone, labelled (``when(at, zone)``).
templates.env.globals["when"] = instant_text


def language(request: Request) -> str:
    return request_language(request)


def render(
    request: Request,
    template: str,
    principal: Principal | None,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    lang = language(request)
    return templates.TemplateResponse(
        request,
        template,
        {
            "principal": principal,
            "user": principal.user if principal else None,
            "csrf": principal.csrf_token if principal else "",
            "lang": lang,
            "languages": LANGUAGES,
            "t": translator(lang),
            "people_on_page": PEOPLE_ON_PAGE,
            "here": request.url.path + (f"?{request.url.query}" if request.url.query else ""),
            **context,
        },
        status_code=status_code,
    )


def said(request: Request, exc: BaseException) -> str:
    """An error as the reader's language says it (by its key); its English words otherwise."""
    return translator(language(request)).error(exc)


def render_error(
    request: Request, code: int, message: str, *, translated: bool = False
) -> Response:
    """The error page; ``translated``: ``message`` is in the reader's language already."""
    principal: Principal | None = None
    cookie = request.cookies.get(SESSION_COOKIE)
    services: Services = get_services(request)
    if cookie:
        session = services.users.session(cookie)
        if session is not None:
            principal = Principal(session.user, "session", session.csrf_token)
    titles = {
        403: "Not allowed",
        404: "Not found",
        422: "Invalid input",
        503: "Temporal is unavailable",
    }
    return render(
        request,
        "error.html",
        principal,
        status_code=code,
        code=code,
        title=titles.get(code, "Error"),
        message=message,
        translated=translated,
    )


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status.HTTP_303_SEE_OTHER)


def local_path(target: str | None, default: str = "/") -> str:
    """Only same-site paths: never an open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def home_for(principal: Principal) -> str:
    user = principal.user
    if user.has("approver") and not user.has("specialist"):
        return "/inbox"
    if user.has("specialist"):
        return "/programs"
    if user.has("auditor"):
        return "/audit"
    if user.has("admin"):
        return "/admin/users"
    if user.has("trainee"):
        return "/my/trainings"
    return "/account"


def signed_out_form(
    request: Request, services: Services, template: str, status_code: int = 200, **context: Any
) -> Response:
    """A form for someone not signed in yet (sign-in, setup): its CSRF token is bound to a
    fresh nonce kept in a short-lived cookie, which ``check_login_csrf`` wants back."""
    nonce = secrets.token_urlsafe(16)
    response = render(
        request,
        template,
        None,
        status_code=status_code,
        login_csrf=services.login_csrf(nonce),
        **context,
    )
    set_cookie(response, services, LOGIN_COOKIE, nonce, max_age=3600)
    return response


def set_cookie(response: Response, services: Services, name: str, value: str, **kw: Any) -> None:
    response.set_cookie(
        name,
        value,
        httponly=True,
        secure=services.settings.api_cookie_secure,
        samesite="lax",
        path="/",
        **kw,
    )


#: What a form's action may meet that the page answers itself, the form kept as filled in with
#: the reason on it (``message_of``, ``status_for``): every form catches the same.
FORM_ERRORS = (
    ValidationError,
    HTTPException,
    ActionRefused,
    ServiceError,
    TemporalUnavailable,
    TemporalTimeout,
)


def message_of(exc: Exception, request: Request | None = None) -> str:
    """Why an action was not taken, in words for the person who asked (a refusal of the
    program rules in their language when the request is given)."""
    if isinstance(exc, ValidationError):
        return describe_errors(exc.errors(), language(request) if request is not None else "en")
    if isinstance(exc, HTTPException):
        return str(exc.detail)
    if isinstance(exc, ServiceError | TemporalUnavailable | TemporalTimeout):
        return said(request, exc) if request is not None else str(exc)
    if isinstance(exc, ActionRefused):
        if request is not None:
            return translator(language(request)).refused(exc)
        return f"refused: {exc}"
    return str(exc)


def status_for(exc: Exception) -> int:
    """The HTTP status a page answers a refused or failed action with."""
    if isinstance(exc, ValidationError):
        return 422
    if isinstance(exc, HTTPException):
        return exc.status_code
    if isinstance(exc, ServiceError):
        return next((c for kind, c in SERVICE_CODES.items() if isinstance(exc, kind)), 403)
    if isinstance(exc, TemporalUnavailable):
        return 503
    if isinstance(exc, TemporalTimeout):
        return 504
    return 403
