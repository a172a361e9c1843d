"""Load reference data and evaluation inputs from CSV/JSON into the log.

Kinds (columns in brackets are optional; lists in a CSV cell are separated by ``|``):

- ``employees``: employee_id, [name, department, region, manager, hire_date]
- ``courses``: course_id, title, hours, [knowledge_points, target_departments,
  target_trainees, questions (JSON only: objects with question_id, knowledge_point, answer,
  [text, choices])]
- ``questions``: course_id, question_id, knowledge_point, answer, [text, choices] (replaces the
  course's key; what the online exam shows: the question's text and, for multiple choice, the
  choices the key must be one of)
- ``instructors``: instructor_id, period, available_hours, [name]
- ``venues``: venue_id, period, slots, [name, capacity]
- ``assignments``: program_id, [course_id, instructor_id, venue_id]
- ``studies``: study_id, program_id, level (L3/L4), metric, pre_period, post_period,
  [higher_is_better, trained, control]
- ``metrics``: employee_id, metric, period, value, [source]
- ``costs``: program_id, line_id, category, amount, [note]
- ``benefits``: program_id, line_id, value, [description, isolation, confidence]
- ``exam-answers``: program_id, employee_id, question_id, answer (graded with the course key)

Every change becomes an event in the record's own stream; an unchanged record appends nothing.
A file with any rejected row appends nothing unless ``accept_valid`` is given.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError
from sqlalchemy import select

from domain import reference as r
from domain.days import parse_day
from domain.evaluation import (
    EffectStudyDefined,
    ExamGraded,
    MetricRecorded,
    ProgramBenefitRecorded,
    ProgramCostRecorded,
    grade_exam,
)
from domain.program import ProgramState, fold
from eventlog import EventStore
from eventlog.engine import READ_ONLY
from eventlog.schema import events
from imports.common import (
    AppendTally,
    FileProblem,
    Rejection,
    Row,
    append_changes,
    current_events,
    read_table,
    sha256_of,
    split_list,
    validation_reason,
)
from imports.report import ImportReport

Built = tuple[str, BaseModel]  # (stream id, event)


class RowError(Exception):
    """A row that cannot be accepted; the message is the reason in the report."""


@dataclass(frozen=True)
class Kind:
    required: tuple[str, ...]
    optional: tuple[str, ...]
    key: Callable[[Any], object]
    build: Callable[[Sequence[Row], Lookup], list[Built]]
    group: Callable[[Row], object] = lambda row: row.where


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
        key = f"program-{program_id}"
        if key not in self._latest:
            _, found = current_events(self.store, key)
            self._latest[key] = fold(found) if found else None
        state = self._latest[key]
        if state is None:
            raise RowError(f"unknown program {program_id!r}")
        assert isinstance(state, ProgramState)
        return state

    def require(self, prefix: str, record_id: str | None, what: str) -> None:
        if record_id is not None and record_id not in self.known(prefix):
            raise RowError(f"unknown {what} {record_id!r}")


def _one(rows: Sequence[Row]) -> dict[str, Any]:
    cells = rows[0].cells
    if "__extra__" in cells:
        raise RowError("more cells than columns")
    return cells


def _date(value: Any, what: str) -> date | None:
    if value is None:
        return None
    try:
        day = parse_day(value, what)
    except ValueError as exc:
        raise RowError(str(exc)) from exc
    if day > datetime.now(UTC).date():
        raise RowError(f"{what} {day} is in the future")
    return day


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
    questions = c.get("questions")
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
        raise RowError(f"unknown course {course_id!r} (load it with kind 'courses' first)")
    questions = [
        r.Question(
            question_id=q["question_id"],
            knowledge_point=q["knowledge_point"],
            answer=q["answer"],
            text=q.get("text") or "",
            choices=split_list(q.get("choices")),
        )
        for q in (row.cells for row in rows)
    ]
    points = tuple(
        dict.fromkeys([*current.knowledge_points, *(q.knowledge_point for q in questions)])
    )
    event = current.model_copy(update={"questions": tuple(questions), "knowledge_points": points})
    return [(r.stream_of(event), r.CourseDefined.model_validate(event.model_dump()))]


def _instructors(rows: Sequence[Row], look: Lookup) -> list[Built]:
    first = rows[0].cells
    current = look.latest(f"instructor-{first['instructor_id']}")
    hours = dict(current.available_hours) if current else {}
    hours.update({row.cells["period"]: row.cells["available_hours"] for row in rows})
    event = r.InstructorDefined(
        instructor_id=first["instructor_id"],
        name=first.get("name") or (current.name if current else ""),
        available_hours=hours,
    )
    return [(r.stream_of(event), event)]


def _venues(rows: Sequence[Row], look: Lookup) -> list[Built]:
    first = rows[0].cells
    current = look.latest(f"venue-{first['venue_id']}")
    slots = dict(current.slots) if current else {}
    slots.update({row.cells["period"]: row.cells["slots"] for row in rows})
    event = r.VenueDefined(
        venue_id=first["venue_id"],
        name=first.get("name") or (current.name if current else ""),
        capacity=first.get("capacity") or (current.capacity if current else 0),
        slots=slots,
    )
    return [(r.stream_of(event), event)]


def _assignments(rows: Sequence[Row], look: Lookup) -> list[Built]:
    c = _one(rows)
    look.program(c["program_id"])
    look.require("course-", c.get("course_id"), "course")
    look.require("instructor-", c.get("instructor_id"), "instructor")
    look.require("venue-", c.get("venue_id"), "venue")
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
        raise RowError(f"unknown employee(s) {', '.join(unknown)}")
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


def _metrics(rows: Sequence[Row], look: Lookup) -> list[Built]:
    c = _one(rows)
    look.require("employee-", c["employee_id"], "employee")
    event = MetricRecorded(
        employee_id=c["employee_id"],
        metric=c["metric"],
        period=c["period"],
        value=c["value"],
        source=c.get("source") or "",
    )
    return [(f"metrics-{event.employee_id}", event)]


def _costs(rows: Sequence[Row], look: Lookup) -> list[Built]:
    c = _one(rows)
    look.program(c["program_id"])
    event = ProgramCostRecorded(
        program_id=c["program_id"],
        line_id=c["line_id"],
        category=c["category"],
        amount=c["amount"],
        note=c.get("note") or "",
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
        value=c["value"],
        **optional,
    )
    return [(f"costs-{event.program_id}", event)]


def _exam_answers(rows: Sequence[Row], look: Lookup) -> list[Built]:
    first = rows[0].cells
    program_id, trainee = first["program_id"], first["employee_id"]
    state = look.program(program_id)
    if trainee not in state.attendees:
        raise RowError(f"{trainee!r} did not attend program {program_id!r}")
    assignment = look.latest(f"resources-{program_id}")
    if assignment is None or assignment.course_id is None:
        raise RowError(f"program {program_id!r} has no course assigned (kind 'assignments')")
    course = look.latest(f"course-{assignment.course_id}")
    if course is None:
        raise RowError(f"unknown course {assignment.course_id!r}")
    answers = {row.cells["question_id"]: str(row.cells["answer"] or "") for row in rows}
    try:
        score, items = grade_exam(course, answers)
    except ValueError as exc:
        raise RowError(str(exc)) from exc
    event = ExamGraded(
        program_id=program_id, trainee=trainee, course_id=course.course_id, score=score, items=items
    )
    return [(f"exam-{program_id}", event)]


def _cell(name: str) -> Callable[[Row], object]:
    return lambda row: row.cells.get(name)


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
    ),
    "instructors": Kind(
        ("instructor_id", "period", "available_hours"),
        ("name",),
        lambda e: e.instructor_id,
        _instructors,
        _cell("instructor_id"),
    ),
    "venues": Kind(
        ("venue_id", "period", "slots"),
        ("name", "capacity"),
        lambda e: e.venue_id,
        _venues,
        _cell("venue_id"),
    ),
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
        ("note",),
        lambda e: (type(e).__name__, e.line_id),
        _costs,
    ),
    "benefits": Kind(
        ("program_id", "line_id", "value"),
        ("description", "isolation", "confidence"),
        lambda e: (type(e).__name__, e.line_id),
        _benefits,
    ),
    "exam-answers": Kind(
        ("program_id", "employee_id", "question_id", "answer"),
        (),
        lambda e: e.trainee,
        _exam_answers,
        lambda row: (row.cells.get("program_id"), row.cells.get("employee_id")),
    ),
}


def load_reference(
    store: EventStore,
    kind: str,
    path: Path,
    *,
    accept_valid: bool = False,
    actor: str = "import",
    now: datetime | None = None,
    proof: dict[str, Any] | None = None,
) -> ImportReport:
    """Validate every row of ``path`` as ``kind``, then append the changes (see module doc).
    ``proof``: the signed request of the person loading it, kept on every event it appends."""
    spec = KINDS.get(kind)
    if spec is None:
        raise FileProblem(f"unknown kind {kind!r}; one of {', '.join(KINDS)}")
    data = path.read_bytes()
    rows = read_table(path, kind, spec.required, spec.optional, data=data)
    report = ImportReport(source=str(path), sha256=sha256_of(data), read={kind: len(rows)})
    groups: dict[object, list[Row]] = {}
    for row in rows:
        groups.setdefault(spec.group(row), []).append(row)
    look = Lookup(store)
    built: list[Built] = []
    accepted = 0
    for group in groups.values():
        try:
            missing = [c for c in spec.required if group[0].cells.get(c) is None]
            if missing:
                raise RowError(f"empty required cell(s) {', '.join(missing)}")
            built.extend(spec.build(group, look))
            accepted += len(group)
        except (RowError, ValidationError, ValueError) as exc:
            reason = validation_reason(exc) if isinstance(exc, ValidationError) else str(exc)
            for row in group:
                report.rejected.append(
                    Rejection(
                        where=row.where,
                        kind=kind,
                        key=str(spec.group(row)) if spec.group(row) != row.where else "",
                        reason=reason,
                    )
                )
    report.accepted = {kind: accepted}
    if report.rejected and not accept_valid:
        report.message = (
            f"{len(report.rejected)} row(s) rejected: nothing imported"
            " (fix them, or pass --accept-valid to import the valid rows)"
        )
        return report
    by_stream: dict[str, list[BaseModel]] = {}
    for stream_id, event in built:
        by_stream.setdefault(stream_id, []).append(event)
    tally = AppendTally()
    metadata: dict[str, Any] = {
        "actor": actor,
        "role": "import",
        "source": path.name,
        "sha256": report.sha256,
    }
    if proof is not None:
        metadata["proof"] = proof
    for stream_id, wanted in sorted(by_stream.items()):
        append_changes(store, stream_id, wanted, spec.key, metadata, tally, now=now)
    report.imported = True
    report.events_appended, report.unchanged = tally.appended, tally.unchanged
    report.streams_written = tally.streams
    report.message = (
        f"{tally.appended} event(s) appended to {tally.streams} stream(s),"
        f" {tally.unchanged} record(s) unchanged"
    )
    return report
