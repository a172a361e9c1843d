"""Getting in: the first admin from the one-time setup code, and an API token for the command
line from a password (``trainops login``). Both are throttled like the sign-in form."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, HTTPException, Request, status
from pydantic import BaseModel, ConfigDict, Field

from accounts.model import UserError
from api.dependencies import ServicesDep, client_key
from api.errors import COMMON_RESPONSES, Problem
from api.languages import N_
from domain.roles import Role
from services.accounts import create_first_admin, require_no_wait
from services.errors import Forbidden

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
    user = create_first_admin(
        services.users,
        services.setup_code,
        services.throttle,
        client=client_key(request),
        code=body.code,
        username=body.username,
        password=body.password,
        display_name=body.display_name,
    )
    return AdminOut(username=user.username, roles=sorted(user.roles))


@router.post(
    "/api/v1/auth/token",
    tags=["account"],
    status_code=status.HTTP_201_CREATED,
    summary="Sign in with a password and get an API token (the command line's `trainops login`)",
    responses={429: {"model": Problem, "description": "Too many failed sign-ins."}},
)
def token_login(request: Request, services: ServicesDep, body: LoginIn) -> LoginOut:
    keys = (f"user:{body.username.strip().casefold()}", client_key(request))
    require_no_wait(services.throttle, *keys)
    user = services.users.authenticate(body.username.strip(), body.password)
    if user is None:
        services.throttle.failed(*keys)
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, N_("wrong username or password"))
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
        raise Forbidden.passing(exc) from exc
    roles = info.roles if info.roles is not None else tuple(sorted(user.roles))
    assert info.expires_at is not None
    return LoginOut(
        token=secret,
        token_id=info.token_id,
        username=user.username,
        roles=list(roles),
        expires_at=info.expires_at.isoformat(),
    )
