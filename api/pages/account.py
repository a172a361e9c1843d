"""A person's account page: their API tokens."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import ValidationError

from accounts.model import UserError
from api.dependencies import CurrentPrincipal, Principal, Services, ServicesDep
from api.pages.rendering import language, redirect, render, said
from api.rest.schemas import NewToken
from api.translator import translator
from services.validation_texts import describe

router = APIRouter(include_in_schema=False)


@router.get("/account", response_class=HTMLResponse)
def account_detail(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    return account_page(request, principal, services)


#: The expiries the account page offers, in days (the API takes any from 1 to 3650).
TOKEN_EXPIRY_DAYS = (7, 30, 90)


def account_page(
    request: Request,
    principal: Principal,
    services: Services,
    new_token: str | None = None,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "account.html",
        principal,
        status_code=status_code,
        tokens=services.users.list_tokens(principal.username),
        new_token=new_token,
        expiries=TOKEN_EXPIRY_DAYS,
        error=error,
    )


@router.post("/account/tokens")
async def issue_token_page(
    request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    """Issue a token through the same service as the API: checked roles (all of the owner's:
    unlimited, as the API's default) and one of the offered expiries."""
    form = await request.form()
    days = str(form.get("expires_in_days", ""))
    if days not in {str(d) for d in TOKEN_EXPIRY_DAYS}:
        offered = ", ".join(str(d) for d in TOKEN_EXPIRY_DAYS)
        refusal = translator(language(request))("choose an expiry of {offered} days").format(
            offered=offered
        )
        return account_page(request, principal, services, error=refusal, status_code=422)
    chosen = {str(r) for r in form.getlist("roles")}
    label = str(form.get("label", ""))
    try:  # the API's own limits (a label of at most 100 characters): refused, never cut
        NewToken(label=label)
    except ValidationError as exc:
        problem = describe(exc.errors(), language(request))
        return account_page(request, principal, services, error=problem, status_code=422)
    try:
        _, secret = services.users.issue_token(
            principal.username,
            label,
            timedelta(days=int(days)),
            None if chosen == principal.user.roles else sorted(chosen),
            actor=principal.username,
        )
    except UserError as exc:
        return account_page(request, principal, services, error=said(request, exc), status_code=422)
    # Rendered, not redirected: the secret must never travel in a URL.
    return account_page(request, principal, services, new_token=secret)


@router.post("/account/tokens/{token_id}/revoke")
def revoke_token_page(
    token_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    services.users.revoke_token(token_id, principal.username, actor=principal.username)
    return redirect("/account")
