"""Signing in and out, the language switch and the health probe."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.dependencies import (
    LANG_COOKIE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    CurrentPrincipal,
    OptionalPrincipal,
    Principal,
    ServicesDep,
    client_key,
)
from api.languages import LANGUAGES
from api.pages.rendering import home_for, local_path, redirect, set_cookie, signed_out_form
from services.errors import Forbidden, NotFound, TooManyAttempts

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def index(principal: OptionalPrincipal) -> Response:
    if principal is None:
        return redirect("/login")
    return redirect(home_for(principal))


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request,
    services: ServicesDep,
    next: str | None = None,
    failed: bool = False,
    username: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """The sign-in form; after a wrong password, with the username as typed (never the
    password)."""
    return signed_out_form(
        request,
        services,
        "login.html",
        status_code=401 if failed else 200,
        next=local_path(next, ""),
        failed=failed,
        username=username,
    )


@router.post("/login")
def login(
    request: Request,
    services: ServicesDep,
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=500)] = "",
    next: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if not services.check_login_csrf(csrf_token, request.cookies.get(LOGIN_COOKIE, "")):
        raise Forbidden("error.signin_form_expired")
    keys = (f"user:{username.strip().casefold()}", client_key(request))
    wait = services.throttle.wait_seconds(*keys)
    if wait > 0:
        raise TooManyAttempts(wait)
    user = services.users.authenticate(username.strip(), password)
    if user is None:
        services.throttle.failed(*keys)
        again = {"failed": "true", "username": username.strip(), **({"next": next} if next else {})}
        return redirect("/login?" + urlencode(again))
    services.throttle.succeeded(*keys)
    hours = services.settings.api_session_hours
    secret, session = services.users.start_session(user.username, timedelta(hours=hours))
    principal = Principal(user, "session", session.csrf_token)
    response = redirect(local_path(next, home_for(principal)))
    set_cookie(response, services, SESSION_COOKIE, secret, max_age=int(hours * 3600))
    response.delete_cookie(LOGIN_COOKIE, path="/")
    return response


@router.post("/logout")
def logout(request: Request, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    services.users.end_session(request.cookies.get(SESSION_COOKIE, ""))
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@router.get("/lang/{code}")
def switch_language(code: str, services: ServicesDep, next: str | None = None) -> Response:
    if code not in LANGUAGES:
        raise NotFound("error.no_language", code=code)
    response = redirect(local_path(next))
    response.set_cookie(
        LANG_COOKIE,
        code,
        max_age=3600 * 24 * 365,
        secure=services.settings.api_cookie_secure,
        samesite="lax",
        path="/",
    )
    return response


@router.get("/healthz")
def healthz() -> dict[str, str]:
    return {"status": "ok", "time": datetime.now(UTC).isoformat()}
