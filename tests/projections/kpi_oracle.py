"""The KPI report's facts as they were read before ``projections.kpi_queries`` took only what it
uses: every program's stored view validated whole (``ProgramView``), every employee record
validated (``EmployeeRecorded``). The facts it did not change (surveys, exams, items, costs,
metrics, other reference data) come from the current reads. Kept as the oracle the current
report must equal, row for row."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from domain.evaluation import DEFAULT_PASS_MARK, ProgramRecord, SessionRecord
from domain.kpi import quarter_of
from domain.ratings import Thresholds
from domain.reference import EmployeeRecorded
from domain.scorecards import KpiInputs, Scorecard, scorecards
from projections import kpi_queries
from projections.evaluation import reference
from projections.program_views import ProgramView
from projections.tables import programs


def program_record(view: ProgramView) -> ProgramRecord:
    state = view.state
    zone = ZoneInfo(state.timezone)
    return ProgramRecord(
        program_id=state.program_id,
        specialist=state.specialist,
        department=state.department,
        period=quarter_of(state.planned_date),
        planned_date=state.planned_date,
        status=state.status.value,
        approved=view.approved,
        executed=view.executed_on is not None,
        on_time=view.on_time,
        enrolled=state.enrolled,
        attendees=tuple(sorted(state.attendees)),
        cancelled_on=view.cancelled_on,
        sessions=tuple(
            SessionRecord(
                session_id=s.session_id,
                starts_at=s.starts_at,
                hours=s.duration_hours,
                held=s.session_id in state.completed_sessions,
                period=quarter_of(s.starts_at.astimezone(zone).date()),
            )
            for s in sorted(state.sessions.values(), key=lambda s: s.session_id)
        ),
    )


def kpi_inputs(engine: Engine) -> KpiInputs:
    """The scorecards' inputs with programs and departments read as before."""
    with engine.connect() as conn:
        records = [
            program_record(ProgramView.model_validate(state))
            for state in conn.execute(select(programs.c.state)).scalars()
        ]
        employees = {
            row.record_id: EmployeeRecorded.model_validate(row.data)
            for row in conn.execute(select(reference).where(reference.c.kind == "employee"))
        }
    return replace(
        kpi_queries.kpi_inputs(engine),
        programs=sorted(records, key=lambda p: p.program_id),
        departments={k: e.department for k, e in employees.items() if e.department},
    )


def oracle_report(
    engine: Engine, thresholds: Thresholds, *, as_of: date, pass_mark: float = DEFAULT_PASS_MARK
) -> list[Scorecard]:
    return scorecards(kpi_inputs(engine), thresholds, pass_mark=pass_mark, as_of=as_of)
