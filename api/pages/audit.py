"""The auditor's page: the log verified and every program."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api.dependencies import CurrentPrincipal, ServicesDep, require_role
from api.pages.rendering import render
from projections import queries

router = APIRouter(include_in_schema=False)


@router.get("/audit", response_class=HTMLResponse)
def audit_page(request: Request, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    from eventlog.verify import verify_log

    require_role(principal, "auditor", doing="auditing")
    report = verify_log(services.database.store)
    rows = queries.list_programs(services.database.engine)
    return render(request, "audit.html", principal, report=report, programs=rows)
