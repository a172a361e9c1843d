"""Reads for people: the inbox, a program and its timeline, the execution KPI report."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from domain.kpi import ExecutionKpis, ProgramOutcome, kpis_by_specialist_and_quarter
from eventlog.engine import READ_ONLY
from projections.program_views import ProgramView
from projections.tables import inbox, programs, timeline


def approver_inbox(engine: Engine, approver: str) -> list[dict[str, Any]]:
    query = (
        select(inbox)
        .where(inbox.c.approver == approver)
        .order_by(inbox.c.requested_at, inbox.c.task_id)
    )
    with engine.connect().execution_options(**READ_ONLY) as conn:
        return [dict(row._mapping) for row in conn.execute(query)]


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
    with engine.connect().execution_options(**READ_ONLY) as conn:
        states = conn.execute(select(programs.c.state)).scalars().all()
    return [ProgramView.model_validate(state).outcome for state in states]


def execution_report(
    engine: Engine, *, period: str | None = None, specialist: str | None = None
) -> list[ExecutionKpis]:
    report = kpis_by_specialist_and_quarter(program_outcomes(engine))
    return [
        k
        for k in report
        if (period is None or k.period == period)
        and (specialist is None or k.specialist == specialist)
    ]
