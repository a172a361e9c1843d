"""Program use cases: plan, act, read. One place for who may do what to which program.

The checks here are the first of two: the workflow checks again (state, ownership, four-eyes) and
refuses anything without the actor assertion the gateway signs for the person authenticated
here. A refusal at either level records nothing.
"""

from __future__ import annotations

import asyncio
import time
from functools import partial
from typing import Any, Protocol

import structlog
from pydantic import BaseModel, Field

from domain import commands as c
from domain.program import TERMINAL, DomainError, ProgramState, ProgramStatus, check_state
from domain.proofs import payload_digest
from domain.streams import program_stream
from eventlog.records import RecordedEvent
from projections import queries, trainee_queries
from runtime.settings import Settings
from services import reads
from services.action_warnings import ActionWarning, action_warnings
from services.actions import ProgramAction
from services.database import Database
from services.errors import (
    Conflict,
    Forbidden,
    Invalid,
    NotFound,
    NotYetVisible,
    temporal_errors,
)
from services.people import Person, require_role
from services.program_checks import (
    check_approvers,
    check_new_text_and_dates,
    check_plan_routable,
    check_revision_changes,
    check_sessions_planned_ahead,
    check_sizes,
    check_trainees,
    whole_task_id,
)
from services.program_client import ActionRefused, ProgramClient
from services.request_keys import first_answer, request_nonce, spent_before, update_id
from services.trainings import check_exam_answers
from workflows.program import ActionResult

#: A program's row of the read model, or None while the projector has not reached its plan.
Summary = dict[str, Any] | None

log = structlog.get_logger(__name__)


class ProgramContext(Protocol):
    """What the program use cases need from the process: the database, the signing Temporal
    gateway, and read-your-writes."""

    @property
    def database(self) -> Database: ...

    @property
    def settings(self) -> Settings: ...

    async def programs(self) -> ProgramClient: ...

    async def wait_for_projection(self, position: int) -> bool: ...


class ActionOut(BaseModel):
    program_id: str
    status: str
    stream_version: int
    last_position: int
    events: list[str]
    projected: bool = Field(
        description="True when the read models already show this change (read-your-writes)."
    )
    warnings: list[ActionWarning] = Field(
        default=[], description="What to know about the recorded action (a started session)."
    )


def _action_out(result: ActionResult, projected: bool) -> ActionOut:
    return ActionOut(
        program_id=result.program_id,
        status=result.status,
        stream_version=result.stream_version,
        last_position=result.last_position,
        events=list(result.events),
        projected=projected,
    )


#: How long a read waits for the projector to reach a program the log already holds.
CATCH_UP_SECONDS = 5.0


def program_summary(ctx: ProgramContext, program_id: str) -> dict[str, Any]:
    """The program's summary row. A program the log holds but the read models do not show yet
    (the projector lags) is waited for briefly, then ``NotYetVisible``: never a false 404."""
    engine = ctx.database.engine
    summary = queries.program_summary(engine, program_id)
    if summary is not None:
        return summary
    stream = ctx.database.store.read_stream(program_stream(program_id), limit=1)
    if not stream:
        raise NotFound("error.no_program", program_id=program_id)
    deadline = time.monotonic() + CATCH_UP_SECONDS
    while ctx.database.projector.position() < stream[0].position:
        if time.monotonic() >= deadline:
            raise NotYetVisible("error.program_not_projected", program_id=program_id)
        time.sleep(0.05)
    summary = queries.program_summary(engine, program_id)
    if summary is None:  # projected, yet absent: its plan could not be folded (quarantined)
        raise NotYetVisible("error.program_quarantined", program_id=program_id)
    return summary


def read_program(
    ctx: ProgramContext,
    person: Person,
    program_id: str,
    before: int | None = None,
    *,
    with_timeline: bool = True,
) -> queries.ProgramRead:
    """The program's summary, state and newest timeline lines (``before`` a position: older
    ones; none ``with_timeline=False``), read together over one connection, if it exists and
    the person may see it."""
    engine = ctx.database.engine

    def narrowing(
        summary: dict[str, Any], state: dict[str, Any], actors: frozenset[str]
    ) -> queries.Narrowed:
        """What of the timeline ``person`` sees: every line, or the program's own steps and
        theirs (``reads.timeline_for`` says the same of lines already read)."""
        if reads.sees_scores(person, summary, state, set(actors)):
            return None
        return reads.TRAINEE_TIMELINE, person.username

    read = partial(
        queries.program_read,
        engine,
        program_id,
        with_timeline=with_timeline,
        before=before,
        viewer=person.username,
        narrowing=narrowing,
    )
    found = read()
    if found is None:
        program_summary(ctx, program_id)  # waits for a lagging projector, or says why not
        found = read()
        if found is None:
            raise NotYetVisible("error.program_quarantined", program_id=program_id)
    if not reads.can_read(person, found.summary, found.state, set(found.actors)) and not (
        # A large program keeps its roster out of the state: the read model knows.
        person.has("trainee")
        and trainee_queries.program_ids_of(engine, person.username, program_id)
    ):
        raise Forbidden(
            "error.program_not_readable", username=person.username, program_id=program_id
        )
    return found


def load_program(ctx: ProgramContext, person: Person, program_id: str) -> dict[str, Any]:
    """The program's summary row, if it exists and the person may see it."""
    return read_program(ctx, person, program_id, with_timeline=False).summary


def check_action(
    ctx: ProgramContext, person: Person, program_id: str, action: ProgramAction
) -> Summary:
    """Role, then ownership, before anything is sent. Returns the read model's row it read (None
    while the projector lags), so the other checks of one action read it only once."""
    doing = action.kind.replace("_", " ")
    require_role(person, action.role, doing=doing)
    summary = queries.program_summary(ctx.database.engine, program_id)
    specialist = _planned(ctx, program_id, "specialist", summary)
    if action.owner_only and specialist != person.username:
        raise Forbidden(
            "error.not_the_specialist",
            specialist=specialist,
            doing=doing,
            username=person.username,
        )
    return summary


def _planned(ctx: ProgramContext, program_id: str, field: str, summary: Summary) -> str:
    """A field of the program as planned (its specialist, its time zone): from the read model's
    ``summary``, or from the plan in the log while the projector lags (the workflow, not the
    read model, decides whether an action happens)."""
    if summary is not None:
        return str(summary[field])
    stream = ctx.database.store.read_stream(program_stream(program_id), limit=1)
    if not stream:
        raise NotFound("error.no_program", program_id=program_id)
    return str(stream[0].payload.get(field, ""))


async def act(
    ctx: ProgramContext,
    person: Person,
    program_id: str,
    action: ProgramAction,
    fields: dict[str, Any],
    idempotency_key: str | None = None,
) -> ActionOut:
    """``action`` on the program as ``person``: the command's actor is always the person.
    With an ``idempotency_key`` a retried request returns the first outcome, never acts twice."""
    summary = await asyncio.to_thread(check_action, ctx, person, program_id, action)
    engine = ctx.database.engine
    command = action.build(person.username, fields)
    check_sizes(command, program_id)
    nonce = request_nonce(person, program_id, idempotency_key, action.kind)
    try:
        refuse_when_ended(summary, command)
    except ActionRefused as ended:
        # the retry of the keyed action that ended it (its answer lost on the way): answered
        # from the log as the first time; any other action on an ended program is refused
        if nonce is None:
            raise
        try:
            return await _answer_again(ctx, program_id, person, nonce)
        except Conflict:
            raise ended from None
    programs = await ctx.programs()
    if isinstance(command, c.ReviseProgram):
        check_sessions_planned_ahead(command.sessions, await programs.clock())
        zone = await asyncio.to_thread(_planned, ctx, program_id, "timezone", summary)
        check_new_text_and_dates(command, command.sessions, zone)
        await asyncio.to_thread(_revision_changes, ctx, program_id, command)
        await asyncio.to_thread(check_approvers, ctx.database, command.approvers or ())
    else:
        check_new_text_and_dates(command)
    if isinstance(command, (c.DelegateTask, c.ReassignTask)):
        await asyncio.to_thread(check_approvers, ctx.database, [command.to])
    if isinstance(command, (c.ReviseProgram, c.EnrollTrainee)):
        named = command.trainees if isinstance(command, c.ReviseProgram) else [command.trainee]
        await asyncio.to_thread(check_trainees, ctx.database, named)
    if isinstance(command, c.RecordAttendance):
        recorded = await asyncio.to_thread(queries.sessions_with_attendance, engine, program_id)
        if command.session_id in recorded:
            command = _added_attendees(command, program_id)
        else:
            await asyncio.to_thread(_attendance_fits, ctx, program_id, command.session_id, summary)
    if isinstance(command, c.SubmitExam):
        await asyncio.to_thread(check_exam_answers, ctx.database.engine, program_id, command)
    # Summary and state only: a 50,000-trainee program's timeline has 100,000+ lines.
    found = await asyncio.to_thread(queries.program_read, engine, program_id, with_timeline=False)
    if found is not None:
        command = whole_task_id(command, found.state)
    warnings = action_warnings(command, found.state if found else None, await programs.clock())
    try:
        async with temporal_errors(f"{action.kind} of {program_id!r}"):
            result = await programs.act(
                program_id,
                command,  # type: ignore[arg-type]
                update_id=update_id(person, program_id, idempotency_key, action.kind),
                nonce=nonce,
            )
    except ActionRefused as exc:
        if nonce is None or not spent_before(exc):
            raise
        # sent before, and the program has continued as new since: the first answer, again
        return await _answer_again(ctx, program_id, person, nonce)
    projected = await ctx.wait_for_projection(result.last_position)
    return _action_out(result, projected).model_copy(update={"warnings": warnings})


async def _answer_again(
    ctx: ProgramContext, program_id: str, person: Person, nonce: str
) -> ActionOut:
    """A keyed request's answer from what it recorded the first time (``first_answer``:
    ``Conflict`` when the log holds none)."""
    now = await (await ctx.programs()).clock()
    first = await asyncio.to_thread(
        first_answer, ctx.database, program_id, person.username, nonce, now
    )
    return await _answered_before(ctx, program_id, first)


async def _answered_before(
    ctx: ProgramContext, program_id: str, first: list[RecordedEvent]
) -> ActionOut:
    """A retried request's answer from what its first try recorded (without the warnings
    said then: they were about that moment)."""
    last = first[-1]
    projected = await ctx.wait_for_projection(last.position)
    summary = await asyncio.to_thread(queries.program_summary, ctx.database.engine, program_id)
    return ActionOut(
        program_id=program_id,
        status=str(summary["status"]) if summary else "",
        stream_version=last.stream_version,
        last_position=last.position,
        events=[r.event_type for r in first],
        projected=projected,
    )


def refuse_when_ended(summary: Summary, command: BaseModel) -> None:
    """A program that has ended (closed, rejected, cancelled) refuses an action as its rules
    do, naming its state: its workflow is gone, and Temporal would only say that the program
    "does not exist or is no longer running", which is not true of a closed program."""
    if summary is None or summary["status"] not in {s.value for s in TERMINAL}:
        return
    try:
        check_state(ProgramStatus(summary["status"]), command)
    except DomainError as exc:
        raise ActionRefused(str(exc), "DomainError", exc.code, exc.params) from exc


def _added_attendees(command: c.RecordAttendance, program_id: str) -> c.RecordAttendees:
    """Attendance of a session already recorded is added to, as a file adds it: one rule for
    corrections, whatever the path (the people already recorded are refused by name)."""
    if not command.attendees:
        raise Invalid(
            "error.attendance_nothing_to_add", program_id=program_id, session_id=command.session_id
        )
    return c.RecordAttendees(
        actor=command.actor,
        session_id=command.session_id,
        attendees=command.attendees,
        late_reason=command.late_reason,
    )


def _revision_changes(ctx: ProgramContext, program_id: str, command: c.ReviseProgram) -> None:
    """Refuses a draft's revision that changes nothing (read-model state; while the projector
    lags there is none, and the revision goes through as before)."""
    found = queries.program_read(ctx.database.engine, program_id, with_timeline=False)
    if found is not None and found.state:
        check_revision_changes(command, ProgramState.model_validate(found.state), program_id)


def _attendance_fits(
    ctx: ProgramContext, program_id: str, session_id: str, summary: Summary
) -> None:
    """One attendance records its absentees too (everyone enrolled and not named), in the
    roster look-up's answer and in its event: a program with more enrolled than a bulk batch
    records its sessions' attendance from a file (absentees implied), else those payloads
    would grow with the program, past Temporal's limits at tens of thousands."""
    # One row of the read model, not the roster: bounded whatever the program's size. While the
    # projector lags, the log's first enrolments past the cap are enough to know.
    enrolled = (
        int(summary["enrolled"])
        if summary is not None
        else len(
            ctx.database.store.read_stream(
                program_stream(program_id),
                event_types=("TraineeEnrolled",),
                limit=c.MAX_ENROL_BATCH + 1,
            )
        )
    )
    if enrolled > c.MAX_ENROL_BATCH:
        raise Invalid(
            "error.attendance_too_big",
            program_id=program_id,
            session_id=session_id,
            enrolled=enrolled,
            most=c.MAX_ENROL_BATCH,
        )


async def plan(
    ctx: ProgramContext,
    person: Person,
    fields: dict[str, Any],
    idempotency_key: str | None = None,
) -> ActionOut:
    """A new program, owned by ``person`` (a specialist). With an ``idempotency_key``, sending
    the same plan again answers with the program it made instead of a conflict."""
    require_role(person, "specialist", doing="planning a program")
    command = c.PlanProgram.model_validate({**fields, "actor": person.username})
    check_sizes(command, command.program_id)
    programs = await ctx.programs()
    check_sessions_planned_ahead(command.sessions, await programs.clock())
    check_new_text_and_dates(command, command.sessions, command.timezone)
    await asyncio.to_thread(check_approvers, ctx.database, command.approvers)
    await asyncio.to_thread(check_plan_routable, ctx.database, ctx.settings.config_file, command)
    await asyncio.to_thread(check_trainees, ctx.database, command.trainees)
    nonce = request_nonce(person, command.program_id, idempotency_key)
    try:
        async with temporal_errors(f"the plan of {command.program_id!r}"):
            result = await programs.plan(command, nonce=nonce)
    except ActionRefused as exc:
        if exc.kind != "Exists":
            raise
        if nonce is not None:
            same = await _same_request_planned(ctx, programs, command, nonce)
            if same is not None:
                return same
        raise Conflict("error.program_exists", program_id=command.program_id) from exc
    projected = await ctx.wait_for_projection(result.last_position)
    return _action_out(result, projected)


async def _same_request_planned(
    ctx: ProgramContext, programs: ProgramClient, command: c.PlanProgram, nonce: str
) -> ActionOut | None:
    """The answer to a retried plan whose workflow exists. The first request may have started
    the workflow and died (an API process killed) before the plan reached the log: then wait
    for it there, and answer if it is this very request."""
    first = await asyncio.to_thread(_planned_already, ctx, command, nonce)
    if first is None:
        if ctx.database.store.stream_version(program_stream(command.program_id)) > 0:
            return None  # planned by another request
        async with temporal_errors(f"the plan of {command.program_id!r}"):
            await programs.planned(command.program_id)
        first = await asyncio.to_thread(_planned_already, ctx, command, nonce)
    return None if first is None else await _answered_before(ctx, command.program_id, first)


def _planned_already(
    ctx: ProgramContext, command: c.PlanProgram, nonce: str
) -> list[RecordedEvent] | None:
    """What this very request recorded first, if the log holds it (same person, content and
    idempotency key: the key's nonce is in the plan's proof). Only the stream's first event
    is read, whatever the program's size."""
    stream = ctx.database.store.read_stream(program_stream(command.program_id), limit=1)
    if not stream:
        return None
    first = stream[0]
    proof = first.metadata.get("proof") or {}
    assertion = proof.get("assertion", {})
    if (
        first.metadata.get("actor") != command.actor
        or assertion.get("payload_digest") != payload_digest(command)
        or assertion.get("nonce") != nonce
    ):
        return None
    return [first]
