"""The approval route's events: a submission, its steps and tasks (claimed, delegated,
reassigned, escalated, reminded) and each approver's decision."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from domain.approval import ApprovalRoute
from domain.event_base import DomainEvent, PersonId, Reason


class ProgramSubmitted(DomainEvent):
    """Carries the approval route the policy resolved to, so the audit trail shows what applied."""

    type: Literal["ProgramSubmitted"] = "ProgramSubmitted"
    submitted_by: PersonId
    revision: int
    route: ApprovalRoute


class SubmissionWithdrawn(DomainEvent):
    type: Literal["SubmissionWithdrawn"] = "SubmissionWithdrawn"
    by: PersonId
    reason: str = ""


class ApprovalStepStarted(DomainEvent):
    type: Literal["ApprovalStepStarted"] = "ApprovalStepStarted"
    step_id: str
    name: str
    quorum: int


class ApprovalRequested(DomainEvent):
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


class TaskClaimed(DomainEvent):
    type: Literal["TaskClaimed"] = "TaskClaimed"
    task_id: str
    by: PersonId


class TaskUnclaimed(DomainEvent):
    type: Literal["TaskUnclaimed"] = "TaskUnclaimed"
    task_id: str
    by: PersonId


class TaskDelegated(DomainEvent):
    type: Literal["TaskDelegated"] = "TaskDelegated"
    task_id: str
    owner: PersonId
    delegate: PersonId
    comment: str = ""


class TaskResolved(DomainEvent):
    """The delegate hands the task back to its owner, with their view."""

    type: Literal["TaskResolved"] = "TaskResolved"
    task_id: str
    delegate: PersonId
    owner: PersonId
    comment: str = ""


class TaskReassigned(DomainEvent):
    type: Literal["TaskReassigned"] = "TaskReassigned"
    task_id: str
    previous: str | None
    assignee: PersonId
    by: PersonId
    comment: str = ""


class TaskEscalated(DomainEvent):
    type: Literal["TaskEscalated"] = "TaskEscalated"
    task_id: str
    previous: str | None
    assignee: PersonId


class TaskReminderSent(DomainEvent):
    """A reminder to a task's holders: half-way through the SLA, or (``overdue``) once the SLA
    has passed on a step that escalates to nobody. Older events lack the flag: half-way ones."""

    type: Literal["TaskReminderSent"] = "TaskReminderSent"
    task_id: str
    recipients: tuple[str, ...]
    notification_ids: tuple[str, ...] = ()
    overdue: bool = False


class ApprovalGranted(DomainEvent):
    type: Literal["ApprovalGranted"] = "ApprovalGranted"
    task_id: str
    step_id: str = ""
    approver: PersonId
    comment: str = ""


class ApprovalStepCompleted(DomainEvent):
    type: Literal["ApprovalStepCompleted"] = "ApprovalStepCompleted"
    step_id: str


class ApprovalRejected(DomainEvent):
    type: Literal["ApprovalRejected"] = "ApprovalRejected"
    task_id: str
    approver: PersonId
    reason: Reason
    automatic: bool = False


class ChangesRequested(DomainEvent):
    type: Literal["ChangesRequested"] = "ChangesRequested"
    task_id: str
    approver: PersonId
    reason: Reason


class ApprovalTaskWithdrawn(DomainEvent):
    """A pending task that no longer needs a decision (quorum reached, rejected, withdrawn)."""

    type: Literal["ApprovalTaskWithdrawn"] = "ApprovalTaskWithdrawn"
    task_id: str
    assignee: str | None = None
