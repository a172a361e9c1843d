"""A training program's life as events: planned, revised, approved and published, its sessions,
reminders and attendance, evaluation, feedback, closing or cancelling.

The approval route's events are in ``domain.approval_events``; events of the system around the
programs in ``domain.system_events``; all of them together in ``domain.events``.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.calendar import CalendarConfig, ReminderRules
from domain.event_base import DomainEvent, PersonId, Reason
from domain.fact_rules import FactRules


class Session(BaseModel):
    """One scheduled sitting of a program: when it starts and how long it lasts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
    starts_at: datetime
    duration_hours: Annotated[float, Field(gt=0, le=24)] = 2.0


class PlannedProgram(BaseModel):
    """What a program is as planned: who plans it, who approves it, where, for which
    department, at what cost and when. The ``ProgramPlanned`` event records it and
    ``domain.state.ProgramState`` carries it on, in this order in both."""

    program_id: str
    title: str
    specialist: PersonId
    approvers: tuple[PersonId, ...] = ()
    timezone: str
    region: str | None = None
    department: str | None = None
    budget: Decimal = Decimal(0)
    external_instructor: bool = False
    planned_date: date


class ProgramPlanned(PlannedProgram, DomainEvent):
    type: Literal["ProgramPlanned"] = "ProgramPlanned"
    sessions: tuple[Session, ...]
    trainees: tuple[PersonId, ...]
    evaluation_window_days: int
    calendar: CalendarConfig = CalendarConfig()
    reminder_rules: ReminderRules = ReminderRules()
    fact_rules: FactRules = FactRules()
    """The admin's rules for late entries and exam scores in force when it was planned."""


class ProgramRevised(DomainEvent):
    type: Literal["ProgramRevised"] = "ProgramRevised"
    title: str
    planned_date: date
    sessions: tuple[Session, ...]
    trainees: tuple[PersonId, ...]
    budget: Decimal = Decimal(0)
    external_instructor: bool = False
    comment: str = ""
    approvers: tuple[PersonId, ...] | None = None
    """The plan's approvers anew; ``None`` (and every revision recorded before they could be
    revised): as they were."""
    department: str | None = None
    """The department anew; ``None``: as it was."""


class ProgramApproved(DomainEvent):
    type: Literal["ProgramApproved"] = "ProgramApproved"
    planned_date: date


class ProgramPublished(DomainEvent):
    type: Literal["ProgramPublished"] = "ProgramPublished"


class TraineeEnrolled(DomainEvent):
    type: Literal["TraineeEnrolled"] = "TraineeEnrolled"
    trainee: PersonId


class SessionScheduled(DomainEvent):
    type: Literal["SessionScheduled"] = "SessionScheduled"
    session: Session


class SessionRescheduled(DomainEvent):
    type: Literal["SessionRescheduled"] = "SessionRescheduled"
    session_id: str
    starts_at: datetime
    previous_starts_at: datetime


class SettingsRefreshed(DomainEvent):
    """A running program took up the configuration in force: its business calendar (company
    holidays, make-up working days), reminder and fact rules. Pending reminders follow it."""

    type: Literal["SettingsRefreshed"] = "SettingsRefreshed"
    calendar: CalendarConfig
    reminder_rules: ReminderRules
    fact_rules: FactRules


class ReminderSent(DomainEvent):
    """A session reminder went out. Recorded by reference since ``recipient_count`` exists:
    how many people, the sha256 digest of their sorted ids and the program's stream version
    whose roster they are (who exactly is in the notification ledger). Older events list
    ``recipients`` and ``notification_ids`` instead."""

    type: Literal["ReminderSent"] = "ReminderSent"
    reminder_id: str
    kind: Literal["prepare_materials", "attend_session"]
    session_id: str
    due_at: datetime
    recipients: tuple[PersonId, ...] = ()
    notification_ids: tuple[str, ...] = ()
    recipient_count: int | None = None
    recipients_digest: str | None = None
    roster_version: int | None = None

    @property
    def audience_size(self) -> int:
        """How many people it went to, whichever way it was recorded."""
        return len(self.recipients) if self.recipient_count is None else self.recipient_count


class AttendanceRecorded(DomainEvent):
    """``late_entered``: recorded after the session's entry window, with the ``late_reason``
    given (see docs/facts.md)."""

    type: Literal["AttendanceRecorded"] = "AttendanceRecorded"
    session_id: str
    attendees: tuple[PersonId, ...]
    absentees: tuple[PersonId, ...]
    late_entered: bool = False
    late_reason: str | None = None


class SessionCompleted(DomainEvent):
    type: Literal["SessionCompleted"] = "SessionCompleted"
    session_id: str
    late_entered: bool = False
    late_reason: str | None = None


class ProgramExecuted(DomainEvent):
    type: Literal["ProgramExecuted"] = "ProgramExecuted"
    executed_on: date
    planned_date: date
    on_time: bool


class EvaluationOpened(DomainEvent):
    type: Literal["EvaluationOpened"] = "EvaluationOpened"
    closes_at: datetime


class SurveySubmitted(DomainEvent):
    type: Literal["SurveySubmitted"] = "SurveySubmitted"
    trainee: PersonId
    scores: dict[str, Annotated[float, Field(ge=0, le=100)]]
    comment: str = ""


class ExamItem(BaseModel):
    """One graded question of an online exam."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    question_id: str
    knowledge_point: str
    correct: bool


class ExamGrading(BaseModel):
    """An online exam's answers graded against the program's course answer key."""

    model_config = ConfigDict(frozen=True)

    course_id: str
    score: Annotated[float, Field(ge=0, le=100)]
    items: tuple[ExamItem, ...]


class ExamSubmitted(DomainEvent):
    """A trainee's exam result, the one that counts: answers graded from the answer key
    (then ``course_id``, ``answers`` and the graded ``items`` are kept too), or a score from an
    exam taken elsewhere, ``recorded_by`` the specialist with its ``evidence`` (and
    ``confirmed_by`` a second person where the rules require it). Events written before those
    rules carry a score the trainee reported, without ``recorded_by``."""

    type: Literal["ExamSubmitted"] = "ExamSubmitted"
    trainee: PersonId
    score: Annotated[float, Field(ge=0, le=100)]
    course_id: str | None = None
    answers: dict[str, str] = Field(default_factory=dict)
    items: tuple[ExamItem, ...] = ()
    recorded_by: PersonId | None = None
    evidence: str | None = None
    confirmed_by: PersonId | None = None


class ExamScorePending(DomainEvent):
    """A score from an exam taken elsewhere, recorded but not counted: the program's rules
    want a second person to confirm it, which then writes the ``ExamSubmitted``."""

    type: Literal["ExamScorePending"] = "ExamScorePending"
    trainee: PersonId
    score: Annotated[float, Field(ge=0, le=100)]
    recorded_by: PersonId
    evidence: str


class EvaluationClosed(DomainEvent):
    type: Literal["EvaluationClosed"] = "EvaluationClosed"
    by_deadline: bool


class FeedbackSubmitted(DomainEvent):
    type: Literal["FeedbackSubmitted"] = "FeedbackSubmitted"
    summary: Annotated[str, Field(min_length=1, max_length=10_000)]


class ProgramClosed(DomainEvent):
    type: Literal["ProgramClosed"] = "ProgramClosed"


class ProgramCancelled(DomainEvent):
    type: Literal["ProgramCancelled"] = "ProgramCancelled"
    reason: Reason
