"""Reads for a trainee's own pages: the programs they are for, where they are held, the exam
paper without its answer key, and their own answers (never another trainee's)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select

from domain.evaluation import GradedItem
from domain.program import ProgramState
from domain.reference import CourseDefined, ProgramResourcesAssigned, VenueDefined
from eventlog.engine import READ_ONLY
from projections.evaluation import items, reference, responses
from projections.program_views import ProgramView
from projections.tables import programs, trainees


@dataclass(frozen=True)
class Enrolment:
    """One program a trainee is for: its summary row, its folded state, and whether they are
    enrolled yet (named on a plan that is not published: not yet)."""

    summary: dict[str, Any]
    state: ProgramState
    enrolled: bool


def enrolments(
    engine: Engine, trainee: str, program_id: str | None = None, *, enrolled_only: bool = True
) -> list[Enrolment]:
    """The programs ``trainee`` is enrolled in (or named on, with ``enrolled_only=False``),
    soonest planned first."""
    query = (
        select(programs, trainees.c.enrolled)
        .join(trainees, trainees.c.program_id == programs.c.program_id)
        .where(trainees.c.trainee == trainee)
        .order_by(programs.c.planned_date, programs.c.program_id)
    )
    if enrolled_only:
        query = query.where(trainees.c.enrolled.is_(True))
    if program_id is not None:
        query = query.where(programs.c.program_id == program_id)
    found: list[Enrolment] = []
    with engine.connect().execution_options(**READ_ONLY) as conn:
        for row in conn.execute(query):
            summary = dict(row._mapping)
            state = ProgramView.model_validate(summary.pop("state")).state
            found.append(Enrolment(summary, state, bool(summary.pop("enrolled"))))
    return found


def program_ids_of(engine: Engine, trainee: str, program_id: str | None = None) -> set[str]:
    """Every program ``trainee`` is enrolled in (only ``program_id``, if given): being named on
    a plan that is not published yet does not count."""
    query = select(trainees.c.program_id).where(
        trainees.c.trainee == trainee, trainees.c.enrolled.is_(True)
    )
    if program_id is not None:
        query = query.where(trainees.c.program_id == program_id)
    with engine.connect().execution_options(**READ_ONLY) as conn:
        return set(conn.execute(query).scalars())


@dataclass(frozen=True)
class PaperQuestion:
    """An exam question as a trainee sees it: never its answer key."""

    question_id: str
    knowledge_point: str
    text: str
    choices: tuple[str, ...]


@dataclass(frozen=True)
class Resources:
    """The course, venue and exam paper assigned to a program (reference data), if any."""

    course: str | None = None
    venue: str | None = None
    course_id: str | None = None
    paper: tuple[PaperQuestion, ...] = ()


def resources(engine: Engine, program_id: str) -> Resources:
    def record(conn: Any, kind: str, record_id: str | None) -> dict[str, Any] | None:
        if record_id is None:
            return None
        query = select(reference.c.data).where(
            reference.c.kind == kind, reference.c.record_id == record_id
        )
        data = conn.execute(query).scalar()
        return data if isinstance(data, dict) else None

    with engine.connect().execution_options(**READ_ONLY) as conn:
        found = record(conn, "assignment", program_id)
        if found is None:
            return Resources()
        assigned = ProgramResourcesAssigned.model_validate(found)
        course_data = record(conn, "course", assigned.course_id)
        venue_data = record(conn, "venue", assigned.venue_id)
    venue = VenueDefined.model_validate(venue_data) if venue_data else None
    if course_data is None:
        return Resources(venue=(venue.name or venue.venue_id) if venue else assigned.venue_id)
    course = CourseDefined.model_validate(course_data)
    return Resources(
        course=course.title,
        venue=(venue.name or venue.venue_id) if venue else assigned.venue_id,
        course_id=course.course_id,
        paper=tuple(
            PaperQuestion(q.question_id, q.knowledge_point, q.text, q.choices)
            for q in course.questions
        ),
    )


@dataclass(frozen=True)
class OwnResults:
    """A trainee's own survey scores, exam score and graded questions in one program."""

    survey: dict[str, float] = field(default_factory=dict)
    exam: float | None = None
    items: tuple[GradedItem, ...] = ()


def own_results(engine: Engine, program_id: str, trainee: str) -> OwnResults:
    mine = (responses.c.program_id == program_id, responses.c.trainee == trainee)
    graded = (items.c.program_id == program_id, items.c.trainee == trainee)
    survey: dict[str, float] = {}
    exam: float | None = None
    with engine.connect().execution_options(**READ_ONLY) as conn:
        for row in conn.execute(select(responses).where(*mine)):
            if row.kind == "survey":
                survey[row.dimension] = row.score
            else:
                exam = row.score
        answered = tuple(
            GradedItem(
                question_id=row.question_id,
                knowledge_point=row.knowledge_point,
                correct=row.correct,
            )
            for row in conn.execute(select(items).where(*graded).order_by(items.c.question_id))
        )
    return OwnResults(survey=survey, exam=exam, items=answered)
