"""The KPI report as it was computed before ``projections.kpi_queries`` read only the facts it
uses: every program's stored view validated whole, every employee record validated. Kept as
the oracle the current report must equal, row for row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from domain.evaluation import (
    DEFAULT_PASS_MARK,
    EffectStudyDefined,
    ExamResult,
    GradedItem,
    ProgramRecord,
    SessionRecord,
    SurveyResponse,
)
from domain.kpi import quarter_of
from domain.ratings import Thresholds
from domain.reference import (
    CourseDefined,
    EmployeeRecorded,
    InstructorDefined,
    ProgramResourcesAssigned,
    VenueDefined,
)
from domain.roi import BenefitLine, CostLine
from domain.scorecards import ItemResult, KpiInputs, Scorecard, scorecards
from eventlog.engine import READ_ONLY
from projections.evaluation import items, metrics, reference, responses, roi_lines
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
    """The scorecards' inputs as read before: every program's whole view validated."""
    with engine.connect().execution_options(**READ_ONLY) as conn, conn.begin():
        records = [
            program_record(ProgramView.model_validate(state))
            for state in conn.execute(select(programs.c.state)).scalars()
        ]
        surveys: dict[tuple[str, str], dict[str, float]] = {}
        exams: list[ExamResult] = []
        for row in conn.execute(select(responses).order_by(responses.c.position)):
            if row.kind == "survey":
                surveys.setdefault((row.program_id, row.trainee), {})[row.dimension] = row.score
            else:
                exams.append(
                    ExamResult(program_id=row.program_id, trainee=row.trainee, score=row.score)
                )
        graded = [
            ItemResult(
                row.program_id,
                row.trainee,
                GradedItem(
                    question_id=row.question_id,
                    knowledge_point=row.knowledge_point,
                    correct=row.correct,
                ),
            )
            for row in conn.execute(select(items).order_by(items.c.position, items.c.question_id))
        ]
        refs: dict[str, dict[str, dict[str, Any]]] = {}
        for row in conn.execute(select(reference)):
            refs.setdefault(row.kind, {})[row.record_id] = row.data
        values = {
            (row.employee_id, row.metric, row.period): row.value
            for row in conn.execute(select(metrics))
        }
        costs: dict[str, list[CostLine]] = {}
        benefits: dict[str, list[BenefitLine]] = {}
        for row in conn.execute(select(roi_lines).order_by(roi_lines.c.line_id)):
            if row.kind == "cost":
                costs.setdefault(row.program_id, []).append(
                    CostLine(category=row.data["category"], amount=Decimal(row.data["amount"]))
                )
            else:
                benefits.setdefault(row.program_id, []).append(BenefitLine.model_validate(row.data))
    employees = {k: EmployeeRecorded.model_validate(v) for k, v in refs.get("employee", {}).items()}
    return KpiInputs(
        programs=sorted(records, key=lambda p: p.program_id),
        surveys=[
            SurveyResponse(program_id=pid, trainee=trainee, scores=scores)
            for (pid, trainee), scores in sorted(surveys.items())
        ],
        exams=exams,
        items=graded,
        costs=costs,
        benefits=benefits,
        studies=[
            EffectStudyDefined.model_validate(v) for _, v in sorted(refs.get("study", {}).items())
        ],
        metrics=values,
        departments={k: e.department for k, e in employees.items() if e.department},
        courses={k: CourseDefined.model_validate(v) for k, v in refs.get("course", {}).items()},
        instructors={
            k: InstructorDefined.model_validate(v) for k, v in refs.get("instructor", {}).items()
        },
        venues={k: VenueDefined.model_validate(v) for k, v in refs.get("venue", {}).items()},
        assignments={
            k: ProgramResourcesAssigned.model_validate(v)
            for k, v in refs.get("assignment", {}).items()
        },
    )


def oracle_report(
    engine: Engine, thresholds: Thresholds, *, as_of: date, pass_mark: float = DEFAULT_PASS_MARK
) -> list[Scorecard]:
    return scorecards(kpi_inputs(engine), thresholds, pass_mark=pass_mark, as_of=as_of)
