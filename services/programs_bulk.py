"""Bulk actions on a program from a file: enrol everyone a roster file names; record everyone
a sign-in sheet or a device export names as attending a session.

The file is checked whole before anything is recorded, and every offending row is listed (an
oversized file, a malformed or duplicate id, an employee id the log does not know). Then it is
sent in batches of ``ENROL_BATCH`` (``EnrollTrainees``), each a small payload. A run that
fails midway is resumed by sending the same file again: who is enrolled already is read from
the log first and skipped, and a batch's update id derives from its content, so a batch the
workflow took but whose answer was lost is answered, not enrolled twice.

The HTTP API (``api.rest.program_files``, which ``trainops program enrol --file`` and
``trainops program attendance --file`` call) checks first (``check_enrolment``,
``check_attendance``), so a refusal is its own 4xx answer, then streams ``send_batches``'
progress; ``enrol_from_file`` and ``attendance_from_file`` do both in one call.
"""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from uuid import uuid4

from activities.reminder_fanout import enrolled_as_of
from domain import commands as c
from domain.attendance import ATTENDANCE_EVENTS
from domain.streams import program_stream
from eventlog.store import EventStore
from projections import queries
from services.actions import ACTIONS
from services.error_texts import say
from services.errors import Invalid, NotFound, temporal_errors
from services.people import Person
from services.program_client import ActionRefused
from services.programs import ProgramContext, check_action, refuse_when_ended
from services.trainees import unknown_trainees

#: A roster file's limits: bytes, and people (a company-wide course reaches every employee).
MAX_ROSTER_BYTES = 8 * 1024 * 1024
MAX_ROSTER_ROWS = 200_000
ENROL_BATCH = 500
#: How many offending rows a refusal lists before it says how many more there are.
LISTED_PROBLEMS = 200

_PERSON_ID = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
_HEADERS = frozenset({"employee_id", "employee", "trainee", "id"})


@dataclass(frozen=True)
class RowProblem:
    row: int
    """The file's line number (1 is the first line)."""
    value: str
    code: str
    """Why, as a message key (``services.error_texts``); said in any language by ``said``."""
    params: dict[str, object] = field(default_factory=dict)

    def said(self, lang: str = "en") -> str:
        return say(self.code, self.params, lang) or self.code

    @property
    def problem(self) -> str:
        return self.said()


class RosterFileRefused(Invalid):
    """The file as a whole cannot be a roster (too big, not UTF-8 text, too many people, no
    one named): one reason, no rows."""


class RosterRefused(Invalid):
    """A roster file refused whole; ``problems`` lists every offending row."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("error.roster_refused", rows=self.rows_text("en"))

    def rows_text(self, lang: str) -> str:
        """The offending rows, in ``lang``: the first ``LISTED_PROBLEMS``, then how many more."""
        shown = [
            say("row.where", {"row": p.row, "value": _cut(p.value), "problem": p.said(lang)}, lang)
            for p in self.problems[:LISTED_PROBLEMS]
        ]
        more = len(self.problems) - LISTED_PROBLEMS
        if more > 0:
            shown.append(say("row.more", {"count": more}, lang))
        return (";" if lang == "zh-CN" else "; ").join(str(line) for line in shown)

    def said(self, lang: str) -> str:
        return say(self.key, {"rows": self.rows_text(lang)}, lang) or str(self)


def _cut(value: str, most: int = 100) -> str:
    """A value as a sentence quotes it: a row of 100,000 characters is not said whole (the
    refusal's ``rows`` keep it as sent)."""
    return value if len(value) <= most else value[:most] + "…"


def read_roster(data: bytes, max_bytes: int = MAX_ROSTER_BYTES) -> list[str]:
    """The employee ids of a CSV file (the first column; a header row and blank lines are
    skipped), or ``RosterRefused`` listing every offending row."""
    rows, problems = _read(data, max_bytes)
    if problems:
        raise RosterRefused(problems)
    return [value for _, value in rows]


def _read(data: bytes, max_bytes: int) -> tuple[list[tuple[int, str]], list[RowProblem]]:
    """The file's ids with their line numbers, and its offending rows (``RosterFileRefused``
    for a file that cannot be read as a roster at all)."""
    if len(data) > max_bytes:
        raise RosterFileRefused("error.roster_too_big", size=len(data), limit=max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileRefused("error.roster_not_utf8", byte=exc.start + 1) from exc
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    # Universal newlines: a spreadsheet that ends its lines with a lone carriage return (older
    # Excel for Mac) is read line by line, as one ending them with CRLF or LF.
    reader = csv.reader(io.StringIO(text, newline=None))
    try:
        while True:
            number = reader.line_num + 1  # the line a row starts on (a quoted field may
            row = next(reader, None)  # hold line breaks: rows and lines differ)
            if row is None:
                break
            value = row[0].strip() if row else ""
            if not value or (number == 1 and value.lower() in _HEADERS):
                continue
            if not _PERSON_ID.match(value):
                problems.append(RowProblem(number, value, "row.not_an_id"))
            elif value in first_row:
                first: dict[str, object] = {"first": first_row[value]}
                problems.append(RowProblem(number, value, "row.duplicate", first))
            else:
                first_row[value] = number
    except csv.Error as exc:  # a field over 128 KiB (a quote left open runs on to the end)
        raise RosterFileRefused("error.roster_not_csv", line=reader.line_num) from exc
    if len(first_row) > MAX_ROSTER_ROWS:
        raise RosterFileRefused(
            "error.roster_too_many", count=len(first_row), limit=MAX_ROSTER_ROWS
        )
    if not first_row and not problems:
        raise RosterFileRefused("error.roster_names_nobody")
    return [(number, value) for value, number in first_row.items()], problems


def check_roster(store: EventStore, data: bytes) -> list[str]:
    """``read_roster``, and every id must be a recorded employee or a trainee's account; a
    refusal lists the malformed, duplicate and unknown rows together, in the file's order."""
    rows, problems = _read(data, MAX_ROSTER_BYTES)
    unknown = unknown_trainees(store, [value for _, value in rows]) if rows else set()
    problems += [RowProblem(n, p, "row.unknown_employee") for n, p in rows if p in unknown]
    if problems:
        raise RosterRefused(sorted(problems, key=lambda p: p.row))
    return [value for _, value in rows]


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
    rows, problems = await asyncio.to_thread(_read, data, MAX_ROSTER_BYTES)
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
    )


def _checked(program_id: str, people: list[str], already: set[str], command: Batch) -> BulkPlan:
    """The plan of who is still to be sent (``already``: recorded by an earlier run), once
    its command has passed its own checks (a late reason's, say): before anything is sent.
    (Whether the program has ended was asked before the file was read.)"""
    command(tuple(people[:1]))
    todo = tuple(p for p in people if p not in already)
    return BulkPlan(program_id, tuple(people), todo, command)


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
#: single enrolment, another file), and the parameter naming them (", "-separated: ids
#: hold no comma or space).
RECORDED_MEANWHILE = {
    "program.already_enrolled_many": "trainees",
    "program.attendees_already_recorded": "p0",
}
#: How often a batch is sent again without those the rules named.
MEANWHILE_RETRIES = 5


async def send_batches(ctx: ProgramContext, plan: BulkPlan) -> AsyncIterator[tuple[int, int]]:
    """Send what ``plan`` has still to send in batches, each with an update id of its sending
    and content;
    after each batch, how many of the file are recorded and the log position it reached.
    A batch refused because some of it were recorded meanwhile by another request is sent
    again without them (they count as skipped): the file still ends complete."""
    done = plan.skipped
    for start in range(0, len(plan.todo), ENROL_BATCH):
        batch = plan.todo[start : start + ENROL_BATCH]
        position = await _send_batch(ctx, plan, batch)
        done += len(batch)
        if position is not None:
            yield done, position


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
                meanwhile = set(exc.params.get(named, "").split(", ")) & set(batch)
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
