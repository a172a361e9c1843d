"""Bulk actions on a program from a file: enrol everyone a roster file names; record everyone
a sign-in sheet or a device export names as attending a session.

The file is checked whole before anything is recorded, and every offending row is listed (an
oversized file, a malformed or duplicate id, an employee id the log does not know). Then it is
sent in batches of ``ENROL_BATCH`` (``EnrollTrainees``), each a small payload. A run that
fails midway is resumed by sending the same file again: who is enrolled already is read from
the log first and skipped, and a batch's update id derives from its sending and content, so a
batch the workflow took but whose answer was lost is answered, not enrolled twice. Before each
batch after the first, the sender's account is asked again: disabled (or their role taken
away) while a 200,000-row file is sent, it stops there, refused.

The HTTP API (``api.rest.program_files``, which ``trainops program enrol --file`` and
``trainops program attendance --file`` call) checks first (``check_enrolment``,
``check_attendance``), so a refusal is its own 4xx answer, then streams ``send_batches``'
progress; ``enrol_from_file`` and ``attendance_from_file`` do both in one call.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from uuid import uuid4

from accounts.users import active_with_role
from activities.reminder_fanout import enrolled_as_of
from domain import commands as c
from domain.attendance import ATTENDANCE_EVENTS
from domain.refusals import param_items
from domain.streams import program_stream
from eventlog.store import EventStore
from projections import queries
from services.actions import ACTIONS
from services.errors import Forbidden, NotFound, temporal_errors
from services.people import Person
from services.program_client import ActionRefused
from services.programs import ProgramContext, check_action, refuse_when_ended
from services.roster_files import (
    MAX_ROSTER_BYTES,
    RosterRefused,
    RowProblem,
    check_roster,
    read_rows,
)

ENROL_BATCH = 500


@dataclass(frozen=True)
class BulkOutcome:
    total: int
    """People the file names."""
    recorded: int
    """Recorded by this run."""
    skipped: int
    """Recorded already: by an earlier, interrupted run of the same file, or by another
    request while this one was sent."""
    last_position: int


Progress = Callable[[int, int], None]
"""Called with (done, total) after each batch."""

Batch = Callable[[tuple[str, ...]], c.ProgramCommand]


@dataclass(frozen=True)
class BulkPlan:
    """A file checked whole: who it names, and who of them is still to be sent."""

    program_id: str
    people: tuple[str, ...]
    todo: tuple[str, ...]
    command: Batch
    sender: str
    """Who sends it, and the role that lets them (asked again before each later batch)."""
    role: str
    run: str = field(default_factory=lambda: uuid4().hex)
    """This sending's own id, in its batches' update ids: a batch sent again within it is
    taken once; another sending of the same file (a resume, or the same file sent at once by
    someone else) is told by the rules who is recorded already, and counts them skipped."""
    elsewhere: set[str] = field(default_factory=set)
    """Of ``todo``, those another request recorded while this one was sent (``send_batches``
    leaves them out of the batch the rules refused for them)."""

    @property
    def total(self) -> int:
        return len(self.people)

    @property
    def skipped(self) -> int:
        return len(self.people) - len(self.todo)

    def outcome(self, last_position: int) -> BulkOutcome:
        recorded = len(self.todo) - len(self.elsewhere)
        return BulkOutcome(self.total, recorded, self.total - recorded, last_position)


async def check_enrolment(
    ctx: ProgramContext, person: Person, program_id: str, data: bytes
) -> BulkPlan:
    """Everything an enrolment from ``data`` (a roster CSV) needs checked before anything is
    sent: the person may enrol, every row is an id of a recorded employee, and who is enrolled
    already (by an earlier run) is skipped."""
    summary = await asyncio.to_thread(check_action, ctx, person, program_id, ACTIONS["enroll_many"])
    # before the file is read: the command's kind is all the state's rule looks at
    refuse_when_ended(summary, c.EnrollTrainees.model_construct(actor=person.username, trainees=()))
    store = ctx.database.store
    people = await asyncio.to_thread(check_roster, store, data)
    already = set(await asyncio.to_thread(_enrolled, store, program_id))
    return _checked(
        program_id,
        people,
        already,
        lambda batch: c.EnrollTrainees(actor=person.username, trainees=batch),
        person,
        ACTIONS["enroll_many"].role,
    )


async def check_attendance(
    ctx: ProgramContext,
    person: Person,
    program_id: str,
    session_id: str,
    data: bytes,
    late_reason: str | None = None,
) -> BulkPlan:
    """As ``check_enrolment``, for a sign-in sheet or a device export of ``session_id``: every
    id must be enrolled; who is recorded attending already is skipped."""
    summary = await asyncio.to_thread(
        check_action, ctx, person, program_id, ACTIONS["attendance_batch"]
    )
    unread = c.RecordAttendees.model_construct(
        actor=person.username, session_id=session_id, attendees=()
    )
    refuse_when_ended(summary, unread)  # before the file is read, as for an enrolment
    store = ctx.database.store
    rows, problems = await asyncio.to_thread(read_rows, data, MAX_ROSTER_BYTES)
    people = [value for _, value in rows]
    sessions, attended = await asyncio.to_thread(_sessions_and_attendees, store, program_id)
    if session_id not in sessions:
        known = ", ".join(sorted(sessions)) or "none"
        raise NotFound(
            "error.no_session",
            session_id=session_id,
            program_id=program_id,
            known=known,
        )
    enrolled = set(await asyncio.to_thread(_enrolled, store, program_id))
    # one refusal lists the malformed, the repeated and the strangers together, in file order
    problems += [RowProblem(n, p, "row.not_enrolled") for n, p in rows if p not in enrolled]
    if problems:
        raise RosterRefused(sorted(problems, key=lambda p: p.row))
    already = attended.get(session_id, set())
    return _checked(
        program_id,
        people,
        already,
        lambda batch: c.RecordAttendees(
            actor=person.username, session_id=session_id, attendees=batch, late_reason=late_reason
        ),
        person,
        ACTIONS["attendance_batch"].role,
    )


def _checked(
    program_id: str,
    people: list[str],
    already: set[str],
    command: Batch,
    sender: Person,
    role: str,
) -> BulkPlan:
    """The plan of who is still to be sent (``already``: recorded by an earlier run), once
    its command has passed its own checks (a late reason's, say): before anything is sent.
    (Whether the program has ended was asked before the file was read.)"""
    command(tuple(people[:1]))
    todo = tuple(p for p in people if p not in already)
    return BulkPlan(program_id, tuple(people), todo, command, sender.username, role)


async def enrol_from_file(
    ctx: ProgramContext,
    person: Person,
    program_id: str,
    data: bytes,
    progress: Progress | None = None,
) -> BulkOutcome:
    """Enrol everyone ``data`` (a roster CSV) names in the program, as ``person``."""
    plan = await check_enrolment(ctx, person, program_id, data)
    return await _send(ctx, plan, progress)


async def attendance_from_file(
    ctx: ProgramContext,
    person: Person,
    program_id: str,
    session_id: str,
    data: bytes,
    progress: Progress | None = None,
    late_reason: str | None = None,
) -> BulkOutcome:
    """Record everyone ``data`` (a CSV or a device export: ids in the first column) names as
    attending ``session_id``, as ``person``. Every id must be enrolled."""
    plan = await check_attendance(ctx, person, program_id, session_id, data, late_reason)
    return await _send(ctx, plan, progress)


def _enrolled(store: EventStore, program_id: str) -> list[str]:
    stream = program_stream(program_id)
    return enrolled_as_of(store, stream, store.stream_version(stream))


def _sessions_and_attendees(
    store: EventStore, program_id: str
) -> tuple[set[str], dict[str, set[str]]]:
    """The program's session ids, and who is recorded attending each, from its stream."""
    sessions: set[str] = set()
    attended: dict[str, set[str]] = {}
    kinds = ("ProgramPlanned", "ProgramRevised", "SessionScheduled", *ATTENDANCE_EVENTS)
    for row in store.read_stream(program_stream(program_id), event_types=kinds):
        payload = row.payload
        if row.event_type in ("ProgramPlanned", "ProgramRevised"):
            sessions = {str(s["session_id"]) for s in payload["sessions"]}
        elif row.event_type == "SessionScheduled":
            sessions.add(str(payload["session"]["session_id"]))
        else:
            people = attended.setdefault(str(payload["session_id"]), set())
            people.update(str(p) for p in payload["attendees"])
    return sessions, attended


#: What the rules say when some of a batch were recorded by another request meanwhile (a
#: single enrolment, another file), and the parameter naming them (``param_items``).
RECORDED_MEANWHILE = {
    "program.already_enrolled_many": "trainees",
    "program.attendees_already_recorded": "p0",
}
#: How often a batch is sent again without those the rules named.
MEANWHILE_RETRIES = 5


async def send_batches(ctx: ProgramContext, plan: BulkPlan) -> AsyncIterator[tuple[int, int]]:
    """Send what ``plan`` has still to send in batches, each with an update id of its sending
    and content; after each batch, how many of the file are recorded and the log position it
    reached. A batch refused because some of it were recorded meanwhile by another request is sent
    again without them (they count as skipped): the file still ends complete."""
    done = plan.skipped
    for start in range(0, len(plan.todo), ENROL_BATCH):
        batch = plan.todo[start : start + ENROL_BATCH]
        if start:  # (the first was checked with the request)
            await asyncio.to_thread(_still_allowed, ctx, plan)
        position = await _send_batch(ctx, plan, batch)
        done += len(batch)
        if position is not None:
            yield done, position


def _still_allowed(ctx: ProgramContext, plan: BulkPlan) -> None:
    """The sender is still an active user holding the role (disabled meanwhile: refused)."""
    if not active_with_role(ctx.database.engine, [plan.sender], plan.role):
        raise Forbidden("error.sender_changed", username=plan.sender, role=plan.role)


async def _send_batch(ctx: ProgramContext, plan: BulkPlan, batch: tuple[str, ...]) -> int | None:
    """Send one batch; the log position it reached (``None``: others recorded all of it)."""
    programs = await ctx.programs()
    for attempt in range(MEANWHILE_RETRIES + 1):
        sent = plan.command(batch)
        text = f"{plan.program_id}\n{plan.run}\n{sent.model_dump_json()}"
        digest = hashlib.sha256(text.encode()).hexdigest()
        try:
            async with temporal_errors(f"the {sent.kind} of {plan.program_id!r}"):
                result = await programs.act(plan.program_id, sent, update_id=f"bulk-{digest[:40]}")
            return result.last_position
        except ActionRefused as exc:
            named = RECORDED_MEANWHILE.get(exc.code)
            if named is not None and attempt < MEANWHILE_RETRIES:
                meanwhile = set(param_items(exc.params.get(named, ""))) & set(batch)
                if meanwhile:
                    plan.elsewhere.update(meanwhile)
                    batch = tuple(p for p in batch if p not in meanwhile)
                    if not batch:
                        return None
                    continue
            # Ended meanwhile (cancelled between two batches): its workflow is gone and would
            # only say it "is no longer running"; the rules say why, as before the first batch.
            summary = await asyncio.to_thread(
                queries.program_summary, ctx.database.engine, plan.program_id
            )
            refuse_when_ended(summary, sent)
            raise
    raise AssertionError("unreachable")


async def _send(ctx: ProgramContext, plan: BulkPlan, progress: Progress | None) -> BulkOutcome:
    if progress is not None:
        progress(plan.skipped, plan.total)
    last_position = 0
    async for done, position in send_batches(ctx, plan):
        last_position = position
        if progress is not None:
            progress(done, plan.total)
    if last_position:
        await ctx.wait_for_projection(last_position)
    return plan.outcome(last_position)
