"""Reads for people: the inbox, a program and its timeline, the execution KPI report."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, select

from domain.kpi import ExecutionKpis, ProgramOutcome, kpis_by_specialist_and_quarter
from eventlog.engine import READ_ONLY
from projections.program_views import ProgramView
from projections.tables import inbox, programs, timeline


def approver_inbox(
    engine: Engine,
    person: str,
    *,
    now: datetime | None = None,
    due_soon: timedelta = timedelta(days=1),
) -> list[dict[str, Any]]:
    """Tasks assigned to ``person``, offered to their groups, or delegated to them: overdue and
    soonest due first, each with the program summary and earlier decisions on it."""
    now = now or datetime.now(UTC)
    query = select(inbox).where(inbox.c.person == person)
    with engine.connect().execution_options(**READ_ONLY) as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
        decisions = _decisions(conn, {row["program_id"] for row in rows})
    for row in rows:
        due = row["due_at"]
        row["overdue"] = due is not None and due < now
        row["due_soon"] = due is not None and now <= due < now + due_soon
        row["decisions"] = decisions.get(row["program_id"], [])
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(rows, key=lambda r: (r["due_at"] or far, r["requested_at"] or far, r["task_id"]))


_DECISION_EVENTS = (
    "ApprovalGranted",
    "ApprovalRejected",
    "ChangesRequested",
    "TaskDelegated",
    "TaskResolved",
    "TaskReassigned",
    "TaskEscalated",
    "SubmissionWithdrawn",
)


def _decisions(conn: Connection, program_ids: set[str]) -> dict[str, list[dict[str, Any]]]:
    if not program_ids:
        return {}
    query = (
        select(timeline)
        .where(timeline.c.program_id.in_(sorted(program_ids)))
        .where(timeline.c.event_type.in_(_DECISION_EVENTS))
        .order_by(timeline.c.position)
    )
    found: dict[str, list[dict[str, Any]]] = {}
    for row in conn.execute(query):
        entry = {
            "at": row.occurred_at,
            "actor": row.actor,
            "event": row.event_type,
            "summary": row.summary,
        }
        found.setdefault(row.program_id, []).append(entry)
    return found


def program_summary(engine: Engine, program_id: str) -> dict[str, Any] | None:
    query = select(programs).where(programs.c.program_id == program_id)
    with engine.connect().execution_options(**READ_ONLY) as conn:
        row = conn.execute(query).first()
    if row is None:
        return None
    found = dict(row._mapping)
    found.pop("state")
    return found


def list_programs(engine: Engine, specialist: str | None = None) -> list[dict[str, Any]]:
    query = select(programs).order_by(programs.c.planned_date, programs.c.program_id)
    if specialist is not None:
        query = query.where(programs.c.specialist == specialist)
    with engine.connect().execution_options(**READ_ONLY) as conn:
        rows = [dict(row._mapping) for row in conn.execute(query)]
    for row in rows:
        row.pop("state")
    return rows


def program_timeline(engine: Engine, program_id: str) -> list[dict[str, Any]]:
    query = (
        select(timeline).where(timeline.c.program_id == program_id).order_by(timeline.c.position)
    )
    with engine.connect().execution_options(**READ_ONLY) as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


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
