"""The first admin's page: the one-time setup code, on a fresh installation only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request, Response, status
from fastapi.responses import HTMLResponse

from api.dependencies import LOGIN_COOKIE, ServicesDep, client_key
from api.languages import N_
from api.pages.rendering import redirect, render, said, signed_out_form, status_for
from services.accounts import create_first_admin
from services.errors import ServiceError

router = APIRouter(include_in_schema=False)


@router.get("/setup", response_class=HTMLResponse)
def setup_form(request: Request, services: ServicesDep) -> Response:
    if services.users.has_admin():
        return redirect("/login")
    return signed_out_form(request, services, "setup.html", error="")


@router.post("/setup")
def setup_submit(
    request: Request,
    services: ServicesDep,
    code: Annotated[str, Form(max_length=200)] = "",
    username: Annotated[str, Form(max_length=100)] = "",
    password: Annotated[str, Form(max_length=1024)] = "",
    csrf_token: Annotated[str, Form(max_length=500)] = "",
) -> Response:
    if not services.check_login_csrf(csrf_token, request.cookies.get(LOGIN_COOKIE, "")):
        raise HTTPException(status.HTTP_403_FORBIDDEN, N_("the form expired: reload the page"))
    try:
        create_first_admin(
            services.users,
            services.setup_code,
            services.throttle,
            client=client_key(request),
            code=code.strip(),
            username=username.strip(),
            password=password,
        )
    except ServiceError as exc:
        return render(
            request,
            "setup.html",
            None,
            status_code=status_for(exc),
            login_csrf=csrf_token,
            error=said(request, exc),
        )
    return redirect("/login")
