"""Auditors over HTTP (``/api/v1/audit``): history, verification with digests and seals,
read-model replay (now or as of a past moment), workflow replay, the export bundle, the proof
check, and a seal on demand.

Every route needs the auditor role and only reads, except ``POST /seals`` (auditor or admin),
which seals the log's head as the worker's schedule does. ``trainops audit`` calls these
routes, and they run the ``audit`` package's functions, so both give the same answers.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal

from fastapi import APIRouter, BackgroundTasks, Body, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, StreamingResponse
from pydantic import BaseModel, Field, StrictBool, StringConstraints

from activities.config_versions import kpi_rules
from api.dependencies import CurrentPrincipal, ServicesDep, require_role
from api.errors import COMMON_RESPONSES, NOT_FOUND, UNAVAILABLE
from audit.comparison import Comparison
from audit.digest import Digest, Seal, read_seals
from audit.history import HistoryEntry, HistoryFilter, iter_history, write_csv, write_jsonl
from audit.proofs import ProofReport, check_proofs
from audit.replay import AsOfReport, replay_and_compare, replay_as_of
from audit.verify import LogNotIntact, VerifyReport, take_digest, verify_audit
from audit.witness import WitnessError
from domain.events import EVENT_TYPES
from domain.ratings import Thresholds
from domain.seals import SignedSeal
from domain.streams import program_stream
from services.audit_export import export_bundle
from services.errors import Conflict, NotFound, Unavailable
from services.kpi_reports import load_thresholds
from services.sealing import prepare_sealer
from services.signing import SigningKeyError
from services.workflow_replay import RunReplay, replay_workflows

router = APIRouter(prefix="/api/v1/audit", tags=["audit"], responses=COMMON_RESPONSES)

Person = Annotated[str | None, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")]
ProgramFilter = Annotated[
    str | None, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")
]
EventType = Annotated[list[str] | None, Query(max_length=50)]

MAX_JSON_ROWS = 5000
MAX_HEADER_PROBLEMS = 20


def _invalid(field: str, message: str) -> RequestValidationError:
    """A 422 in the API's usual shape (``detail`` and ``errors``)."""
    return RequestValidationError(
        [{"loc": ("query", field), "msg": message, "type": "value_error"}]
    )


def _auditor(principal: CurrentPrincipal, doing: str) -> None:
    require_role(principal, "auditor", doing=doing)


@router.get(
    "/history",
    summary="Events of a program, a person or a time range (JSON, JSON Lines or CSV)",
    response_model=list[HistoryEntry],
    responses={
        **NOT_FOUND,
        200: {
            "content": {
                "application/json": {},
                "application/x-ndjson": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            }
        },
    },
)
def history(
    principal: CurrentPrincipal,
    services: ServicesDep,
    program: ProgramFilter = None,
    person: Person = None,
    since: datetime | None = None,
    until: datetime | None = None,
    time_field: Literal["occurred_at", "recorded_at"] = "occurred_at",
    event_type: EventType = None,
    limit: Annotated[int, Query(ge=1, le=1_000_000)] = 1000,
    format: Literal["json", "jsonl", "csv"] = "json",
) -> list[HistoryEntry] | StreamingResponse:
    _auditor(principal, "reading the history")
    # A mistyped filter is said, never answered with an empty history ("it never happened").
    unknown = sorted(set(event_type or ()) - set(EVENT_TYPES))
    if unknown:
        names = ", ".join(map(repr, unknown))
        raise _invalid(
            "event_type",
            f"unknown event type {names}: types are named as in the log, e.g. ProgramPlanned",
        )
    if program is not None and not services.database.store.stream_version(program_stream(program)):
        raise NotFound("error.no_program", program_id=program)
    for name, moment in (("since", since), ("until", until)):
        if moment is not None and moment.utcoffset() is None:
            raise _invalid(name, "needs a time zone, e.g. 2027-01-15T12:00:00+08:00")
    where = HistoryFilter(
        program_id=program,
        person=person,
        since=since,
        until=until,
        time_field=time_field,
        event_types=frozenset(event_type or ()),
        limit=limit if format != "json" else min(limit, MAX_JSON_ROWS),
    )
    entries = iter_history(services.database.store, where)
    if format == "json":
        return list(entries)
    writer = write_jsonl if format == "jsonl" else write_csv
    media = "application/x-ndjson" if format == "jsonl" else "text/csv"

    def stream() -> Iterator[str]:
        buffer = io.StringIO()
        writer(entries, buffer)
        yield buffer.getvalue()

    return StreamingResponse(stream(), media_type=media)


ProgramIdText = Annotated[
    str, StringConstraints(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")
]


class VerifyRequest(BaseModel):
    digests: list[Digest] = Field(default=[], max_length=100)
    check_seals: StrictBool = True
    witness: list[SignedSeal] = Field(default=[], max_length=50_000)
    """The seals a witness kept (the files of its directory, parsed), checked against the log."""


@router.post("/verify", summary="Verify the chain, the head, the seals and your digests")
def verify(
    principal: CurrentPrincipal,
    services: ServicesDep,
    request: Annotated[VerifyRequest | None, Body()] = None,
) -> VerifyReport:
    _auditor(principal, "verifying the log")
    request = request or VerifyRequest()
    return verify_audit(
        services.database.store,
        digests=request.digests,
        check_seals=request.check_seals,
        witness=request.witness,
    )


def _not_intact(exc: LogNotIntact) -> Conflict:
    """A log that does not verify, keyed: a 409 in the reader's language, with its first
    problem as data."""
    first = exc.report.first_problem
    if first is None:
        return Conflict("error.log_not_intact_bare")
    return Conflict(
        "error.log_not_intact",
        count=len(exc.report.problems),
        kind=first.kind,
        position=first.position,
        detail=first.detail,
    )


@router.get(
    "/digest",
    summary="A digest (position + hash) to keep outside the system",
    responses={409: {"description": "The log does not verify; no digest is given."}},
)
def digest(principal: CurrentPrincipal, services: ServicesDep) -> Digest:
    _auditor(principal, "taking a digest")
    try:
        return take_digest(services.database.store)
    except LogNotIntact as exc:
        raise _not_intact(exc) from exc


@router.get("/seals", summary="The digests the system sealed itself, oldest first")
def seals(principal: CurrentPrincipal, services: ServicesDep) -> list[Seal]:
    _auditor(principal, "reading the seals")
    return list(read_seals(services.database.engine))


class SealRequest(BaseModel):
    min_new_events: Annotated[int, Field(ge=1, le=1_000_000_000)] = 1
    """Seal only if at least this many events came since the last seal."""


class SealOut(BaseModel):
    seq: int | None
    """The new seal's number; null: nothing new enough to seal."""
    position: int | None
    key_id: str
    """The seal key that signed it (published in the log)."""
    witnessed: dict[str, list[int]]
    """Per witness, the seals handed over."""


@router.post(
    "/seals",
    summary="Seal the log's head now (auditors and admins), as the worker's schedule does",
    responses={
        409: {"description": "The log does not verify, or a witness refused; see detail."},
        503: {"description": "This server holds no seal key."},
    },
)
def seal(
    principal: CurrentPrincipal,
    services: ServicesDep,
    request: Annotated[SealRequest | None, Body()] = None,
) -> SealOut:
    """Verify the log, store a signed seal of its head and hand the seals to the witnesses,
    with the seal key the server is configured with (never a key minted here)."""
    require_role(principal, "auditor", "admin", doing="sealing the log")
    request = request or SealRequest()
    try:
        no_new_key = services.settings.model_copy(update={"seal_key_create": False})
        sealer = prepare_sealer(services.database.store, no_new_key)
    except SigningKeyError as exc:
        raise Unavailable("error.cannot_seal", reason=exc) from exc
    try:
        outcome = sealer.seal_once(request.min_new_events)
    except LogNotIntact as exc:
        raise _not_intact(exc) from exc
    except WitnessError as exc:
        raise Conflict("error.witness_refused", detail=exc) from exc
    return SealOut(
        seq=outcome.seq,
        position=outcome.position,
        key_id=sealer.signer.key_id,
        witnessed=outcome.witnessed,
    )


@router.get("/replay", summary="Rebuild every read model from the log and compare with live")
def replay(
    principal: CurrentPrincipal,
    services: ServicesDep,
    max_differences: Annotated[int, Query(ge=0, le=10_000)] = 200,
) -> Comparison:
    _auditor(principal, "replaying the log")
    return replay_and_compare(services.database.store, max_differences=max_differences)


@router.get("/as-of", summary="The KPIs and programs as of a past log position or instant")
def as_of(
    principal: CurrentPrincipal,
    services: ServicesDep,
    position: Annotated[int | None, Query(ge=0)] = None,
    instant: datetime | None = None,
    include_programs: bool = True,
) -> AsOfReport:
    _auditor(principal, "replaying the log as of a moment")
    try:
        return replay_as_of(
            services.database.store,
            position=position,
            instant=instant,
            include_programs=include_programs,
        )
    except ValueError as exc:
        raise _invalid("instant" if instant is not None else "position", str(exc)) from exc


@router.get(
    "/workflows",
    summary="Replay program workflows' Temporal histories against today's code",
    responses=UNAVAILABLE | NOT_FOUND,
)
async def workflows(
    principal: CurrentPrincipal,
    services: ServicesDep,
    program: Annotated[list[ProgramIdText] | None, Query(max_length=100)] = None,
    details: bool = False,
) -> list[RunReplay]:
    _auditor(principal, "replaying workflows")
    store = services.database.store
    missing = [name for name in program or () if not store.stream_version(program_stream(name))]
    if missing:  # never "1 runs replayed, 0 failed" for a program there is not
        if len(missing) == 1:
            raise NotFound("error.no_program", program_id=missing[0])
        raise NotFound("error.no_programs", program_ids=", ".join(map(repr, missing)))
    client = (await services.programs()).client
    return [
        run
        async for run in replay_workflows(
            client, services.database.store, programs=program, details=details
        )
    ]


@router.get(
    "/export",
    summary="A self-contained bundle (.tar.gz): events, hash formula, digest, KPIs",
    response_class=FileResponse,
)
def export(
    principal: CurrentPrincipal,
    services: ServicesDep,
    background: BackgroundTasks,
    up_to: Annotated[int | None, Query(ge=1)] = None,
    name: Annotated[
        str, Query(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
    ] = "trainops-export",
) -> FileResponse:
    """Events 1..``up_to`` (default: all), in one folder ``name`` inside the archive. The
    headers ``X-Trainops-Events``, ``X-Trainops-Digest`` and ``X-Trainops-Problems`` (JSON)
    say what was exported and which chain problems it holds."""
    _auditor(principal, "exporting the log")
    workdir = Path(tempfile.mkdtemp(prefix="trainops-api-export-"))
    target = workdir / f"{name}.tar.gz"
    try:
        store, settings = services.database.store, services.settings

        def rated_as_the_dashboard(position: int) -> tuple[Thresholds, float]:
            rules = kpi_rules(store, settings.config_file, up_to=position)
            return load_thresholds(settings.kpi_thresholds_file, settings, configured=rules)

        result = export_bundle(store, target, up_to=up_to, thresholds_at=rated_as_the_dashboard)
    except BaseException:
        shutil.rmtree(workdir, ignore_errors=True)
        raise
    background.add_task(shutil.rmtree, workdir, True)
    problems = [p.model_dump(mode="json") for p in result.problems[:MAX_HEADER_PROBLEMS]]
    headers = {
        "X-Trainops-Events": str(result.events),
        "X-Trainops-Digest": result.digest.model_dump_json(),
        "X-Trainops-Problems": json.dumps(problems),
        "X-Trainops-Problem-Count": str(len(result.problems)),
    }
    return FileResponse(
        target, media_type="application/gzip", filename=target.name, headers=headers
    )


@router.get("/proofs", summary="Check that every person's recorded action carries a valid proof")
def proofs(principal: CurrentPrincipal, services: ServicesDep) -> ProofReport:
    """Each proof against the keys published in the log: signature, actor, program, action,
    content and time."""
    _auditor(principal, "checking the actors' proofs")
    return check_proofs(services.database.store.read_all())
