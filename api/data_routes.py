"""Every KPI as rated scorecards, and reference data loaded over HTTP.

``GET /api/v1/kpi/scorecards`` is ``trainops kpi report --json``: execution, L1-L4, ROI and
resources, rated. ``POST /api/v1/data/{kind}`` is ``trainops data load``: an admin uploads a
CSV or JSON file and gets the validation report; every accepted change is an event.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, HTTPException, Query, UploadFile, status
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError

from api.auth import CurrentPrincipal, ServicesDep, refuse, require_role
from api.errors import COMMON_RESPONSES
from api.kpis import thresholds_in_force
from eventlog import EventLogError
from imports.common import FileProblem
from imports.reference import KINDS, load_reference
from imports.report import ImportReport
from projections import kpi_queries
from services.proven import REFERENCE_DATA
from trainops.kpi_cli import scorecard_json

router = APIRouter(prefix="/api/v1", responses=COMMON_RESPONSES)

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
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
    user = principal.user
    if not user.has("auditor", "admin"):
        require_role(principal, "specialist", doing="reading KPI scorecards")
        if specialist not in (None, user.username) or department is not None:
            raise refuse(f"{user.username} may read only their own scorecards")
        specialist = user.username
    thresholds, pass_mark = thresholds_in_force(services.settings)
    cards = kpi_queries.kpi_report(
        services.database.engine,
        thresholds,
        pass_mark=pass_mark,
        period=period,
        specialist=specialist,
        department=department,
        scopes=("specialist",)
        if specialist is not None
        else ("specialist", "department", "organisation"),
    )
    return [scorecard_json(card) for card in cards]


@router.post(
    "/data/{kind}",
    tags=["admin"],
    summary="Load reference data (CSV or JSON) and get the validation report",
    responses={
        422: {"description": "The file or kind cannot be read; nothing was loaded."},
        503: {"description": "The database went away; nothing was loaded, send it again."},
    },
)
async def load_data(
    kind: str,
    principal: CurrentPrincipal,
    services: ServicesDep,
    file: Annotated[UploadFile, File(description="A .csv or .json file.")],
    accept_valid: bool = False,
) -> ImportReport:
    """Nothing is loaded when a row is rejected, unless ``accept_valid``; loading the same file
    again changes nothing; a load is one transaction, so a fault leaves nothing of it. It runs
    in a worker thread: other requests are answered meanwhile."""
    require_role(principal, "admin", doing="loading reference data")
    if kind not in KINDS:
        raise _invalid("kind", f"unknown kind {kind!r}; one of: {', '.join(KINDS)}")
    name = Path(file.filename or "upload.csv").name
    if Path(name).suffix.lower() not in (".csv", ".json"):
        raise _invalid("file", "upload a .csv or .json file")
    data = await file.read(MAX_UPLOAD_BYTES + 1)
    if len(data) > MAX_UPLOAD_BYTES:
        raise _invalid("file", f"the file is larger than {MAX_UPLOAD_BYTES // 1024 // 1024} MiB")
    with tempfile.TemporaryDirectory(prefix="trainops-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        try:
            return await run_in_threadpool(
                load_reference,
                services.database.store,
                kind,
                path,
                accept_valid=accept_valid,
                actor=principal.username,
                proof=services.proof(
                    principal.username,
                    REFERENCE_DATA,
                    "load_data",
                    data_kind=kind,
                    source=name,
                    sha256=hashlib.sha256(data).hexdigest(),
                    accept_valid=accept_valid,
                ),
            )
        except FileProblem as exc:
            raise _invalid("file", str(exc)) from exc
        except EventLogError as exc:
            raise HTTPException(
                status.HTTP_409_CONFLICT, f"the log refused the load ({exc}); send it again"
            ) from exc
