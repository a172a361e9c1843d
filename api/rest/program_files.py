"""Bulk actions on a program from a file, over HTTP: enrol everyone a roster file names; record
everyone a sign-in sheet or a device export names as attending a session.

The file (multipart field ``file``: a CSV or a plain list, employee ids in the first column) is
checked whole before anything is recorded: a refusal is a 422 whose ``rows`` lists every
offending row. Then the answer streams as it is recorded (``application/x-ndjson``, one JSON
object a line): ``{"checked": n, "skipped": s, "to_send": k}`` first, ``{"sent": d, "of": n}``
after each batch, and ``{"total": n, "recorded": r, "skipped": s, "last_position": p}`` last; a
failure midway ends the stream with ``{"error": ...}``. Sending the same file again resumes:
who is recorded already is skipped, and nothing is recorded twice (``services.programs_bulk``).
These routes live under ``/api/v1/bulk/`` so that their body limit (``UPLOAD_LIMITS``) is the
roster file's, not the 2 MiB of every other request.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

import structlog
from fastapi import APIRouter, File, Path, Query, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.responses import Response

from api.dependencies import CurrentPrincipal, ServicesDep, request_language
from api.errors import COMMON_RESPONSES, HTTP_422, NOT_FOUND, UNAVAILABLE
from api.rest.schemas import ProgramId
from services.error_texts import as_data
from services.errors import Explained, Forbidden
from services.program_client import ActionRefused
from services.programs import ProgramContext
from services.programs_bulk import BulkPlan, check_attendance, check_enrolment, send_batches
from services.roster_files import MAX_ROSTER_BYTES, RosterFileRefused, RosterRefused

log = structlog.get_logger(__name__)

router = APIRouter(prefix="/api/v1/bulk", responses=COMMON_RESPONSES)

#: The body limit of these routes: the roster file's and its multipart framing (413 beyond).
UPLOAD_LIMITS = {"/api/v1/bulk/": MAX_ROSTER_BYTES + 64 * 1024}

NDJSON = "application/x-ndjson"
RosterFile = Annotated[
    UploadFile, File(description="A CSV or a plain list: employee ids in the first column.")
]
SessionId = Annotated[
    str, Path(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$", description="Session")
]
LateReason = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=2000,
        description="Why this is entered after the entry window (it is marked late-entered).",
    ),
]

REFUSED = {
    HTTP_422: {
        "description": "The file is refused whole, nothing was recorded; ``rows`` lists every "
        "offending row (``code``, ``params``, and ``problem`` in the reader's language); a file "
        "that cannot be a roster at all has its own ``code`` and no ``rows``."
    }
}
STREAM = {
    200: {
        "description": "Progress, one JSON object a line, as the batches are recorded.",
        "content": {NDJSON: {}},
    }
}


def _refusal(exc: RosterRefused, request: Request) -> JSONResponse:
    """The service's usual 422, with every offending row as data: its ``code`` and ``params``,
    and its ``problem`` in the reader's language (as ``detail``)."""
    lang = request_language(request)
    rows = [
        {
            "row": p.row,
            "value": p.value,
            "code": p.code,
            "params": as_data(p.params),
            "problem": p.said(lang),
        }
        for p in exc.problems
    ]
    body = {
        "detail": exc.said(lang),
        "code": exc.key,
        "params": {"count": len(exc.problems)},
        "errors": [{"msg": str(exc), "type": "value_error"}],
        "rows": rows,
    }
    return JSONResponse(body, HTTP_422)


def _line(value: dict[str, Any]) -> bytes:
    return (json.dumps(value) + "\n").encode()


async def _streamed(ctx: ProgramContext, plan: BulkPlan) -> Response:
    """The file's first batch is sent before the answer starts: a refusal by the program's
    rules (an enrolment in a draft, attendance before the session starts) is then answered as
    any refused action is (its status, ``code`` and ``params``), nothing recorded, rather than
    a "200" whose stream ends in an error. The rest streams as it is recorded."""
    batches = send_batches(ctx, plan)
    first = await anext(batches, None)  # (none: nothing to send, or others sent it all)
    return StreamingResponse(_progress(ctx, plan, batches, first), media_type=NDJSON)


async def _progress(
    ctx: ProgramContext,
    plan: BulkPlan,
    batches: AsyncIterator[tuple[int, int]],
    first: tuple[int, int] | None,
) -> AsyncIterator[bytes]:
    yield _line({"checked": plan.total, "skipped": plan.skipped, "to_send": len(plan.todo)})
    done, last_position = first if first is not None else (plan.skipped, 0)
    try:
        if first is not None:
            yield _line({"sent": done, "of": plan.total})
        async for done, last_position in batches:  # noqa: B007
            yield _line({"sent": done, "of": plan.total})
        if last_position:
            await ctx.wait_for_projection(last_position)
    except Exception as exc:  # the status is sent already: the stream's last line says it
        log.warning("bulk action stopped midway", program_id=plan.program_id, error=str(exc))
        yield _line(_stopped(exc, done, plan.total))
        return
    outcome = plan.outcome(last_position)
    yield _line(
        {
            "total": outcome.total,
            "recorded": outcome.recorded,
            "skipped": outcome.skipped,
            "last_position": outcome.last_position,
        }
    )


def _stopped(exc: Exception, done: int, total: int) -> dict[str, Any]:
    """The last line of a stream that stopped: why (``error``, ``code``, ``params``), how many
    of the file are recorded (``recorded_before``), and whether sending the same file again
    resumes (``resume``: false when the program's rules refused the rest, e.g. it was
    cancelled meanwhile, or the sender may no longer send it)."""
    code: str = ""
    params: dict[str, object] = {}
    if isinstance(exc, ActionRefused):
        code, params = exc.code, dict(exc.params)
    elif isinstance(exc, Explained):
        code, params = exc.key, exc.params
    return {
        "error": str(exc),
        "code": code,
        "params": as_data(params),
        "recorded_before": done,
        "of": total,
        "resume": not isinstance(exc, ActionRefused | Forbidden),
    }


async def _file(upload: UploadFile, request: Request) -> bytes:
    """At most one byte over the limit, so that an oversized file is refused by its size (its
    whole size, as received, named). Two files in one upload, or a part other than ``file``,
    are refused, not left unread unsaid (the form is parsed already: ``request.form()``
    answers it again)."""
    form = await request.form()
    others = sorted(set(form.keys()) - {"file"})
    if others:  # another part (a second file under another name) is refused, not left unread
        raise RosterFileRefused("error.upload_unknown_part", names=", ".join(others))
    sent = form.getlist("file")
    if len(sent) > 1:
        raise RosterFileRefused("error.roster_many_files", count=len(sent))
    if upload.size is not None and upload.size > MAX_ROSTER_BYTES:
        raise RosterFileRefused("error.roster_too_big", size=upload.size, limit=MAX_ROSTER_BYTES)
    return await upload.read(MAX_ROSTER_BYTES + 1)


@router.post(
    "/programs/{program_id}/roster",
    tags=["program actions"],
    summary="Enrol everyone a roster file names in a published program",
    description="Needs the **specialist** role and owning the program. " + __doc__.split("\n\n")[1],
    response_class=StreamingResponse,
    responses=STREAM | REFUSED | NOT_FOUND | UNAVAILABLE,
    operation_id="program_enrol_from_file",
)
async def enrol_from_file(
    request: Request,
    program_id: ProgramId,
    principal: CurrentPrincipal,
    services: ServicesDep,
    file: RosterFile,
) -> Response:
    data = await _file(file, request)
    try:
        plan = await check_enrolment(services, principal.user, program_id, data)
    except RosterRefused as exc:
        return _refusal(exc, request)
    return await _streamed(services, plan)


@router.post(
    "/programs/{program_id}/sessions/{session_id}/attendance",
    tags=["program actions"],
    summary="Record everyone a sign-in sheet or a device export names as attending a session",
    description="Needs the **specialist** role and owning the program; everyone named must be "
    "enrolled. " + __doc__.split("\n\n")[1],
    response_class=StreamingResponse,
    responses=STREAM | REFUSED | NOT_FOUND | UNAVAILABLE,
    operation_id="program_attendance_from_file",
)
async def attendance_from_file(
    request: Request,
    program_id: ProgramId,
    session_id: SessionId,
    principal: CurrentPrincipal,
    services: ServicesDep,
    file: RosterFile,
    late_reason: LateReason = None,
) -> Response:
    data = await _file(file, request)
    try:
        plan = await check_attendance(
            services, principal.user, program_id, session_id, data, late_reason
        )
    except RosterRefused as exc:
        return _refusal(exc, request)
    return await _streamed(services, plan)
