"""The log's hash chain verified, and the read models rebuilt from it."""

from __future__ import annotations

from fastapi import APIRouter

from api.dependencies import CurrentPrincipal, ServicesDep, require_role
from api.errors import COMMON_RESPONSES
from api.rest.schemas import ProblemOut, RebuildOut, VerifyOut

router = APIRouter(prefix="/api/v1", responses=COMMON_RESPONSES)


@router.get("/log/verify", tags=["audit"], summary="Verify the event log's hash chain")
def verify(principal: CurrentPrincipal, services: ServicesDep) -> VerifyOut:
    from eventlog.verify import verify_log

    require_role(principal, "auditor", doing="verifying the log")
    report = verify_log(services.database.store)
    return VerifyOut(
        ok=report.ok,
        checked=report.checked,
        last_position=report.last_position,
        last_hash=report.last_hash,
        problems=[
            ProblemOut(position=p.position, kind=p.kind, detail=p.detail) for p in report.problems
        ],
    )


@router.post(
    "/projections/rebuild",
    tags=["admin"],
    summary="Empty the read models and replay the whole log into them (admins)",
)
def rebuild(principal: CurrentPrincipal, services: ServicesDep) -> RebuildOut:
    require_role(principal, "admin", doing="rebuilding the read models")
    return RebuildOut(events=services.database.projector.rebuild())
