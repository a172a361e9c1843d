"""Users and API tokens over JSON (admins manage users; everyone their own tokens)."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response, status

from accounts.model import UserError
from api.dependencies import CurrentPrincipal, ServicesDep, request_language, require_role
from api.errors import COMMON_RESPONSES, NOT_FOUND
from api.rest.schemas import CONFLICT, IssuedToken, NewToken, NewUser, TokenOut, UserChange, UserOut
from services.errors import Conflict, Forbidden, Invalid, NotFound
from services.inbox import left_tasks
from services.people import check_account_change

#: A token's label that cannot be one: bad input (422), not a refusal.
BAD_LABEL = frozenset({"error.blank_label", "error.not_one_line"})

router = APIRouter(prefix="/api/v1", responses=COMMON_RESPONSES)


def _user_out(user: Any) -> UserOut:
    return UserOut(
        username=user.username,
        display_name=user.display_name,
        roles=sorted(user.roles),
        active=user.active,
    )


def _token_out(info: Any) -> TokenOut:
    return TokenOut.model_validate(info, from_attributes=True)


@router.get("/users", tags=["admin"], summary="Every user and their roles (admins)")
def list_users(principal: CurrentPrincipal, services: ServicesDep) -> list[UserOut]:
    require_role(principal, "admin", doing="listing users")
    return [_user_out(u) for u in services.users.all_users()]


@router.post(
    "/users",
    tags=["admin"],
    status_code=status.HTTP_201_CREATED,
    summary="Create a user with roles (admins)",
    responses=CONFLICT,
)
def create_user(principal: CurrentPrincipal, services: ServicesDep, body: NewUser) -> UserOut:
    require_role(principal, "admin", doing="creating users")
    try:
        user = services.users.create_user(
            body.username, body.password, body.roles, body.display_name, actor=principal.username
        )
    except UserError as exc:
        taken = exc.key in {"error.user_exists", "error.user_look_alike"}
        refusal = Conflict if taken else Invalid
        raise refusal.passing(exc) from exc
    return _user_out(user)


@router.patch(
    "/users/{username}",
    tags=["admin"],
    summary="Change a user's roles, password or whether they may sign in (admins)",
    responses=NOT_FOUND,
)
def change_user(
    username: Annotated[str, Path(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")],
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    body: UserChange,
) -> UserOut:
    require_role(principal, "admin", doing="changing users")
    users = services.users
    current = users.get(username)
    if current is None:
        raise NotFound("error.no_user", username=username)
    check_account_change(principal.user, username, current.roles, body.roles, body.active)
    try:
        actor = principal.username
        if body.roles is not None:
            users.set_roles(username, body.roles, actor=actor)
        if body.password is not None:
            users.set_password(username, body.password, actor=actor)
        if body.active is not None:
            users.set_active(username, body.active, actor=actor)
    except UserError as exc:
        raise Invalid.passing(exc) from exc
    found = users.get(username)
    assert found is not None
    out = _user_out(found)
    if not (found.active and found.has("approver")):
        out.warnings = left_tasks(services.database.engine, username, request_language(request))
    return out


@router.get("/tokens", tags=["account"], summary="The signed-in user's API tokens")
def list_tokens(principal: CurrentPrincipal, services: ServicesDep) -> list[TokenOut]:
    return [_token_out(t) for t in services.users.list_tokens(principal.username)]


@router.post(
    "/tokens",
    tags=["account"],
    status_code=status.HTTP_201_CREATED,
    summary="Issue an API token for the signed-in user (its secret is shown once)",
)
def issue_token(principal: CurrentPrincipal, services: ServicesDep, body: NewToken) -> IssuedToken:
    expires = timedelta(days=body.expires_in_days)
    try:
        info, secret = services.users.issue_token(
            principal.username, body.label, expires, body.roles, actor=principal.username
        )
    except UserError as exc:  # a label that cannot be one is bad input; roles not held, refused
        if exc.key in BAD_LABEL:
            raise Invalid.passing(exc) from exc
        raise Forbidden.passing(exc) from exc
    return IssuedToken(**_token_out(info).model_dump(), token=secret)


@router.delete(
    "/tokens/{token_id}",
    tags=["account"],
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Revoke an API token (your own; admins any)",
    responses=NOT_FOUND,
)
def revoke_token(
    token_id: Annotated[str, Path(min_length=1, max_length=32, pattern=r"^[0-9a-f]+$")],
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Response:
    owner = None if principal.user.has("admin") else principal.username
    if not services.users.revoke_token(token_id, owner, actor=principal.username):
        raise NotFound("error.no_token", token_id=token_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
