"""The signed-in person, an approver's inbox, KPIs and notifications over JSON."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request

from api.dependencies import CurrentPrincipal, ServicesDep, request_language, require_role
from api.errors import COMMON_RESPONSES
from api.kpis import KpiRow, kpi_rows, thresholds_in_force
from api.rest.schemas import Me, NotificationOut, PeriodFilter, PersonFilter, TaskOut
from domain.notices import subject_in
from projections import queries
from services.errors import Forbidden
from services.inbox import open_tasks

router = APIRouter(prefix="/api/v1", responses=COMMON_RESPONSES)


@router.get("/me", tags=["account"], summary="The signed-in user and their roles")
def me(principal: CurrentPrincipal) -> Me:
    user = principal.user
    return Me(username=user.username, display_name=user.display_name, roles=sorted(user.roles))


@router.get("/inbox", tags=["approvals"], summary="The signed-in approver's open tasks")
def inbox(
    principal: CurrentPrincipal,
    services: ServicesDep,
    overdue: Annotated[
        bool | None, Query(description="Only overdue (true) or on time (false).")
    ] = None,
    q: Annotated[
        str,
        Query(
            max_length=200,
            description="Only tasks whose program id, title or specialist contain this (any case).",
        ),
    ] = "",
) -> list[TaskOut]:
    require_role(principal, "approver", doing="reading an approval inbox")
    tasks = open_tasks(
        services.database.engine,
        principal.username,
        services.settings.approval_due_days,
        search=q,
        overdue=overdue,
    )
    return [TaskOut.model_validate(t) for t in tasks]


# ---------------------------------------------------------------------- KPIs


@router.get("/kpi", tags=["kpi"], summary="Execution KPIs per specialist and quarter, rated")
def kpi(
    principal: CurrentPrincipal,
    services: ServicesDep,
    period: PeriodFilter = None,
    specialist: PersonFilter = None,
) -> list[KpiRow]:
    user = principal.user
    if not user.has("auditor"):
        require_role(principal, "specialist", doing="reading KPIs")
        if specialist not in (None, user.username):
            raise Forbidden("error.own_kpis_only", username=user.username)
        specialist = user.username
    report = queries.execution_report(
        services.database.engine, period=period, specialist=specialist
    )
    return kpi_rows(report, thresholds_in_force(services)[0])


# ---------------------------------------------------------------------- notifications


@router.get("/notifications", tags=["notifications"], summary="Notifications in the outbox")
def notifications(
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    recipient: PersonFilter = None,
) -> list[NotificationOut]:
    """Newest first; each subject in the reader's language (``Accept-Language``)."""
    if not principal.user.has("auditor"):
        if recipient not in (None, principal.username):
            raise Forbidden("error.own_notifications_only", username=principal.username)
        recipient = principal.username
    lang = request_language(request)
    rows = services.database.outbox.list(recipient)
    return [
        NotificationOut.model_validate({**r, "subject": subject_in(r["subject"], r["body"], lang)})
        for r in rows
    ]
