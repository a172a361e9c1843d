"""The KPI scorecards from the read models, and the events behind any number (drill-down).

The report reads each program's facts as the database aggregates them (``kpi_facts``: counts
and score tallies, never a row per trainee or response), plus the reference data, costs and
studies, then computes with the pure formulas of ``domain``. ``kpi_inputs`` still reads every
fact whole, for imports' reconciliation and the demo. A live database and an as-of replay
(``audit.replay.replayed``) give the same report for the same log prefix.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, Engine, select

from domain.attendance import ATTENDANCE_EVENTS
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
    InstructorDefined,
    ProgramResourcesAssigned,
    VenueDefined,
)
from domain.roi import BenefitLine, CostLine
from domain.scorecards import ItemResult, KpiInputs, Scope, Scorecard, scorecards
from eventlog.engine import READ_ONLY
from projections.evaluation import items, metrics, reference, responses, roi_lines
from projections.kpi_facts import PROGRAM_OUTCOME, cancelled_on, instant, program_facts
from projections.queries import today
from projections.tables import programs, timeline


def _record(
    program_id: str,
    specialist: str,
    department: str | None,
    planned_date: date,
    status: str,
    approved: bool,
    executed: bool,
    on_time: bool,
    enrolled: Iterable[str],
    attendance: Mapping[str, Iterable[str]],
    timezone: str,
    sessions: Iterable[tuple[str, Any, float]],
    completed: Iterable[str],
    cancelled_on: date | None,
) -> ProgramRecord:
    zone = ZoneInfo(timezone)
    held = set(completed)
    return ProgramRecord(
        program_id=program_id,
        specialist=specialist,
        department=department,
        period=quarter_of(planned_date),
        planned_date=planned_date,
        status=status,
        approved=approved,
        executed=executed,
        on_time=on_time,
        enrolled=tuple(enrolled),
        attendees=tuple(sorted({p for people in attendance.values() for p in people})),
        cancelled_on=cancelled_on,
        sessions=tuple(
            SessionRecord(
                session_id=session_id,
                starts_at=starts,
                hours=hours,
                held=session_id in held,
                period=quarter_of(starts.astimezone(zone).date()),
            )
            for session_id, starts, hours in sorted(
                ((i, instant(at), h) for i, at, h in sessions), key=lambda s: s[0]
            )
        ),
    )


def _path(*keys: str) -> Any:
    """One part of the stored program view, extracted by the database (``#>`` on PostgreSQL,
    ``json_extract`` on SQLite): only the facts the KPIs use are decoded, never the calendar,
    tasks or plan."""
    return programs.c.state[keys]


#: The programs' KPI facts: plain columns where the read model has them, the rest extracted
#: from the stored view by the database.
_PROGRAM_FACTS = select(
    *PROGRAM_OUTCOME,
    programs.c.timezone,
    _path("state", "sessions").label("sessions"),
    _path("state", "completed_sessions").label("completed"),
    _path("cancelled_at").label("cancelled_at"),
    programs.c.updated_at,
).order_by(programs.c.program_id)

#: Who each program was for and who came: read only for the programs that need names.
_PEOPLE = select(
    programs.c.program_id,
    _path("state", "enrolled").label("enrolled"),
    _path("state", "attendance").label("attendance"),
)


def _program_records(
    conn: Connection, named: Collection[str] | None = None, people_of: Collection[str] = ()
) -> list[ProgramRecord]:
    """Every program's record; with ``named``, only those programs', and their trainees only
    for ``people_of`` (the report counts the rest in SQL: ``kpi_facts``)."""
    people, facts = _PEOPLE, _PROGRAM_FACTS
    if named is not None:
        people = people.where(programs.c.program_id.in_(people_of))
        facts = facts.where(programs.c.program_id.in_(named))
    lists = {row.program_id: (row.enrolled, row.attendance) for row in conn.execute(people)}
    records = []
    for row in conn.execute(facts):
        enrolled, attendance = lists.get(row.program_id, (None, None))
        records.append(
            _record(
                row.program_id,
                row.specialist,
                row.department,
                row.planned_date,
                row.status,
                row.approved,
                row.executed,
                row.on_time,
                enrolled or (),
                attendance or {},
                row.timezone,
                [
                    (s["session_id"], s["starts_at"], s["duration_hours"])
                    for s in (row.sessions or {}).values()
                ],
                row.completed or (),
                cancelled_on(row),
            )
        )
    return records


def kpi_inputs(engine: Engine) -> KpiInputs:
    """Every fact about every program, each response included, read in one consistent
    snapshot (what imports reconcile and the demo read; the report reads ``program_facts``)."""
    with engine.connect().execution_options(**READ_ONLY) as conn, conn.begin():
        return _read_inputs(conn, everything=True)


def _read_inputs(conn: Connection, *, everything: bool) -> KpiInputs:
    """The inputs; without ``everything``: no responses or graded items (``program_facts``
    counts them), and the records (sessions, trainees) only of the programs assigned a
    resource or studied: what resource KPIs and effect studies read."""
    refs: dict[str, dict[str, dict[str, Any]]] = {}
    for row in conn.execute(select(reference).where(reference.c.kind != "employee")).all():
        refs.setdefault(row.kind, {})[row.record_id] = row.data
    studies = [
        EffectStudyDefined.model_validate(v) for _, v in sorted(refs.get("study", {}).items())
    ]
    courses = {k: CourseDefined.model_validate(v) for k, v in refs.get("course", {}).items()}
    assignments = {
        k: ProgramResourcesAssigned.model_validate(v) for k, v in refs.get("assignment", {}).items()
    }
    named, people_of = None, {s.program_id for s in studies}
    if not everything:
        named = people_of | set(assignments)
        people_of |= {p for p, a in assignments.items() if a.course_id in courses}
    surveys: dict[tuple[str, str], dict[str, float]] = {}
    exams: list[ExamResult] = []
    graded: list[ItemResult] = []
    if everything:
        query = select(
            responses.c.program_id,
            responses.c.trainee,
            responses.c.kind,
            responses.c.dimension,
            responses.c.score,
        ).order_by(responses.c.position)
        for program_id, trainee, kind, dimension, score in conn.execute(query):
            if kind == "survey":
                surveys.setdefault((program_id, trainee), {})[dimension] = score
            else:
                exams.append(ExamResult(program_id=program_id, trainee=trainee, score=score))
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
    # Employees are thousands and only their department counts (for course coverage and
    # effect studies, read only then): the database extracts it.
    departments: dict[str, str] = {}
    if everything or studies or courses:
        departments = {
            employee: name
            for employee, name in conn.execute(
                select(reference.c.record_id, reference.c.data[("department",)].as_string()).where(
                    reference.c.kind == "employee"
                )
            ).all()
            if name
        }
    values = {
        (row.employee_id, row.metric, row.period): row.value
        for row in conn.execute(select(metrics)).all()
    }
    costs: dict[str, list[CostLine]] = {}
    benefits: dict[str, list[BenefitLine]] = {}
    for row in conn.execute(select(roi_lines).order_by(roi_lines.c.line_id)).all():
        if row.kind == "cost":
            costs.setdefault(row.program_id, []).append(
                CostLine(category=row.data["category"], amount=Decimal(row.data["amount"]))
            )
        else:
            benefits.setdefault(row.program_id, []).append(BenefitLine.model_validate(row.data))
    return KpiInputs(
        programs=_program_records(conn, named, people_of),
        surveys=[
            SurveyResponse(program_id=pid, trainee=trainee, scores=scores)
            for (pid, trainee), scores in sorted(surveys.items())
        ],
        exams=exams,
        items=graded,
        costs=costs,
        benefits=benefits,
        studies=studies,
        metrics=values,
        departments=departments,
        courses=courses,
        instructors={
            k: InstructorDefined.model_validate(v) for k, v in refs.get("instructor", {}).items()
        },
        venues={k: VenueDefined.model_validate(v) for k, v in refs.get("venue", {}).items()},
        assignments=assignments,
    )


def kpi_report(
    engine: Engine,
    thresholds: Thresholds | None = None,
    *,
    pass_mark: float = DEFAULT_PASS_MARK,
    period: str | None = None,
    specialist: str | None = None,
    department: str | None = None,
    scopes: Iterable[Scope] = ("specialist", "department", "organisation"),
    as_of: date | None = None,
) -> list[Scorecard]:
    """Scorecards, filtered: ``specialist``/``department`` keep only that scope's cards; plan
    completion and on-time rate count what is due by ``as_of`` (default: today, UTC)."""
    wanted = set(scopes)
    if specialist is not None:
        wanted &= {"specialist"}
    if department is not None:
        wanted &= {"department"}
    with engine.connect().execution_options(**READ_ONLY) as conn, conn.begin():
        facts = program_facts(conn, pass_mark)
        inputs = _read_inputs(conn, everything=False)
    cards = scorecards(
        inputs,
        thresholds or Thresholds.defaults(),
        pass_mark=pass_mark,
        scopes=sorted(wanted),
        as_of=as_of or today(),
        facts=facts,
    )
    return [
        c
        for c in cards
        if (period is None or c.period == period)
        and (specialist is None or c.name == specialist)
        and (department is None or c.name == department)
    ]


def scorecard(
    engine: Engine,
    thresholds: Thresholds,
    scope: Scope,
    name: str,
    period: str,
    *,
    pass_mark: float = DEFAULT_PASS_MARK,
) -> Scorecard | None:
    """One group's card for one quarter (``None``: no such card), as a drill-down starts."""
    cards = kpi_report(
        engine,
        thresholds,
        pass_mark=pass_mark,
        period=period,
        specialist=name if scope == "specialist" else None,
        department=name if scope == "department" else None,
        scopes=(scope,),
    )
    return next((c for c in cards if c.name == name), None)


# ---------------------------------------------------------------------- drill-down

#: Which program events stand behind each execution KPI.
_EXECUTION_EVENTS = {
    "plan_completion": ("ProgramApproved", "ProgramExecuted", "ProgramCancelled"),
    "on_time": ("ProgramApproved", "ProgramExecuted"),
    "participation": ("TraineeEnrolled", *ATTENDANCE_EVENTS),
}


def evidence(
    engine: Engine, kpi: str, program_ids: Iterable[str], subject: str = ""
) -> list[dict[str, Any]]:
    """The read-model rows, each naming its log position, behind one KPI of a scorecard."""
    ids = sorted(set(program_ids))
    with engine.connect().execution_options(**READ_ONLY) as conn:
        if kpi in _EXECUTION_EVENTS:
            query = (
                select(timeline)
                .where(timeline.c.program_id.in_(ids))
                .where(timeline.c.event_type.in_(_EXECUTION_EVENTS[kpi]))
                .order_by(timeline.c.position)
            )
            return [
                {
                    "position": row.position,
                    "program_id": row.program_id,
                    "event_type": row.event_type,
                    "actor": row.actor,
                    "summary": row.summary,
                    "message": row.message,
                }
                for row in conn.execute(query)
            ]
        if kpi in ("satisfaction", "response_rate", "exam_pass_rate"):
            kind = "exam" if kpi == "exam_pass_rate" else "survey"
            query = (
                select(responses)
                .where(responses.c.program_id.in_(ids), responses.c.kind == kind)
                .order_by(responses.c.position, responses.c.dimension)
            )
            if subject:
                query = query.where(responses.c.dimension == subject)
            return [dict(row._mapping) for row in conn.execute(query)]
        if kpi == "mastery":
            query = select(items).where(items.c.program_id.in_(ids)).order_by(items.c.position)
            if subject:
                query = query.where(items.c.knowledge_point == subject)
            return [dict(row._mapping) for row in conn.execute(query)]
        if kpi == "roi_percent":
            query = (
                select(roi_lines)
                .where(roi_lines.c.program_id.in_(ids))
                .order_by(roi_lines.c.position)
            )
            return [dict(row._mapping) for row in conn.execute(query)]
        if kpi in ("behaviour_change", "results_change"):
            study_id = subject
            found = conn.execute(
                select(reference.c.data, reference.c.position).where(
                    reference.c.kind == "study", reference.c.record_id == study_id
                )
            ).first()
            if found is None:
                return []
            study = EffectStudyDefined.model_validate(found.data)
            query = (
                select(metrics)
                .where(
                    metrics.c.metric == study.metric,
                    metrics.c.period.in_((study.pre_period, study.post_period)),
                )
                .order_by(metrics.c.position)
            )
            study_row = {"position": found.position, "study": study.study_id}
            return [study_row, *(dict(row._mapping) for row in conn.execute(query))]
        query = (
            select(reference)
            .where(reference.c.kind.in_(("course", "instructor", "venue", "assignment")))
            .order_by(reference.c.position)
        )
        rows = [dict(row._mapping) for row in conn.execute(query)]
        return [
            r for r in rows if not subject or r["record_id"] == subject or r["kind"] == "assignment"
        ]
