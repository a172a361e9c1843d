"""The projector's health over HTTP: lag and quarantined events; admins retry quarantined ones."""

from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy.exc import SQLAlchemyError

from api.auth import CurrentPrincipal, ServicesDep, require_role
from api.errors import COMMON_RESPONSES
from projections.runner import ProjectorStatus

router = APIRouter(responses=COMMON_RESPONSES)

#: Readiness fails when the projector is this many events behind the log.
READY_LAG = 10_000


class RetryOut(BaseModel):
    folded: int
    still_quarantined: int


class ReadyOut(BaseModel):
    ready: bool
    database: bool
    projector_lag: int | None
    quarantined: int | None
    detail: str = ""


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
    """503 when the database does not answer or the read models lag far behind; quarantined
    events are reported (they do not make the service unready: the rest still projects)."""
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
    ready = current.lag <= READY_LAG
    if not ready:
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    return ReadyOut(
        ready=ready,
        database=True,
        projector_lag=current.lag,
        quarantined=current.quarantined,
        detail="" if ready else f"the read models are {current.lag} events behind",
    )
