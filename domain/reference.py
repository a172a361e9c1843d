"""Reference data as events: courses, instructors, venues, employees, and which course,
instructor and venue a program uses.

Each record lives in its own stream (``course-<id>``, ``instructor-<id>``, ``venue-<id>``,
``employee-<id>``, ``resources-<program id>``) and every change appends the record as it now
stands, so the log shows who changed what, when, and the read models fold the latest one.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from domain.days import Day
from domain.event_base import DomainEvent, PersonId
from domain.text import CheckedText

RecordId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")]
#: A period the way KPIs are grouped: a quarter, e.g. ``2027-Q1``.
Period = Annotated[str, Field(pattern=r"^\d{4}-Q[1-4]$")]


class _Record(CheckedText, DomainEvent):
    """A reference-data event: its text is checked (``domain.text``)."""


def same_answer(given: str, key: str) -> bool:
    """Answers compare case- and space-insensitively (a key "B" accepts " b")."""
    return " ".join(given.split()).casefold() == " ".join(key.split()).casefold()


class Question(BaseModel):
    """One exam question: the knowledge point it tests and its answer key; for the online exam
    also what trainees read (``text``) and, for a multiple-choice question, the ``choices``
    they pick from (the key must be one of them). Without choices the answer is typed."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question_id: RecordId
    knowledge_point: Annotated[str, Field(min_length=1, max_length=200)]
    answer: Annotated[str, Field(min_length=1, max_length=200)]
    text: Annotated[str, Field(max_length=2000)] = ""
    choices: Annotated[
        tuple[Annotated[str, Field(min_length=1, max_length=200)], ...], Field(max_length=20)
    ] = ()

    @model_validator(mode="after")
    def _key_is_a_choice(self) -> Question:
        if len({" ".join(c.split()).casefold() for c in self.choices}) != len(self.choices):
            raise ValueError(f"question {self.question_id!r}: choices must not repeat")
        if self.choices and not any(same_answer(c, self.answer) for c in self.choices):
            raise ValueError(
                f"question {self.question_id!r}: the answer key {self.answer!r} is not one "
                "of its choices"
            )
        return self


class CourseDefined(_Record):
    type: Literal["CourseDefined"] = "CourseDefined"
    course_id: RecordId
    title: Annotated[str, Field(min_length=1, max_length=200)]
    hours: Annotated[float, Field(gt=0, le=1000)]
    knowledge_points: tuple[str, ...] = ()
    questions: tuple[Question, ...] = ()
    target_trainees: tuple[PersonId, ...] = ()
    target_departments: tuple[str, ...] = ()

    @model_validator(mode="after")
    def _questions_test_known_points(self) -> CourseDefined:
        ids = [q.question_id for q in self.questions]
        if len(set(ids)) != len(ids):
            raise ValueError("question ids must be unique within a course")
        unknown = {q.knowledge_point for q in self.questions} - set(self.knowledge_points)
        if self.knowledge_points and unknown:
            raise ValueError(f"questions test unknown knowledge points: {sorted(unknown)}")
        return self


class InstructorDefined(_Record):
    type: Literal["InstructorDefined"] = "InstructorDefined"
    instructor_id: RecordId
    name: str = ""
    available_hours: dict[Period, Annotated[float, Field(ge=0)]] = Field(default_factory=dict)


class VenueDefined(_Record):
    type: Literal["VenueDefined"] = "VenueDefined"
    venue_id: RecordId
    name: str = ""
    capacity: Annotated[int, Field(ge=0)] = 0
    slots: dict[Period, Annotated[int, Field(ge=0)]] = Field(default_factory=dict)


class EmployeeRecorded(_Record):
    type: Literal["EmployeeRecorded"] = "EmployeeRecorded"
    employee_id: PersonId
    name: str = ""
    department: str = ""
    region: str = ""
    manager: str = ""
    hire_date: Day | None = None


class ProgramResourcesAssigned(_Record):
    """The course a program delivers and who teaches it where (every session)."""

    type: Literal["ProgramResourcesAssigned"] = "ProgramResourcesAssigned"
    program_id: RecordId
    course_id: RecordId | None = None
    instructor_id: RecordId | None = None
    venue_id: RecordId | None = None


ReferenceEvent = (
    CourseDefined | InstructorDefined | VenueDefined | EmployeeRecorded | ProgramResourcesAssigned
)

#: Stream prefix per record kind (never ``program-``: those streams are program lifecycles).
STREAM_PREFIXES: dict[type[BaseModel], str] = {
    CourseDefined: "course-",
    InstructorDefined: "instructor-",
    VenueDefined: "venue-",
    EmployeeRecorded: "employee-",
    ProgramResourcesAssigned: "resources-",
}


def record_key(event: ReferenceEvent) -> str:
    """The id of the record an event describes."""
    match event:
        case CourseDefined():
            return event.course_id
        case InstructorDefined():
            return event.instructor_id
        case VenueDefined():
            return event.venue_id
        case EmployeeRecorded():
            return event.employee_id
        case ProgramResourcesAssigned():
            return event.program_id


def stream_of(event: ReferenceEvent) -> str:
    return STREAM_PREFIXES[type(event)] + record_key(event)
