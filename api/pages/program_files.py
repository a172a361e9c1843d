"""A program page's actions from a file: enrol everyone a roster names, record everyone a
sign-in sheet or a device export names as attending a session.

The same use cases as the API's bulk routes (``services.programs_bulk``): the file is checked
whole first, and a refusal lists the offending rows and records nothing; then it is sent in
batches, and sending the same file again records nobody twice. The page waits for the last
batch and shows the program again. The routes live under ``/files/`` so that their body limit
(``UPLOAD_LIMITS``) is the roster file's, not that of every other form.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from functools import partial
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Request
from fastapi.responses import Response
from pydantic import ValidationError
from starlette.datastructures import FormData, UploadFile

from api.dependencies import CurrentPrincipal, Principal, Services, ServicesDep
from api.languages import N_
from api.pages.programs import program_page
from api.pages.rendering import FORM_ERRORS, language, message_of, redirect, status_for
from api.translator import translator
from services.errors import NotFound
from services.programs_bulk import BulkPlan, check_attendance, check_enrolment, send_batches
from services.roster_files import MAX_ROSTER_BYTES, RosterRefused

router = APIRouter(include_in_schema=False)

#: The body limit of these routes: the roster file's and its multipart framing (413 beyond).
UPLOAD_LIMITS = {"/files/programs/": MAX_ROSTER_BYTES + 64 * 1024}

NO_FILE = N_("choose a file to send; nothing was recorded")

SessionId = Annotated[str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]


async def _file(form: FormData) -> bytes | None:
    """The uploaded file, at most one byte over the limit (so an oversized one is refused by
    its size), or None when none was chosen."""
    upload = form.get("file")
    if not isinstance(upload, UploadFile) or not upload.filename:
        return None
    return await upload.read(MAX_ROSTER_BYTES + 1)


async def _refused(
    request: Request,
    principal: Principal,
    services: Services,
    program_id: str,
    error: str,
    code: int,
) -> Response:
    now = await services.now()
    # the page reads and renders the program (a big one's state is megabytes): off the loop
    return await asyncio.to_thread(
        partial(program_page, error=error, status_code=code, now=now),
        request,
        principal,
        services,
        program_id,
    )


async def _run(
    request: Request,
    principal: Principal,
    services: Services,
    program_id: str,
    check: Awaitable[BulkPlan],
) -> Response:
    """Check the file whole (``check`` makes the plan), then send every batch; a refusal is
    shown on the program page, with nothing recorded by this request."""
    try:
        plan = await check  # the command's own checks (a late reason's) come with it
        last_position = 0
        async for _, last_position in send_batches(services, plan):  # noqa: B007
            pass
        if last_position:
            await services.wait_for_projection(last_position)
    except RosterRefused as exc:
        said = exc.said(language(request))
        return await _refused(request, principal, services, program_id, said, 422)
    except (*FORM_ERRORS, ValidationError) as exc:
        if isinstance(exc, NotFound):
            raise
        error = message_of(exc, request)
        return await _refused(request, principal, services, program_id, error, status_for(exc))
    return redirect(f"/programs/{quote(program_id)}")


def _no_file(request: Request) -> str:
    return translator(language(request))(NO_FILE)


@router.post("/files/programs/{program_id}/roster")
async def enrol_from_file(
    request: Request, program_id: str, principal: CurrentPrincipal, services: ServicesDep
) -> Response:
    data = await _file(await request.form())
    if data is None:
        return await _refused(request, principal, services, program_id, _no_file(request), 422)
    check = check_enrolment(services, principal.user, program_id, data)
    return await _run(request, principal, services, program_id, check)


@router.post("/files/programs/{program_id}/sessions/{session_id}/attendance")
async def attendance_from_file(
    request: Request,
    program_id: str,
    session_id: SessionId,
    principal: CurrentPrincipal,
    services: ServicesDep,
) -> Response:
    form = await request.form()
    data = await _file(form)
    if data is None:
        return await _refused(request, principal, services, program_id, _no_file(request), 422)
    sent = form.get("late_reason")  # a text field: a file sent under its name is no reason
    reason = (sent.strip() or None) if isinstance(sent, str) else None
    check = check_attendance(services, principal.user, program_id, session_id, data, reason)
    return await _run(request, principal, services, program_id, check)
