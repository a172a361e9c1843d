"""Getting in: the first admin from the one-time setup code, and an API token for the command
line from a password (``trainops login``). Both are throttled like the sign-in form."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from accounts.model import User, UserError
from api.dependencies import Services, ServicesDep
from api.errors import COMMON_RESPONSES, HTTP_422, Problem
from domain.accounts import FirstAdminCreated
from domain.roles import Role

router = APIRouter(responses=COMMON_RESPONSES)

#: Tokens made by signing in from the command line live this long by default, at most a year.
DEFAULT_TOKEN_DAYS = 30
MAX_TOKEN_DAYS = 365


class SetupIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: Annotated[str, Field(min_length=1, max_length=200)]
    username: Annotated[str, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=10, max_length=1024)]
    display_name: Annotated[str | None, Field(max_length=200)] = None


class AdminOut(BaseModel):
    username: str
    roles: list[str]


class LoginIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: Annotated[str, Field(min_length=1, max_length=100)]
    password: Annotated[str, Field(min_length=1, max_length=1024)]
    label: Annotated[str, Field(max_length=100)] = "cli"
    expires_in_days: Annotated[int, Field(ge=1, le=MAX_TOKEN_DAYS)] = DEFAULT_TOKEN_DAYS
    roles: Annotated[list[Role] | None, Field(max_length=5)] = None
    """Limit the token to some of your roles (default: all of them)."""


class LoginOut(BaseModel):
    token: str = Field(description="The secret; shown only this once.")
    token_id: str
    username: str
    roles: list[str]
    expires_at: str


def _client_key(request: Request) -> str:
    return f"ip:{request.client.host if request.client else ''}"


def _throttled(services: Services, *keys: str) -> None:
    wait = services.throttle.wait_seconds(*keys)
    if wait > 0:
        raise HTTPException(
            status.HTTP_429_TOO_MANY_REQUESTS,
            f"too many failed attempts: try again in {int(wait // 60) + 1} minutes",
        )


def create_first_admin(services: Services, request: Request, body: SetupIn) -> User:
    """The first admin, once, with the setup code; every refusal says why and records nothing."""
    keys = (_client_key(request), "setup")
    _throttled(services, *keys)
    if services.users.has_admin():
        raise HTTPException(
            status.HTTP_409_CONFLICT, "trainops has an admin already: ask them for an account"
        )
    setup = services.setup_code
    if setup is None or not setup.redeem(body.code):
        services.throttle.failed(*keys)
        raise HTTPException(
            status.HTTP_403_FORBIDDEN,
            "wrong or expired setup code: use the one trainops printed at its last start "
            "(restart it for a new one)",
        )
    try:
        user = services.users.create_user(
            body.username, body.password, ["admin"], body.display_name, actor=body.username
        )
    except UserError as exc:
        raise HTTPException(HTTP_422, str(exc)) from exc
    if services.users.journal is not None:
        services.users.journal(FirstAdminCreated(username=user.username), user.username)
    return user


@router.post(
    "/api/v1/setup",
    tags=["account"],
    status_code=status.HTTP_201_CREATED,
    summary="Create the first admin with the one-time setup code (fresh installations only)",
    responses={
        409: {"model": Problem, "description": "An admin exists already."},
        429: {"model": Problem, "description": "Too many wrong codes; try again later."},
    },
)
def setup(request: Request, services: ServicesDep, body: SetupIn) -> AdminOut:
    user = create_first_admin(services, request, body)
    return AdminOut(username=user.username, roles=sorted(user.roles))


@router.post(
    "/api/v1/auth/token",
    tags=["account"],
    status_code=status.HTTP_201_CREATED,
    summary="Sign in with a password and get an API token (the command line's `trainops login`)",
    responses={429: {"model": Problem, "description": "Too many failed sign-ins."}},
)
def token_login(request: Request, services: ServicesDep, body: LoginIn) -> LoginOut:
    keys = (f"user:{body.username.strip().casefold()}", _client_key(request))
    _throttled(services, *keys)
    user = services.users.authenticate(body.username.strip(), body.password)
    if user is None:
        services.throttle.failed(*keys)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "wrong username or password")
    services.throttle.succeeded(*keys)
    try:
        info, secret = services.users.issue_token(
            user.username,
            body.label,
            timedelta(days=body.expires_in_days),
            body.roles,
            actor=user.username,
        )
    except UserError as exc:
        raise HTTPException(status.HTTP_403_FORBIDDEN, str(exc)) from exc
    roles = info.roles if info.roles is not None else tuple(sorted(user.roles))
    assert info.expires_at is not None
    return LoginOut(
        token=secret,
        token_id=info.token_id,
        username=user.username,
        roles=list(roles),
        expires_at=info.expires_at.isoformat(),
    )
