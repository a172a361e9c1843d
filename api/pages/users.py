"""The admin's users page: create people, change their roles, deactivate."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from accounts.model import ROLES, UserError
from api.dependencies import CurrentPrincipal, Principal, Services, ServicesDep, require_role
from api.pages.rendering import language, redirect, render, said
from services.errors import Forbidden
from services.inbox import left_tasks
from services.people import check_account_change

router = APIRouter(include_in_schema=False)


@router.get("/admin/users", response_class=HTMLResponse)
def users_detail(
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    saved: bool = False,
    left: Annotated[str, Query(max_length=100)] = "",
) -> Response:
    """``left``: the user just changed; the tasks only they could decide are named (read now,
    not carried in the address) if they may no longer decide them."""
    return users_page(
        request, principal, services, saved=saved, left=_left_waiting(request, services, left)
    )


def _left_waiting(request: Request, services: Services, username: str) -> list[str]:
    """As the API's ``UserOut.warnings``: once ``username`` is no active approver, each open
    task only they could decide waits on no one until it is reassigned."""
    user = services.users.get(username) if username else None
    if user is None or (user.active and user.has("approver")):
        return []
    return left_tasks(services.database.engine, username, language(request))


def users_page(
    request: Request,
    principal: Principal,
    services: Services,
    error: str | None = None,
    status_code: int = 200,
    saved: bool = False,
    left: list[str] | None = None,
) -> Response:
    require_role(principal, "admin", doing="managing users")
    return render(
        request,
        "users.html",
        principal,
        status_code=status_code,
        users=services.users.all_users(),
        roles=ROLES,
        error=error,
        saved=saved,
        left=left or [],
    )


@router.post("/admin/users")
async def create_user_page(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    require_role(principal, "admin", doing="managing users")
    form = await request.form()
    roles = [str(r) for r in form.getlist("roles")]
    try:
        services.users.create_user(
            str(form.get("username", "")).strip(),
            str(form.get("password", "")),
            roles,
            str(form.get("display_name", "")).strip() or None,
            actor=principal.username,
        )
    except UserError as exc:
        return users_page(request, principal, services, error=said(request, exc), status_code=422)
    return redirect("/admin/users?saved=true")


@router.post("/admin/users/{username}")
async def change_user_page(
    request: Request, username: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    require_role(principal, "admin", doing="managing users")
    form = await request.form()
    roles = [str(r) for r in form.getlist("roles")]
    active = form.get("active") == "on"
    current = services.users.get(username)
    try:
        check_account_change(
            principal.user, username, current.roles if current else set(), roles, active
        )
    except Forbidden as exc:
        return users_page(request, principal, services, error=said(request, exc), status_code=403)
    try:
        services.users.set_roles(username, roles, actor=principal.username)
        services.users.set_active(username, active, actor=principal.username)
    except UserError as exc:
        return users_page(request, principal, services, error=said(request, exc), status_code=422)
    return redirect(f"/admin/users?saved=true&left={quote(username, safe='')}")
