"""Every event the log may hold, as one typed union, and how a stored event is read back.

``Event`` is the discriminated union of all event types (``type`` is the tag), so a reader gets
a typed event and a type checker sees every case. The types are defined where they belong
(``domain.program_events``, ``domain.approval_events``, ``domain.system_events``,
``domain.reference``, ``domain.evaluation``, ``domain.accounts``); this module sits above them
all and is the one list of them. Each event type has a ``SCHEMA_VERSION``; old payloads are
upcast on read (``UPCASTERS``), never rewritten in the log.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, cast, get_args

from pydantic import Field, TypeAdapter

from domain import accounts, evaluation, reference
from domain.approval_events import (
    ApprovalGranted,
    ApprovalRejected,
    ApprovalRequested,
    ApprovalStepCompleted,
    ApprovalStepStarted,
    ApprovalTaskWithdrawn,
    ChangesRequested,
    ProgramSubmitted,
    SubmissionWithdrawn,
    TaskClaimed,
    TaskDelegated,
    TaskEscalated,
    TaskReassigned,
    TaskReminderSent,
    TaskResolved,
    TaskUnclaimed,
)
from domain.attendance import AttendeesRecorded
from domain.event_base import (
    UPCASTERS,
    DomainEvent,
    EventEnvelope,
    PersonId,
    Reason,
    event_payload,
    schema_version_of,
    type_name,
)
from domain.program_events import (
    AttendanceRecorded,
    EvaluationClosed,
    EvaluationOpened,
    ExamGrading,
    ExamItem,
    ExamScorePending,
    ExamSubmitted,
    FeedbackSubmitted,
    ProgramApproved,
    ProgramCancelled,
    ProgramClosed,
    ProgramExecuted,
    ProgramPlanned,
    ProgramPublished,
    ProgramRevised,
    ReminderSent,
    Session,
    SessionCompleted,
    SessionRescheduled,
    SessionScheduled,
    SettingsRefreshed,
    SurveySubmitted,
    TraineeEnrolled,
)
from domain.system_events import (
    ConfigurationChanged,
    LogMaintenance,
    NotificationAttempted,
    SigningKeyPublished,
    SigningKeyRetired,
)

#: Every event type, discriminated by its ``type`` tag. Adding an event type means adding it
#: here (a test fails for any ``DomainEvent`` subclass missing from it).
Event = Annotated[
    ProgramPlanned
    | ProgramRevised
    | ProgramSubmitted
    | SubmissionWithdrawn
    | ApprovalStepStarted
    | ApprovalRequested
    | TaskClaimed
    | TaskUnclaimed
    | TaskDelegated
    | TaskResolved
    | TaskReassigned
    | TaskEscalated
    | TaskReminderSent
    | ApprovalGranted
    | ApprovalStepCompleted
    | ApprovalRejected
    | ChangesRequested
    | ApprovalTaskWithdrawn
    | ProgramApproved
    | ProgramPublished
    | TraineeEnrolled
    | SessionScheduled
    | SessionRescheduled
    | SettingsRefreshed
    | ReminderSent
    | AttendanceRecorded
    | AttendeesRecorded
    | SessionCompleted
    | ProgramExecuted
    | EvaluationOpened
    | SurveySubmitted
    | ExamSubmitted
    | ExamScorePending
    | EvaluationClosed
    | FeedbackSubmitted
    | ProgramClosed
    | ProgramCancelled
    | NotificationAttempted
    | ConfigurationChanged
    | SigningKeyPublished
    | SigningKeyRetired
    | LogMaintenance
    | reference.CourseDefined
    | reference.InstructorDefined
    | reference.VenueDefined
    | reference.EmployeeRecorded
    | reference.ProgramResourcesAssigned
    | evaluation.ExamGraded
    | evaluation.MetricRecorded
    | evaluation.EffectStudyDefined
    | evaluation.ProgramCostRecorded
    | evaluation.ProgramBenefitRecorded
    | accounts.FirstAdminCreated
    | accounts.UserCreated
    | accounts.UserRolesChanged
    | accounts.UserActiveChanged
    | accounts.PasswordChanged
    | accounts.TokenIssued
    | accounts.TokenRevoked,
    Field(discriminator="type"),
]

#: Every event type by the name it is stored under (derived from ``Event``: one list).
EVENT_TYPES: dict[str, type[DomainEvent]] = {
    type_name(cls): cls for cls in get_args(get_args(Event)[0])
}
if len(EVENT_TYPES) != len(get_args(get_args(Event)[0])):
    raise ValueError("two event types share a stored name")


def load_event(event_type: str, schema_version: int, payload: dict[str, Any]) -> Event:
    """Rebuild a typed event from a stored payload, upcasting old schema versions first.

    The type is found by its name, then that one model validates (what the discriminated union
    would do, without building the tagged dict: the projector reads a million events this way).
    """
    cls = EVENT_TYPES.get(event_type)
    if cls is None:
        raise ValueError(f"unknown event type {event_type!r}")
    data = dict(payload)
    version = schema_version
    while (event_type, version) in UPCASTERS:
        data = UPCASTERS[(event_type, version)](data)
        version += 1
    return cast("Event", cls.model_validate(data))


@cache
def event_adapter() -> TypeAdapter[Event]:
    """The union as a pydantic adapter: its JSON schema, or validation of a tagged event
    (``{"type": ..., **payload}``). Built on first use, so a process that never asks pays
    nothing at start-up."""
    return TypeAdapter(Event)


__all__ = [
    "EVENT_TYPES",
    "UPCASTERS",
    "ApprovalGranted",
    "ApprovalRejected",
    "ApprovalRequested",
    "ApprovalStepCompleted",
    "ApprovalStepStarted",
    "ApprovalTaskWithdrawn",
    "AttendanceRecorded",
    "ChangesRequested",
    "ConfigurationChanged",
    "DomainEvent",
    "EvaluationClosed",
    "EvaluationOpened",
    "Event",
    "EventEnvelope",
    "ExamGrading",
    "ExamItem",
    "ExamScorePending",
    "ExamSubmitted",
    "FeedbackSubmitted",
    "LogMaintenance",
    "NotificationAttempted",
    "PersonId",
    "ProgramApproved",
    "ProgramCancelled",
    "ProgramClosed",
    "ProgramExecuted",
    "ProgramPlanned",
    "ProgramPublished",
    "ProgramRevised",
    "ProgramSubmitted",
    "Reason",
    "ReminderSent",
    "Session",
    "SessionCompleted",
    "SessionRescheduled",
    "SessionScheduled",
    "SettingsRefreshed",
    "SigningKeyPublished",
    "SigningKeyRetired",
    "SubmissionWithdrawn",
    "SurveySubmitted",
    "TaskClaimed",
    "TaskDelegated",
    "TaskEscalated",
    "TaskReassigned",
    "TaskReminderSent",
    "TaskResolved",
    "TaskUnclaimed",
    "TraineeEnrolled",
    "event_adapter",
    "event_payload",
    "load_event",
    "schema_version_of",
    "type_name",
]
