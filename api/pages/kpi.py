"""The KPI dashboard: the execution table and every scorecard KPI charted."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from api.dependencies import (
    CurrentPrincipal,
    Principal,
    Services,
    ServicesDep,
    require_role,
)
from api.kpis import (
    KPI_NAMES,
    SCOPES,
    KpiRow,
    Shown,
    dashboard,
    drill_down,
    kpi_rows,
    shown,
    thresholds_in_force,
)
from api.pages.rendering import language, render
from domain.scorecards import LABELS, Scope
from projections import kpi_queries, queries
from services.errors import Forbidden, Invalid, NotFound

router = APIRouter(include_in_schema=False)


@router.get("/kpi", response_class=HTMLResponse)
def kpi_page(
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
    specialist: Annotated[str | None, Query(max_length=100)] = None,
) -> Response:
    """The execution table per specialist, then every scorecard KPI charted over the periods:
    a specialist's own, or for auditors everyone's (or the chosen specialist's) with the
    departments' and the organisation's."""
    user = principal.user
    engine = services.database.engine
    thresholds, pass_mark = thresholds_in_force(services)
    if user.has("auditor"):
        chosen = specialist or None
        everyone = sorted({k.specialist for k in queries.execution_report(engine)})
    else:
        require_role(principal, "specialist", doing="reading KPIs")
        chosen = user.username
        everyone = [user.username]
    report = queries.execution_report(engine, specialist=chosen)
    by_specialist: dict[str, list[KpiRow]] = {}
    for row in kpi_rows(report, thresholds):
        by_specialist.setdefault(row.specialist, []).append(row)
    cards = kpi_queries.kpi_report(
        engine,
        thresholds,
        pass_mark=pass_mark,
        specialist=chosen,
        scopes=("specialist",) if chosen else SCOPES,
    )
    return render(
        request,
        "kpi.html",
        principal,
        by_specialist=by_specialist,
        everyone=everyone,
        specialist=specialist or "",
        kpi_names=KPI_NAMES,
        thresholds=thresholds,
        groups=dashboard(cards, thresholds, language(request)),
        drill_down=drill_down,
    )


def behind_kpi(
    services: Services,
    principal: Principal,
    kpi: str,
    scope: Scope | None,
    name: str | None,
    period: str | None,
    subject: str,
    lang: str = "en",
) -> tuple[Shown, set[str]]:
    """The scorecard row a dashboard link drills into (its sample and note in ``lang``), and
    the programs behind it. Auditors may open any; a specialist only their own card (as
    ``GET /api/v1/kpi/scorecards``)."""
    if kpi not in LABELS:
        raise Invalid("error.unknown_kpi", kpi=kpi, known=", ".join(LABELS))
    name = name or ("all" if scope == "organisation" else None)
    if scope is None or not period or name is None:
        raise Invalid("error.drill_down_needs")
    user = principal.user
    if not user.has("auditor"):
        require_role(principal, "specialist", doing="reading KPIs")
        if (scope, name) != ("specialist", user.username):
            raise Forbidden("error.own_kpis_only", username=user.username)
    thresholds, pass_mark = thresholds_in_force(services)
    card = kpi_queries.scorecard(
        services.database.engine, thresholds, scope, name, period, pass_mark=pass_mark
    )
    row = card.find(kpi, subject) if card is not None else None
    if row is None:
        what = LABELS[kpi] + (f": {subject}" if subject else "")
        raise NotFound("error.no_scorecard_row", kpi=what, scope=scope, name=name, period=period)
    href = drill_down(scope, name, period, kpi, subject)
    return shown(row, href, lang), set(row.programs)
