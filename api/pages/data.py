"""The admins' reference-data page: upload a file, then follow its job to the report.

The job page refreshes itself (a meta refresh: the pages need no scripts) while
the load is queued or running, and shows the report, or why it failed, once it is done.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import UploadFile

from api.dependencies import (
    CurrentPrincipal,
    Principal,
    ServicesDep,
    request_language,
    require_role,
)
from api.pages.rendering import redirect, render, said
from api.rest.data import job_as_read, queue_upload
from api.translator import translator
from imports.reference import KINDS
from services.errors import Invalid

router = APIRouter(include_in_schema=False)

#: Seconds between two looks of the job page at a load that is not done.
REFRESH_SECONDS = 1


def _upload_page(
    request: Request, principal: Principal, *, error: str | None = None, status_code: int = 200
) -> Response:
    return render(
        request, "data.html", principal, status_code=status_code, kinds=list(KINDS), error=error
    )


@router.get("/admin/data", response_class=HTMLResponse)
def data_page(request: Request, principal: CurrentPrincipal) -> Response:
    require_role(principal, "admin", doing="loading reference data")
    return _upload_page(request, principal)


@router.post("/admin/data")
async def upload(request: Request, principal: CurrentPrincipal, services: ServicesDep) -> Response:
    """Queue the file and go to its job page; a file that cannot be loaded at all is said
    here, on the form, and nothing is queued."""
    require_role(principal, "admin", doing="loading reference data")
    form = await request.form()
    file, kind = form.get("file"), str(form.get("kind", ""))
    if not isinstance(file, UploadFile):
        return _upload_page(request, principal, error="choose a file", status_code=422)
    try:
        job = await queue_upload(
            services, principal, kind, file, accept_valid=form.get("accept_valid") == "yes"
        )
    except Invalid as exc:  # said in the reader's language, by its key
        return _upload_page(request, principal, error=said(request, exc), status_code=422)
    return redirect(f"/admin/data/jobs/{job.job_id}")


#: What the page says instead of the command line's words (a checkbox there, not a flag).
ON_THE_PAGE = {"import.nothing_imported": "import.nothing_imported.page"}


@router.get("/admin/data/jobs/{job_id}", response_class=HTMLResponse)
def job_page(
    job_id: str, request: Request, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    job = job_as_read(services.import_jobs.read(principal.user, job_id[:64]), request)
    report = job.report
    if report is not None and report.message_code in ON_THE_PAGE:  # a checkbox, not a flag
        code = ON_THE_PAGE[report.message_code]
        words = translator(request_language(request))
        message = words.keyed(code, report.message_params, report.message)
        job = job.model_copy(update={"report": report.model_copy(update={"message": message})})
    running = job.status not in ("succeeded", "failed")
    return render(
        request, "data_job.html", principal, job=job, refresh=REFRESH_SECONDS if running else None
    )
