"""Versioned domain events of a training program's life.

Each event type is a frozen pydantic model tagged by a literal ``type``; its ``SCHEMA_VERSION``
says which payload shape it writes. Old payloads are upcast on read (see ``UPCASTERS``), never
rewritten in the log.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, ClassVar, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from domain.approval import ApprovalRoute
from domain.calendar import CalendarConfig, ReminderRules
from domain.fact_rules import FactRules

PersonId = Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._@-]+$")]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]


class Session(BaseModel):
    """One scheduled sitting of a program: when it starts and how long it lasts."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    session_id: Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9._-]+$")]
    starts_at: datetime
    duration_hours: Annotated[float, Field(gt=0, le=24)] = 2.0


class _Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")
    SCHEMA_VERSION: ClassVar[int] = 1


class ProgramPlanned(_Event):
    type: Literal["ProgramPlanned"] = "ProgramPlanned"
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
    sessions: tuple[Session, ...]
    trainees: tuple[PersonId, ...]
    evaluation_window_days: int
    calendar: CalendarConfig = CalendarConfig()
    reminder_rules: ReminderRules = ReminderRules()
    fact_rules: FactRules = FactRules()
    """The admin's rules for late entries and exam scores in force when it was planned."""


class ProgramRevised(_Event):
    type: Literal["ProgramRevised"] = "ProgramRevised"
    title: str
    planned_date: date
    sessions: tuple[Session, ...]
    trainees: tuple[PersonId, ...]
    budget: Decimal = Decimal(0)
    external_instructor: bool = False
    comment: str = ""


class ProgramSubmitted(_Event):
    """Carries the approval route the policy resolved to, so the audit trail shows what applied."""

    type: Literal["ProgramSubmitted"] = "ProgramSubmitted"
    submitted_by: PersonId
    revision: int
    route: ApprovalRoute


class SubmissionWithdrawn(_Event):
    type: Literal["SubmissionWithdrawn"] = "SubmissionWithdrawn"
    by: PersonId
    reason: str = ""


class ApprovalStepStarted(_Event):
    type: Literal["ApprovalStepStarted"] = "ApprovalStepStarted"
    step_id: str
    name: str
    quorum: int


class ApprovalRequested(_Event):
    type: Literal["ApprovalRequested"] = "ApprovalRequested"
    task_id: str
    step_id: str
    revision: int
    assignee: str | None
    candidates: tuple[str, ...]
    group: str | None = None
    requested_at: datetime | None = None
    remind_at: datetime | None = None
    due_at: datetime | None = None
    auto_reject_at: datetime | None = None


class TaskClaimed(_Event):
    type: Literal["TaskClaimed"] = "TaskClaimed"
    task_id: str
    by: PersonId


class TaskUnclaimed(_Event):
    type: Literal["TaskUnclaimed"] = "TaskUnclaimed"
    task_id: str
    by: PersonId


class TaskDelegated(_Event):
    type: Literal["TaskDelegated"] = "TaskDelegated"
    task_id: str
    owner: PersonId
    delegate: PersonId
    comment: str = ""


class TaskResolved(_Event):
    """The delegate hands the task back to its owner, with their view."""

    type: Literal["TaskResolved"] = "TaskResolved"
    task_id: str
    delegate: PersonId
    owner: PersonId
    comment: str = ""


class TaskReassigned(_Event):
    type: Literal["TaskReassigned"] = "TaskReassigned"
    task_id: str
    previous: str | None
    assignee: PersonId
    by: PersonId
    comment: str = ""


class TaskEscalated(_Event):
    type: Literal["TaskEscalated"] = "TaskEscalated"
    task_id: str
    previous: str | None
    assignee: PersonId


class TaskReminderSent(_Event):
    """A reminder to a task's holders: half-way through the SLA, or (``overdue``) once the SLA
    has passed on a step that escalates to nobody. Older events lack the flag: half-way ones."""

    type: Literal["TaskReminderSent"] = "TaskReminderSent"
    task_id: str
    recipients: tuple[str, ...]
    notification_ids: tuple[str, ...] = ()
    overdue: bool = False


class ApprovalGranted(_Event):
    type: Literal["ApprovalGranted"] = "ApprovalGranted"
    task_id: str
    step_id: str = ""
    approver: PersonId
    comment: str = ""


class ApprovalStepCompleted(_Event):
    type: Literal["ApprovalStepCompleted"] = "ApprovalStepCompleted"
    step_id: str


class ApprovalRejected(_Event):
    type: Literal["ApprovalRejected"] = "ApprovalRejected"
    task_id: str
    approver: PersonId
    reason: Reason
    automatic: bool = False


class ChangesRequested(_Event):
    type: Literal["ChangesRequested"] = "ChangesRequested"
    task_id: str
    approver: PersonId
    reason: Reason


class ApprovalTaskWithdrawn(_Event):
    """A pending task that no longer needs a decision (quorum reached, rejected, withdrawn)."""

    type: Literal["ApprovalTaskWithdrawn"] = "ApprovalTaskWithdrawn"
    task_id: str
    assignee: str | None = None


class ProgramApproved(_Event):
    type: Literal["ProgramApproved"] = "ProgramApproved"
    planned_date: date


class ProgramPublished(_Event):
    type: Literal["ProgramPublished"] = "ProgramPublished"


class TraineeEnrolled(_Event):
    type: Literal["TraineeEnrolled"] = "TraineeEnrolled"
    trainee: PersonId


class SessionScheduled(_Event):
    type: Literal["SessionScheduled"] = "SessionScheduled"
    session: Session


class SessionRescheduled(_Event):
    type: Literal["SessionRescheduled"] = "SessionRescheduled"
    session_id: str
    starts_at: datetime
    previous_starts_at: datetime


class SettingsRefreshed(_Event):
    """A running program took up the configuration in force: its business calendar (company
    holidays, make-up working days), reminder and fact rules. Pending reminders follow it."""

    type: Literal["SettingsRefreshed"] = "SettingsRefreshed"
    calendar: CalendarConfig
    reminder_rules: ReminderRules
    fact_rules: FactRules


class ReminderSent(_Event):
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


class NotificationAttempted(_Event):
    """One delivery attempt of one notification and how it ended (its own stream)."""

    type: Literal["NotificationAttempted"] = "NotificationAttempted"
    key: str
    program_id: str
    recipient: str
    channel: str
    attempt: int
    outcome: Literal["delivered", "failed"]
    error: str = ""


class AttendanceRecorded(_Event):
    """``late_entered``: recorded after the session's entry window, with the ``late_reason``
    given (see docs/facts.md)."""

    type: Literal["AttendanceRecorded"] = "AttendanceRecorded"
    session_id: str
    attendees: tuple[PersonId, ...]
    absentees: tuple[PersonId, ...]
    late_entered: bool = False
    late_reason: str | None = None


class SessionCompleted(_Event):
    type: Literal["SessionCompleted"] = "SessionCompleted"
    session_id: str
    late_entered: bool = False
    late_reason: str | None = None


class ProgramExecuted(_Event):
    type: Literal["ProgramExecuted"] = "ProgramExecuted"
    executed_on: date
    planned_date: date
    on_time: bool


class EvaluationOpened(_Event):
    type: Literal["EvaluationOpened"] = "EvaluationOpened"
    closes_at: datetime


class SurveySubmitted(_Event):
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


class ExamSubmitted(_Event):
    """A trainee's exam result, the one that counts: answers graded from the answer key
    (then ``course_id``, ``answers`` and the graded ``items`` are kept too), or a score from an
    exam taken elsewhere, ``recorded_by`` the specialist with its ``evidence`` (and
    ``confirmed_by`` a second person where the rules require it). Events written before those
    rules carry a score the trainee reported, without ``recorded_by``."""

    type: Literal["ExamSubmitted"] = "ExamSubmitted"
    trainee: PersonId
    score: Annotated[float, Field(ge=0, le=100)]
    course_id: str | None = None
    answers: dict[str, str] = {}
    items: tuple[ExamItem, ...] = ()
    recorded_by: PersonId | None = None
    evidence: str | None = None
    confirmed_by: PersonId | None = None


class ExamScorePending(_Event):
    """A score from an exam taken elsewhere, recorded but not counted: the program's rules
    want a second person to confirm it, which then writes the ``ExamSubmitted``."""

    type: Literal["ExamScorePending"] = "ExamScorePending"
    trainee: PersonId
    score: Annotated[float, Field(ge=0, le=100)]
    recorded_by: PersonId
    evidence: str


class EvaluationClosed(_Event):
    type: Literal["EvaluationClosed"] = "EvaluationClosed"
    by_deadline: bool


class FeedbackSubmitted(_Event):
    type: Literal["FeedbackSubmitted"] = "FeedbackSubmitted"
    summary: Annotated[str, Field(min_length=1, max_length=10_000)]


class ProgramClosed(_Event):
    type: Literal["ProgramClosed"] = "ProgramClosed"


class ProgramCancelled(_Event):
    type: Literal["ProgramCancelled"] = "ProgramCancelled"
    reason: Reason


class ConfigurationChanged(_Event):
    """An admin put a new version of the configuration in force (stream ``configuration``).
    The whole YAML document is kept, so any past version can be shown and compared."""

    type: Literal["ConfigurationChanged"] = "ConfigurationChanged"
    version: Annotated[int, Field(ge=1)]
    document: Annotated[str, Field(max_length=200_000)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    comment: Annotated[str, Field(max_length=2000)] = ""


class SigningKeyPublished(_Event):
    """A public key the API signs actor assertions with (stream ``signing-keys``). Workers trust
    the keys published here; auditors verify every recorded action's proof against them."""

    type: Literal["SigningKeyPublished"] = "SigningKeyPublished"
    key_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
    algorithm: Literal["ed25519"] = "ed25519"
    public_key: Annotated[str, Field(min_length=40, max_length=64)]
    """Standard base64 of the key's 32 raw bytes."""


class SigningKeyRetired(_Event):
    """No assertion issued at or after ``retired_at`` with this key is accepted; older proofs
    stay verifiable."""

    type: Literal["SigningKeyRetired"] = "SigningKeyRetired"
    key_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
    retired_at: datetime
    reason: Annotated[str, Field(max_length=500)] = ""


class LogMaintenance(_Event):
    """The schema's owner is about to change the log by hand (stream ``log-maintenance``;
    docs/log-maintenance.md): why, under which ticket, the exact statements, and the head
    before. Recorded first, so the change it announces is never silent; sealed after."""

    type: Literal["LogMaintenance"] = "LogMaintenance"
    reason: Annotated[str, Field(min_length=10, max_length=2000)]
    ticket: Annotated[str, Field(max_length=200)] = ""
    statements: Annotated[list[Annotated[str, Field(max_length=20_000)]], Field(max_length=50)]
    head_position: Annotated[int, Field(ge=0)]
    head_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


#: Every event type the log may hold, by its stored name. Other modules add theirs with
#: ``register_event_types`` (e.g. reference data), so reading the log never needs a union.
EVENT_TYPES: dict[str, type[BaseModel]] = {}

#: (event type, stored schema version) -> function lifting that payload one version up.
UPCASTERS: dict[tuple[str, int], Callable[[dict[str, Any]], dict[str, Any]]] = {}


def type_name(cls: type[BaseModel]) -> str:
    """The name an event class is stored under: the default of its ``type`` tag."""
    return str(cls.model_fields["type"].default)


def register_event_types(*classes: type[BaseModel]) -> None:
    for cls in classes:
        name = type_name(cls)
        if EVENT_TYPES.get(name, cls) is not cls:
            raise ValueError(f"event type {name!r} is registered twice")
        EVENT_TYPES[name] = cls


def schema_version_of(event: BaseModel) -> int:
    return int(getattr(type(event), "SCHEMA_VERSION", 1))


def event_payload(event: BaseModel) -> dict[str, Any]:
    """The JSON payload stored in the log: the event without its type tag."""
    return event.model_dump(mode="json", exclude={"type"})


def load_event(event_type: str, schema_version: int, payload: dict[str, Any]) -> Any:
    """Rebuild a typed event from a stored payload, upcasting old schema versions first."""
    cls = EVENT_TYPES.get(event_type)
    if cls is None:
        raise ValueError(f"unknown event type {event_type!r}")
    data = dict(payload)
    version = schema_version
    while (event_type, version) in UPCASTERS:
        data = UPCASTERS[(event_type, version)](data)
        version += 1
    return cls.model_validate(data)


class EventEnvelope(BaseModel):
    """An event decided by a workflow, ready for the log: ids and times are decided in the
    workflow (so an activity retry re-sends the very same event)."""

    model_config = ConfigDict(frozen=True)

    event_id: UUID
    event_type: str
    schema_version: int
    payload: dict[str, Any]
    actor: str
    role: str
    occurred_at: datetime
    proof: dict[str, Any] | None = None
    """The person's signed assertion and the command it covers (first event of an action)."""
    proved_by: UUID | None = None
    """The event of the same action that carries its proof (the others of that action)."""

    @classmethod
    def wrap(
        cls,
        event: BaseModel,
        *,
        event_id: UUID,
        actor: str,
        role: str,
        occurred_at: datetime,
        proof: dict[str, Any] | None = None,
        proved_by: UUID | None = None,
    ) -> EventEnvelope:
        return cls(
            event_id=event_id,
            event_type=type_name(type(event)),
            schema_version=schema_version_of(event),
            payload=event_payload(event),
            actor=actor,
            role=role,
            occurred_at=occurred_at,
            proof=proof,
            proved_by=proved_by,
        )


register_event_types(
    ProgramPlanned,
    ProgramRevised,
    ProgramSubmitted,
    SubmissionWithdrawn,
    ApprovalStepStarted,
    ApprovalRequested,
    TaskClaimed,
    TaskUnclaimed,
    TaskDelegated,
    TaskResolved,
    TaskReassigned,
    TaskEscalated,
    TaskReminderSent,
    ApprovalGranted,
    ApprovalStepCompleted,
    ApprovalRejected,
    ChangesRequested,
    ApprovalTaskWithdrawn,
    ProgramApproved,
    ProgramPublished,
    TraineeEnrolled,
    SessionScheduled,
    SessionRescheduled,
    SettingsRefreshed,
    ReminderSent,
    AttendanceRecorded,
    SessionCompleted,
    ProgramExecuted,
    EvaluationOpened,
    SurveySubmitted,
    ExamSubmitted,
    ExamScorePending,
    EvaluationClosed,
    FeedbackSubmitted,
    ProgramClosed,
    ProgramCancelled,
    NotificationAttempted,
    ConfigurationChanged,
    SigningKeyPublished,
    SigningKeyRetired,
    LogMaintenance,
)
