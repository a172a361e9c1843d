"""Every KPI as rated scorecards, and reference data loaded over HTTP.

``GET /api/v1/kpi/scorecards`` is the cards of ``trainops kpi report --json``: execution, L1-L4,
ROI and resources, rated. ``POST /api/v1/kpi/report`` and ``/kpi/explain`` are what that
command and ``trainops kpi explain`` call (as of a past moment, with the reader's thresholds;
reads with a body, like ``POST /audit/verify``). Who reads which card: ``services.kpi_reports``.

``POST /api/v1/data/{kind}`` is ``trainops data load``: an admin uploads a CSV or JSON file and
gets a job (202, ``Location: /api/v1/jobs/{id}``) whose report comes when the load is done
(``services.imports_jobs``); every accepted change is an event.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Annotated, Any, Literal, TypedDict

from fastapi import APIRouter, File, Query, Request, Response, UploadFile, status
from fastapi import Path as PathParam
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.datastructures import UploadFile as FormFile

from api.dependencies import (
    CurrentPrincipal,
    Principal,
    Services,
    ServicesDep,
    request_language,
    require_role,
)
from api.errors import COMMON_RESPONSES, NOT_FOUND
from api.kpis import thresholds_in_force
from api.translator import translator
from domain.ratings import Thresholds
from imports.common import FileProblem
from projections import kpi_queries
from services import kpi_reports
from services.errors import Invalid
from services.imports_jobs import Job, check_upload
from services.kpi_reports import scorecard_json
from services.proven import REFERENCE_DATA

router = APIRouter(prefix="/api/v1", responses=COMMON_RESPONSES)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
#: The requests that carry an upload (the API's and the page's): the file and its multipart
#: framing; 413 beyond it, before it is read or spooled to disk.
UPLOAD_LIMITS = {
    "/api/v1/data/": MAX_UPLOAD_BYTES + 64 * 1024,
    "/admin/data": MAX_UPLOAD_BYTES + 64 * 1024,
}
Period = Annotated[str | None, Query(pattern=r"^\d{4}-Q[1-4]$", description="e.g. 2027-Q1")]
Name = Annotated[str | None, Query(min_length=1, max_length=100)]


def _invalid(field: str, message: str) -> RequestValidationError:
    return RequestValidationError([{"loc": ("body", field), "msg": message, "type": "value_error"}])


@router.get("/kpi/scorecards", tags=["kpi"], summary="Every KPI, rated, as scorecards")
def scorecards(
    principal: CurrentPrincipal,
    services: ServicesDep,
    period: Period = None,
    specialist: Name = None,
    department: Name = None,
) -> list[dict[str, Any]]:
    """Auditors and admins read every card; a specialist reads their own card."""
    specialist, department, scopes = kpi_reports.readable(principal.user, specialist, department)
    thresholds, pass_mark = thresholds_in_force(services)
    cards = kpi_queries.kpi_report(
        services.database.engine,
        thresholds,
        pass_mark=pass_mark,
        period=period,
        specialist=specialist,
        department=department,
        scopes=("specialist",) if specialist is not None else scopes,
    )
    return [scorecard_json(card) for card in cards]


KpiName = Annotated[str, StringConstraints(min_length=1, max_length=50)]
NameText = Annotated[str, StringConstraints(min_length=1, max_length=100)]
PeriodText = Annotated[str, StringConstraints(pattern=r"^\d{4}-Q[1-4]$")]
ScopeName = Literal["specialist", "department", "organisation"]
Finite = Annotated[float, Field(allow_inf_nan=False)]


class AsOf(BaseModel):
    model_config = ConfigDict(extra="forbid")

    thresholds: dict[KpiName, dict[Literal["meets", "excellent"], Finite]] = Field(
        default={}, max_length=100
    )
    """Override the server's thresholds for this answer only: ``{kpi: {meets, excellent}}``."""
    pass_mark: Annotated[float, Field(ge=0, le=100)] | None = None
    as_of_position: Annotated[int, Field(ge=0)] | None = None
    """Replay the log up to this position and answer from that."""
    as_of: datetime | None = None
    """…or up to this instant (ISO 8601 with a UTC offset)."""


class ReportRequest(AsOf):
    period: PeriodText | None = None
    specialist: NameText | None = None
    department: NameText | None = None
    scopes: list[ScopeName] = Field(default=list(kpi_reports.SCOPES), min_length=1, max_length=3)


class ExplainRequest(AsOf):
    kpi: KpiName
    scope: ScopeName
    name: NameText
    period: PeriodText
    subject: Annotated[str, StringConstraints(max_length=200)] = ""


def _rating(services: ServicesDep, request: AsOf) -> tuple[Thresholds, float]:
    """The server's thresholds with the reader's overrides; a bad override is a 422."""
    extra: dict[str, Any] = dict(request.thresholds)
    if request.pass_mark is not None:
        extra["pass_mark"] = request.pass_mark
    if not extra:
        return thresholds_in_force(services)
    try:
        return kpi_reports.thresholds_in_force(services.database.store, services.settings, extra)
    except ValueError as exc:
        raise _invalid("thresholds", str(exc)) from exc


class _AsAsked(TypedDict):
    """What every as-of KPI read takes from its request: the rating and the moment."""

    thresholds: Thresholds
    pass_mark: float
    position: int | None
    instant: datetime | None


def _as_asked(services: ServicesDep, request: AsOf) -> _AsAsked:
    """The request's rating and moment, checked: one moment at most, and a time with its UTC
    offset (422 otherwise)."""
    if request.as_of_position is not None and request.as_of is not None:
        raise _invalid("as_of", "give as_of_position or as_of, not both")
    if request.as_of is not None and request.as_of.utcoffset() is None:
        raise _invalid("as_of", "needs a UTC offset, e.g. 2027-01-15T09:00:00+08:00")
    thresholds, pass_mark = _rating(services, request)
    return _AsAsked(
        thresholds=thresholds,
        pass_mark=pass_mark,
        position=request.as_of_position,
        instant=request.as_of,
    )


@router.post(
    "/kpi/report", tags=["kpi"], summary="Every KPI, rated, as scorecards (as of a moment)"
)
def kpi_report(
    principal: CurrentPrincipal, services: ServicesDep, request: ReportRequest
) -> dict[str, Any]:
    """``trainops kpi report --json``: the cards, the log position and the thresholds. Auditors
    and admins read every card; a specialist only their own."""
    return kpi_reports.report(
        services.database,
        principal.user,
        period=request.period,
        specialist=request.specialist,
        department=request.department,
        scopes=request.scopes,
        **_as_asked(services, request),
    )


@router.post(
    "/kpi/explain",
    tags=["kpi"],
    summary="One KPI of a scorecard and the events behind it",
    responses=NOT_FOUND,
)
def kpi_explain(
    principal: CurrentPrincipal, services: ServicesDep, request: ExplainRequest
) -> dict[str, Any]:
    """``trainops kpi explain --json``: the number and every read-model row behind it, each
    with its log position (404 names the KPIs the card has)."""
    return kpi_reports.explain(
        services.database,
        principal.user,
        kpi=request.kpi,
        scope=request.scope,
        name=request.name,
        period=request.period,
        subject=request.subject,
        **_as_asked(services, request),
    )


@router.post(
    "/data/{kind}",
    tags=["admin"],
    summary="Load reference data (CSV or JSON) as a job; follow it at its Location",
    status_code=status.HTTP_202_ACCEPTED,
    responses={
        202: {"description": "Queued: `GET` the `Location` for its progress and report."},
        422: {"description": "The file or kind cannot be read; nothing was queued."},
        503: {"description": "The database went away; nothing was queued, send it again."},
    },
)
async def load_data(
    kind: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
    response: Response,
    file: Annotated[UploadFile, File(description="A .csv or .json file.")],
    accept_valid: bool = False,
) -> Job:
    """The file is checked (kind, name, size, UTF-8, columns) and queued; the load runs in the
    background: nothing is loaded when a row is rejected, unless ``accept_valid``; loading the
    same file again changes nothing; a load is one transaction, so a fault leaves nothing."""
    require_role(principal, "admin", doing="loading reference data")
    job = await queue_upload(services, principal, kind, file, accept_valid)
    response.headers["Location"] = f"/api/v1/jobs/{job.job_id}"
    return job


async def queue_upload(
    services: Services, principal: Principal, kind: str, file: FormFile, accept_valid: bool
) -> Job:
    """Read at most the limit, check and queue (the API's and the page's upload alike)."""
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    try:
        name = await run_in_threadpool(
            check_upload, kind, file.filename or "upload.csv", data, MAX_UPLOAD_BYTES
        )
    except FileProblem as exc:  # said by its key, in the reader's language, as a use case's
        raise Invalid(exc.code, **exc.params) from exc
    proof = services.proof(
        principal.username,
        REFERENCE_DATA,
        "load_data",
        data_kind=kind,
        source=name,
        sha256=hashlib.sha256(data).hexdigest(),
        accept_valid=accept_valid,
    )
    return await run_in_threadpool(
        services.import_jobs.submit,
        principal.username,
        kind,
        name,
        data,
        accept_valid=accept_valid,
        proof=proof,
    )


@router.get(
    "/jobs/{job_id}",
    tags=["admin"],
    summary="A reference-data load: status, progress, and its report or error",
    responses=NOT_FOUND,
)
def get_job(
    job_id: Annotated[str, PathParam(max_length=64)],
    request: Request,
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Job:
    """Its owner and admins read it; ``report`` is the validation report once it succeeded
    (rejected rows included: ``reason`` in English, ``code`` and ``params`` for a client's own
    catalog, ``problem`` in the reader's language; ``message`` too is in it), ``error`` says
    why it failed (nothing of it was loaded)."""
    return job_as_read(services.import_jobs.read(principal.user, job_id), request)


def job_as_read(job: Job, request: Request) -> Job:
    """A job with its report, or why it failed, in the reader's language (the API's and the
    page's alike)."""
    said = translator(request_language(request))
    if job.report is not None:
        return job.model_copy(update={"report": said.report(job.report)})
    if job.error_code:
        error = said.keyed(job.error_code, job.error_params, job.error or job.error_code)
        return job.model_copy(update={"error": error})
    return job
