"""Reads for people: the inbox, a program and its timeline, the execution KPI report."""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, Result, bindparam, select

from domain.kpi import ExecutionKpis, ProgramOutcome, kpis_by_specialist_and_quarter
from domain.listings import PROGRAM_FIELDS
from eventlog.engine import READ_ONLY
from projections.driver_reads import Shape, driver_cursor, statement
from projections.program_views import ProgramView
from projections.tables import inbox, programs, timeline


def reading(engine: Engine) -> Connection:
    """A connection for one read. On PostgreSQL it runs in autocommit: a single ``SELECT`` is
    its own snapshot, and no ``BEGIN`` or ``ROLLBACK`` round trip is paid around it (a page's
    reads take a few milliseconds, and those round trips were a third of them)."""
    conn = engine.connect()
    if engine.dialect.name == "sqlite":
        return conn.execution_options(**READ_ONLY)
    return conn.execution_options(isolation_level="AUTOCOMMIT")


def _dicts(result: Result[Any]) -> list[dict[str, Any]]:
    keys = list(result.keys())
    return [dict(zip(keys, row, strict=True)) for row in result]


#: The timeline events an approver sees as earlier decisions on a program.
DECISION_EVENTS = (
    "ApprovalGranted",
    "ApprovalRejected",
    "ChangesRequested",
    "TaskDelegated",
    "TaskResolved",
    "TaskReassigned",
    "TaskEscalated",
    "SubmissionWithdrawn",
)

# The statements are built once: building one costs about as much as running it.
_DECIDED = (
    select(
        timeline.c.program_id,
        timeline.c.position.label("decision_position"),
        timeline.c.occurred_at.label("decision_at"),
        timeline.c.actor.label("decision_actor"),
        timeline.c.event_type.label("decision_event"),
        timeline.c.summary.label("decision_summary"),
    )
    .where(timeline.c.event_type.in_(DECISION_EVENTS))
    .subquery()
)
_INBOX = (
    select(inbox, programs.c.timezone, *(c for c in _DECIDED.c if c.name != "program_id"))
    .select_from(
        inbox.outerjoin(_DECIDED, _DECIDED.c.program_id == inbox.c.program_id).outerjoin(
            programs, programs.c.program_id == inbox.c.program_id
        )
    )
    .where(inbox.c.person == bindparam("person"))
    .order_by(_DECIDED.c.decision_position)
)
#: A task's columns, and its program's time zone (its instants are read in it).
_TASK_COLUMNS = [*(c.name for c in inbox.c), "timezone"]


def approver_inbox(
    engine: Engine,
    person: str,
    *,
    now: datetime | None = None,
    due_soon: timedelta = timedelta(days=1),
) -> list[dict[str, Any]]:
    """Tasks assigned to ``person``, offered to their groups, or delegated to them: overdue and
    soonest due first, each with the program summary and earlier decisions on it.

    One statement: the tasks joined to their programs' decisions (a task without any comes
    once, with nulls), so the inbox is one round trip and one consistent snapshot."""
    now = now or datetime.now(UTC)
    tasks: dict[str, dict[str, Any]] = {}
    decisions: dict[str, dict[int, dict[str, Any]]] = {}
    with reading(engine) as conn:
        for row in conn.execute(_INBOX, {"person": person}):
            if row.task_id not in tasks:
                tasks[row.task_id] = dict(zip(_TASK_COLUMNS, row, strict=False))
            if row.decision_position is not None:
                decisions.setdefault(row.program_id, {})[row.decision_position] = {
                    "at": row.decision_at,
                    "actor": row.decision_actor,
                    "event": row.decision_event,
                    "summary": row.decision_summary,
                }
    for task in tasks.values():
        due = task["due_at"]
        task["overdue"] = due is not None and due < now
        task["due_soon"] = due is not None and now <= due < now + due_soon
        task["decisions"] = list(decisions.get(task["program_id"], {}).values())
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(
        tasks.values(), key=lambda r: (r["due_at"] or far, r["requested_at"] or far, r["task_id"])
    )


#: The summary columns of ``rm_programs``: every one but the folded state, which the summary
#: never shows (decoding it was most of a summary's cost), and the department the KPI report
#: reads (the summary never showed it).
_SUMMARY = [programs.c[name] for name in PROGRAM_FIELDS]
_ONE_SUMMARY = select(*_SUMMARY).where(programs.c.program_id == bindparam("program_id"))
#: The program page's two statements as plain SQL on the driver (``driver_reads``).
_PAGE_PROGRAM = Shape([*_SUMMARY, programs.c.state])
_PAGE_TIMELINE = Shape(timeline.c)
_PAGE_PROGRAM_SQL = f"SELECT {_PAGE_PROGRAM.select_list} FROM rm_programs WHERE program_id = %s"
#: A page of the timeline, newest first (``ix_rm_timeline_program_position``).
_PAGE_TIMELINE_SQL = (
    f"SELECT {_PAGE_TIMELINE.select_list} FROM rm_timeline"
    " WHERE program_id = %s AND position < %s ORDER BY position DESC LIMIT %s"
)
#: Whether a person acted on the program (``ix_rm_timeline_program_actor``).
_ACTED_SQL = "SELECT 1 FROM rm_timeline WHERE program_id = %s AND actor = %s LIMIT 1"
#: Timeline lines read at once: a page's and the API's (a program of 50,000 trainees has a
#: timeline of 100,000 lines and more; older lines are read a page at a time).
TIMELINE_PAGE = 200
_NEWEST = 2**62
_TIMELINE = (
    select(timeline)
    .where(timeline.c.program_id == bindparam("program_id"))
    .order_by(timeline.c.position)
)


def program_summary(engine: Engine, program_id: str) -> dict[str, Any] | None:
    with reading(engine) as conn:
        found = _dicts(conn.execute(_ONE_SUMMARY, {"program_id": program_id}))
    return found[0] if found else None


def sessions_with_attendance(engine: Engine, program_id: str) -> set[str]:
    """The sessions of a program whose attendance is recorded (from its stored view's state,
    whose size does not grow with the roster)."""
    with reading(engine) as conn:
        view = conn.execute(
            select(programs.c.state).where(programs.c.program_id == program_id)
        ).scalar_one_or_none()
    state = view.get("state") if isinstance(view, dict) else None
    attendance = state.get("attendance") if isinstance(state, dict) else None
    return set(attendance) if isinstance(attendance, dict) else set()


def list_programs(engine: Engine, specialist: str | None = None) -> list[dict[str, Any]]:
    query = select(*_SUMMARY).order_by(programs.c.planned_date, programs.c.program_id)
    if specialist is not None:
        query = query.where(programs.c.specialist == specialist)
    with reading(engine) as conn:
        return _dicts(conn.execute(query))


def program_timeline(engine: Engine, program_id: str) -> list[dict[str, Any]]:
    with reading(engine) as conn:
        return _dicts(conn.execute(_TIMELINE, {"program_id": program_id}))


@dataclass(frozen=True)
class ProgramRead:
    """What a program's page shows, read over one connection: its summary row, the folded
    state the read model keeps (``{}`` if none) and a page of its timeline, oldest first."""

    summary: dict[str, Any]
    state: dict[str, Any]
    timeline: list[dict[str, Any]]
    older: int | None = None
    """Older lines exist: ask for those ``before`` this position (the page's first)."""
    actors: frozenset[str] = frozenset()
    """The viewer, if they acted on the program (what reading rights depend on)."""


#: What a reader who is not shown every line sees of a timeline: these event types, and the
#: lines they wrote themselves (``None``: every line).
Narrowed = tuple[Collection[str], str] | None
#: Decides ``Narrowed`` from the program's summary, its state and who of the reader acted on
#: it: asked on the read's own connection, between the program's row and its timeline.
Narrowing = Callable[[dict[str, Any], dict[str, Any], frozenset[str]], Narrowed]


def program_read(
    engine: Engine,
    program_id: str,
    *,
    with_timeline: bool = True,
    before: int | None = None,
    limit: int = TIMELINE_PAGE,
    viewer: str | None = None,
    narrowing: Narrowing | None = None,
) -> ProgramRead | None:
    """A program's summary, state and timeline (the ``limit`` newest lines ``before`` a
    position) on one connection (``None``: no such program); whether ``viewer`` acted on it.
    Reading them one call each costs a connection check-out per call; they run as plain SQL on
    the driver's cursor, since SQLAlchemy's per-statement and per-row machinery cost more than
    the queries (docs/performance.md, the program page). ``with_timeline=False`` reads no
    timeline: an action's checks need the state only. ``narrowing`` chooses, in the query, the
    lines a reader who is not shown everything sees: a trainee's view of a 20,000-person
    program, read as pages of every line and then narrowed, was 94 empty pages of others'
    enrolments before their own."""
    dialect, params = engine.dialect, (program_id,)
    lines: list[Any] = []
    acted = False
    with driver_cursor(engine) as cursor:
        rows = cursor.execute(statement(engine, _PAGE_PROGRAM_SQL), params).fetchall()
        if not rows:
            return None
        if viewer is not None:
            asked = (program_id, viewer)
            acted = bool(cursor.execute(statement(engine, _ACTED_SQL), asked).fetchall())
        actors = frozenset({viewer}) if acted and viewer is not None else frozenset()
        summary = _PAGE_PROGRAM.dicts(dialect, rows)[0]
        view = summary.pop("state")
        found = view.get("state") if isinstance(view, dict) else None
        state = found if isinstance(found, dict) else {}
        if with_timeline:
            only = narrowing(summary, state, actors) if narrowing is not None else None
            lines = _timeline_lines(engine, cursor, program_id, before, limit, only)
    entries = _PAGE_TIMELINE.dicts(dialect, lines[:limit][::-1])
    older = int(entries[0]["position"]) if len(lines) > limit else None
    return ProgramRead(summary, state, entries, older, actors)


def _timeline_lines(
    engine: Engine,
    cursor: Any,
    program_id: str,
    before: int | None,
    limit: int,
    only: Narrowed = None,
) -> list[Any]:
    """The ``limit`` + 1 newest lines before ``before`` (``only``: of these event types or by
    this actor), newest first."""
    sql, params = _PAGE_TIMELINE_SQL, [program_id, _NEWEST if before is None else before]
    if only is not None:
        kinds, actor = sorted(only[0]), only[1]
        marks = ", ".join(["%s"] * len(kinds))
        sql = sql.replace(" ORDER BY", f" AND (event_type IN ({marks}) OR actor = %s) ORDER BY")
        params += [*kinds, actor]
    return list(cursor.execute(statement(engine, sql), (*params, limit + 1)).fetchall())


def program_outcomes(engine: Engine) -> list[ProgramOutcome]:
    # Streamed: only the small outcomes are kept, never every program's folded state at once.
    with engine.connect().execution_options(**READ_ONLY, yield_per=500) as conn:
        states = conn.execute(select(programs.c.state)).scalars()
        return [ProgramView.model_validate(state).outcome for state in states]


def today() -> date:
    """The default as-of date of the KPI reports (UTC)."""
    return datetime.now(UTC).date()


def execution_report(
    engine: Engine,
    *,
    period: str | None = None,
    specialist: str | None = None,
    as_of: date | None = None,
) -> list[ExecutionKpis]:
    """Execution KPIs per specialist and quarter, counting what is due by ``as_of`` (today)."""
    report = kpis_by_specialist_and_quarter(program_outcomes(engine), as_of or today())
    return [
        k
        for k in report
        if (period is None or k.period == period)
        and (specialist is None or k.specialist == specialist)
    ]
