"""Who is asking: a bearer API token (scripts) or a browser session cookie (people), and CSRF.

A request signed in by cookie that changes anything must carry the session's CSRF token, as the
form field ``csrf_token`` or the ``X-CSRF-Token`` header. Bearer requests need none: a browser
never attaches a bearer token by itself.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Literal

import structlog
from fastapi import Depends, HTTPException, Request, status
from fastapi.security import APIKeyCookie, HTTPAuthorizationCredentials, HTTPBearer

from accounts.users import User
from api.services import Services
from services.people import require_role as services_require_role

SESSION_COOKIE = "trainops_session"
LOGIN_COOKIE = "trainops_login"
LANG_COOKIE = "trainops_lang"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

bearer_scheme = HTTPBearer(
    auto_error=False,
    description="An API token from `trainops users token issue` or the account page.",
)
cookie_scheme = APIKeyCookie(
    name=SESSION_COOKIE,
    auto_error=False,
    description="The browser session set by signing in; changes also need the "
    f"`{CSRF_HEADER}` header.",
)


@dataclass(frozen=True)
class Principal:
    user: User
    via: Literal["token", "session"]
    csrf_token: str | None = None

    @property
    def username(self) -> str:
        return self.user.username


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def _bind_actor(request: Request, username: str) -> None:
    request.scope.setdefault("trainops", {})["actor"] = username
    structlog.contextvars.bind_contextvars(actor=username)


async def optional_principal(
    request: Request,
    services: ServicesDep,
    bearer: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
    cookie: Annotated[str | None, Depends(cookie_scheme)],
) -> Principal | None:
    """The signed-in user, if any. A bearer header wins over a cookie."""
    if bearer is not None:
        user = services.users.user_for_token(bearer.credentials)
        if user is None:
            return None
        _bind_actor(request, user.username)
        return Principal(user, "token")
    if cookie:
        session = services.users.session(cookie)
        if session is None:
            return None
        _bind_actor(request, session.user.username)
        return Principal(session.user, "session", session.csrf_token)
    return None


OptionalPrincipal = Annotated[Principal | None, Depends(optional_principal)]


async def _check_csrf(request: Request, principal: Principal) -> None:
    if principal.via != "session" or request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            sent = value if isinstance(value, str) else None
    expected = principal.csrf_token or ""
    if not sent or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "missing or wrong CSRF token: reload the page and try again "
            f"(scripts send the {CSRF_HEADER} header, or use an API token)",
        )


async def current_principal(request: Request, principal: OptionalPrincipal) -> Principal:
    if principal is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED,
            "sign in first: send `Authorization: Bearer <token>` or a session cookie",
            headers={"WWW-Authenticate": "Bearer"},
        )
    await _check_csrf(request, principal)
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]


def refuse(reason: str) -> HTTPException:
    return HTTPException(status.HTTP_403_FORBIDDEN, reason)


def require_role(principal: Principal, *roles: str, doing: str) -> None:
    """403 unless the user holds one of ``roles`` (the use cases' own rule)."""
    services_require_role(principal.user, *roles, doing=doing)
