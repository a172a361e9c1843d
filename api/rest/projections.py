"""The projector's health over HTTP: lag and quarantined events; admins retry quarantined ones."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from api.dependencies import CurrentPrincipal, Services, ServicesDep, require_role
from api.errors import COMMON_RESPONSES
from projections.runner import ProjectorStatus

router = APIRouter(responses=COMMON_RESPONSES)

#: Readiness fails when the projector is this many events behind the log.
READY_LAG = 10_000


class RetryOut(BaseModel):
    folded: int
    still_quarantined: int


#: How long readiness waits for Temporal's health check.
TEMPORAL_CHECK_SECONDS = 2.0


class ReadyOut(BaseModel):
    ready: bool
    database: bool
    projector_lag: int | None
    quarantined: int | None
    temporal: bool | None = None
    """None: this API has no Temporal configured (reads only)."""
    detail: str = ""


async def _temporal_answers(services: Services) -> bool | None:
    """Whether Temporal answers a health check now (actions need it; reads do not)."""
    if services.programs_client is None and services.client_factory is None:
        return None
    try:
        # Connecting counts against the same bound: a probe answers within seconds.
        programs = await asyncio.wait_for(services.programs(), timeout=TEMPORAL_CHECK_SECONDS)
        client = programs.client
        return bool(
            await asyncio.wait_for(
                client.service_client.check_health(), timeout=TEMPORAL_CHECK_SECONDS
            )
        )
    except Exception:
        return False


@router.get(
    "/api/v1/projections/status",
    tags=["admin"],
    summary="The projector's position, lag and quarantined events (admins, auditors)",
)
async def projections_status(principal: CurrentPrincipal, services: ServicesDep) -> ProjectorStatus:
    require_role(principal, "admin", "auditor", doing="reading the projector's status")
    return await asyncio.to_thread(services.database.projector.status)


@router.post(
    "/api/v1/projections/retry",
    tags=["admin"],
    summary="Fold the quarantined events again, after a fix (admins)",
)
async def projections_retry(principal: CurrentPrincipal, services: ServicesDep) -> RetryOut:
    require_role(principal, "admin", doing="retrying quarantined events")
    folded, failed = await asyncio.to_thread(services.database.projector.retry)
    return RetryOut(folded=folded, still_quarantined=failed)


@router.get("/readyz", include_in_schema=False)
async def readyz(services: ServicesDep, response: Response) -> ReadyOut:
    """503 when the database or Temporal does not answer, or the read models lag far behind;
    quarantined events are reported (they do not make the service unready: the rest still
    projects). ``/healthz`` is liveness: the process answers."""
    try:
        current = await asyncio.to_thread(services.database.projector.status, 0)
    except SQLAlchemyError as exc:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return ReadyOut(
            ready=False,
            database=False,
            projector_lag=None,
            quarantined=None,
            detail=f"the database does not answer ({type(exc).__name__})",
        )
    temporal = await _temporal_answers(services)
    problems = []
    if current.lag > READY_LAG:
        problems.append(f"the read models are {current.lag} events behind")
    if temporal is False:
        problems.append(f"Temporal does not answer at {services.settings.temporal_address}")
    if problems:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return ReadyOut(
        ready=not problems,
        database=True,
        projector_lag=current.lag,
        quarantined=current.quarantined,
        temporal=temporal,
        detail="; ".join(problems),
    )
