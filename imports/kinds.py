"""The kinds of reference data and evaluation input: their columns, how a group of rows
becomes events, and what those rows are checked against (``Lookup``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from domain import reference as r
from domain.evaluation import (
    EffectStudyDefined,
    ExamGraded,
    MetricRecorded,
    ProgramBenefitRecorded,
    ProgramCostRecorded,
    grade_exam,
)
from domain.program import ProgramState, fold
from domain.refusals import DomainError
from domain.streams import program_stream
from eventlog import EventStore
from eventlog.engine import READ_ONLY
from eventlog.schema import events
from imports.common import Guard, current_events, line_guard
from imports.files import Row, json_cell, money, past_day, split_list
from imports.problems import RowError

__all__ = ["KINDS", "Kind", "Lookup", "RowError"]

Built = tuple[str, BaseModel]  # (stream id, event)


@dataclass(frozen=True)
class Kind:
    """Columns; the record key of its events; rows to events; which rows make one record
    (``group``), what a row of a group is called (``noun``) and what names it (``names``);
    ``guard``: the record changes only by an explicit correction row."""

    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: Callable[[Any], object]
    build: Callable[[Sequence[Row], Lookup], list[Built]]
    group: Callable[[Row], object] = lambda row: row.where
    noun: str = "row of this record"
    names: Callable[[Row], tuple[str, object] | None] = lambda row: None
    guard: Guard = None


class Lookup:
    """What rows are checked against: the log as it stands (read on demand, cached)."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self._known: dict[str, set[str]] = {}
        self._latest: dict[str, Any] = {}

    def known(self, prefix: str) -> set[str]:
        if prefix not in self._known:
            with self.store.engine.connect().execution_options(**READ_ONLY) as conn:
                streams = conn.execute(
                    select(events.c.stream_id)
                    .where(events.c.stream_id.like(f"{prefix}%"))
                    .distinct()
                ).scalars()
                self._known[prefix] = {s[len(prefix) :] for s in streams}
        return self._known[prefix]

    def latest(self, stream_id: str) -> Any:
        if stream_id not in self._latest:
            _, found = current_events(self.store, stream_id)
            self._latest[stream_id] = found[-1] if found else None
        return self._latest[stream_id]

    def program(self, program_id: str) -> ProgramState:
        key = program_stream(program_id)
        if key not in self._latest:
            _, found = current_events(self.store, key)
            self._latest[key] = fold(found) if found else None
        state = self._latest[key]
        if state is None:
            raise RowError("import.unknown_program", program_id=program_id)
        assert isinstance(state, ProgramState)
        return state

    def require(self, prefix: str, record_id: str | None, unknown: str) -> None:
        """``RowError(unknown)`` when ``record_id`` is given and no stream ``prefix…`` has it."""
        if record_id is not None and record_id not in self.known(prefix):
            raise RowError(unknown, record_id=record_id)


def _one(rows: Sequence[Row]) -> dict[str, Any]:
    cells = rows[0].cells
    if "__extra__" in cells:
        raise RowError("import.extra_cells")
    return cells


def _date(value: Any, what: str) -> date | None:
    return past_day(value, what, datetime.now(UTC).date())


def _employees(rows: Sequence[Row], look: Lookup) -> list[Built]:
    c = _one(rows)
    event = r.EmployeeRecorded(
        employee_id=c["employee_id"],
        name=c.get("name") or "",
        department=c.get("department") or "",
        region=c.get("region") or "",
        manager=c.get("manager") or "",
        hire_date=_date(c.get("hire_date"), "hire_date"),
    )
    return [(r.stream_of(event), event)]


def _courses(rows: Sequence[Row], look: Lookup) -> list[Built]:
    c = _one(rows)
    current = look.latest(f"course-{c['course_id']}")
    questions = json_cell(c.get("questions"), "questions")
    event = r.CourseDefined(
        course_id=c["course_id"],
        title=c["title"],
        hours=c["hours"],
        knowledge_points=split_list(c.get("knowledge_points")),
        questions=questions if questions is not None else (current.questions if current else ()),
        target_departments=split_list(c.get("target_departments")),
        target_trainees=split_list(c.get("target_trainees")),
    )
    return [(r.stream_of(event), event)]


def _questions(rows: Sequence[Row], look: Lookup) -> list[Built]:
    course_id = rows[0].cells["course_id"]
    current = look.latest(f"course-{course_id}")
    if current is None:
        raise RowError("import.course_first", course_id=course_id)
    questions = []
    for row in rows:  # each row's own reason, not its group's
        q = row.cells
        try:
            questions.append(
                r.Question(
                    question_id=q["question_id"],
                    knowledge_point=q["knowledge_point"],
                    answer=q["answer"],
                    text=q.get("text") or "",
                    choices=split_list(q.get("choices")),
                )
            )
        except ValidationError as exc:
            raise RowError.at(row.where, exc) from exc
    points = tuple(
        dict.fromkeys([*current.knowledge_points, *(q.knowledge_point for q in questions)])
    )
    event = current.model_copy(update={"questions": tuple(questions), "knowledge_points": points})
    return [(r.stream_of(event), r.CourseDefined.model_validate(event.model_dump()))]


def _per_period_record(
    rows: Sequence[Row], look: Lookup, record: str, per_period: str
) -> tuple[dict[str, Any], Any]:
    """The fields of a record kept per period (an instructor's hours, a venue's slots): the
    rows' periods over the recorded ones, and the name as given or else as recorded. Returns
    them with the record as it stands (None when new)."""
    first = rows[0].cells
    record_id = first[f"{record}_id"]
    current = look.latest(f"{record}-{record_id}")
    by_period = dict(getattr(current, per_period)) if current else {}
    by_period.update({row.cells["period"]: row.cells[per_period] for row in rows})
    name = first.get("name") or (current.name if current else "")
    return {f"{record}_id": record_id, "name": name, per_period: by_period}, current


def _instructors(rows: Sequence[Row], look: Lookup) -> list[Built]:
    fields, _ = _per_period_record(rows, look, "instructor", "available_hours")
    event = r.InstructorDefined(**fields)
    return [(r.stream_of(event), event)]


def _venues(rows: Sequence[Row], look: Lookup) -> list[Built]:
    fields, current = _per_period_record(rows, look, "venue", "slots")
    capacity = rows[0].cells.get("capacity") or (current.capacity if current else 0)
    event = r.VenueDefined(**fields, capacity=capacity)
    return [(r.stream_of(event), event)]


def _assignments(rows: Sequence[Row], look: Lookup) -> list[Built]:
    c = _one(rows)
    look.program(c["program_id"])
    look.require("course-", c.get("course_id"), "import.unknown_course")
    look.require("instructor-", c.get("instructor_id"), "import.unknown_instructor")
    look.require("venue-", c.get("venue_id"), "import.unknown_venue")
    event = r.ProgramResourcesAssigned(
        program_id=c["program_id"],
        course_id=c.get("course_id"),
        instructor_id=c.get("instructor_id"),
        venue_id=c.get("venue_id"),
    )
    return [(r.stream_of(event), event)]


def _studies(rows: Sequence[Row], look: Lookup) -> list[Built]:
    c = _one(rows)
    look.program(c["program_id"])
    people = [*split_list(c.get("trained")), *split_list(c.get("control"))]
    unknown = sorted(set(people) - look.known("employee-"))
    if unknown:
        raise RowError("import.unknown_employees", employees=unknown)
    event = EffectStudyDefined(
        study_id=c["study_id"],
        program_id=c["program_id"],
        level=c["level"],
        metric=c["metric"],
        pre_period=c["pre_period"],
        post_period=c["post_period"],
        higher_is_better=c.get("higher_is_better")
        if c.get("higher_is_better") is not None
        else True,
        trained=split_list(c.get("trained")),
        control=split_list(c.get("control")),
    )
    return [(f"study-{event.study_id}", event)]


def _fields(cells: dict[str, Any], names: Sequence[str], note: str) -> dict[str, Any]:
    """The cells ``names`` as given, and the free-text cell ``note`` ("" when blank)."""
    return {**{name: cells[name] for name in names}, note: cells.get(note) or ""}


def _metrics(rows: Sequence[Row], look: Lookup) -> list[Built]:
    c = _one(rows)
    look.require("employee-", c["employee_id"], "import.unknown_employee")
    event = MetricRecorded(**_fields(c, ("employee_id", "metric", "period", "value"), "source"))
    return [(f"metrics-{event.employee_id}", event)]


def _costs(rows: Sequence[Row], look: Lookup) -> list[Built]:
    c = _one(rows)
    look.program(c["program_id"])
    event = ProgramCostRecorded(
        **{
            **_fields(c, ("program_id", "line_id", "category", "amount"), "note"),
            "amount": money(c["amount"], "amount"),
        }
    )
    return [(f"costs-{event.program_id}", event)]


def _benefits(rows: Sequence[Row], look: Lookup) -> list[Built]:
    c = _one(rows)
    look.program(c["program_id"])
    optional = {k: c[k] for k in ("isolation", "confidence") if c.get(k) is not None}
    event = ProgramBenefitRecorded(
        program_id=c["program_id"],
        line_id=c["line_id"],
        description=c.get("description") or "",
        value=money(c["value"], "value"),
        **optional,
    )
    return [(f"costs-{event.program_id}", event)]


def _exam_answers(rows: Sequence[Row], look: Lookup) -> list[Built]:
    first = rows[0].cells
    program_id, trainee = first["program_id"], first["employee_id"]
    state = look.program(program_id)
    if trainee not in state.attendees:
        raise RowError("import.did_not_attend", trainee=trainee, program_id=program_id)
    assignment = look.latest(f"resources-{program_id}")
    if assignment is None or assignment.course_id is None:
        raise RowError("import.no_course", program_id=program_id)
    course = look.latest(f"course-{assignment.course_id}")
    if course is None:
        raise RowError("import.unknown_course", record_id=assignment.course_id)
    answers = {row.cells["question_id"]: str(row.cells["answer"] or "") for row in rows}
    try:
        score, items = grade_exam(course, answers)
    except (ValueError, DomainError) as exc:  # a course with no key, an unknown question
        raise RowError.of(exc) from exc
    event = ExamGraded(
        program_id=program_id, trainee=trainee, course_id=course.course_id, score=score, items=items
    )
    return [(f"exam-{program_id}", event)]


def _named(column: str, word: str) -> Callable[[Row], tuple[str, object] | None]:
    """What names a row within its group (its question, its period), when it is given."""
    return lambda row: (word, v) if (v := row.cells.get(column)) is not None else None


def _cell(name: str) -> Callable[[Row], object]:
    return lambda row: row.cells.get(name)


def _per_period_kind(
    record: str,
    per_period: str,
    optional: tuple[str, ...],
    build: Callable[[Sequence[Row], Lookup], list[Built]],
) -> Kind:
    """A record kept per period: one row a period, grouped by the record's id."""
    record_id = f"{record}_id"
    return Kind(
        (record_id, "period", per_period),
        optional,
        lambda e: getattr(e, record_id),
        build,
        _cell(record_id),
        noun=f"row of this {record}",
        names=_named("period", "period"),
    )


KINDS: dict[str, Kind] = {
    "employees": Kind(
        ("employee_id",),
        ("name", "department", "region", "manager", "hire_date"),
        lambda e: e.employee_id,
        _employees,
    ),
    "courses": Kind(
        ("course_id", "title", "hours"),
        ("knowledge_points", "target_departments", "target_trainees", "questions"),
        lambda e: e.course_id,
        _courses,
    ),
    "questions": Kind(
        ("course_id", "question_id", "knowledge_point", "answer"),
        ("text", "choices"),
        lambda e: e.course_id,
        _questions,
        _cell("course_id"),
        noun="question of this course",
        names=_named("question_id", "question"),
    ),
    "instructors": _per_period_kind("instructor", "available_hours", ("name",), _instructors),
    "venues": _per_period_kind("venue", "slots", ("name", "capacity"), _venues),
    "assignments": Kind(
        ("program_id",),
        ("course_id", "instructor_id", "venue_id"),
        lambda e: e.program_id,
        _assignments,
    ),
    "studies": Kind(
        ("study_id", "program_id", "level", "metric", "pre_period", "post_period"),
        ("higher_is_better", "trained", "control"),
        lambda e: e.study_id,
        _studies,
    ),
    "metrics": Kind(
        ("employee_id", "metric", "period", "value"),
        ("source",),
        lambda e: (e.metric, e.period),
        _metrics,
    ),
    "costs": Kind(
        ("program_id", "line_id", "category", "amount"),
        ("note", "correction"),
        lambda e: (type(e).__name__, e.line_id),
        _costs,
        guard=line_guard,
    ),
    "benefits": Kind(
        ("program_id", "line_id", "value"),
        ("description", "isolation", "confidence", "correction"),
        lambda e: (type(e).__name__, e.line_id),
        _benefits,
        guard=line_guard,
    ),
    "exam-answers": Kind(
        ("program_id", "employee_id", "question_id", "answer"),
        (),
        lambda e: e.trainee,
        _exam_answers,
        lambda row: (row.cells.get("program_id"), row.cells.get("employee_id")),
        noun="answer of this exam",
        names=_named("question_id", "question"),
    ),
}
