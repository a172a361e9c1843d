"""What the rules know about one program, rebuilt by folding its events."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

from domain.approval import ApprovalRoute, ProgramFacts, Task
from domain.calendar import CalendarConfig, ReminderRules
from domain.events import ExamScorePending, Session
from domain.fact_rules import FactRules


class DomainError(Exception):
    """A command the program's rules refuse; the message is meant for the person who asked.
    ``code`` and ``params`` say the same for a catalog (``domain.refusals``)."""

    def __init__(self, message: str, *, code: str = "", params: dict[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


class ProgramStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"
    REJECTED = "rejected"
    PUBLISHED = "published"
    EXECUTING = "executing"
    EVALUATING = "evaluating"
    FEEDBACK = "feedback"
    CLOSED = "closed"
    CANCELLED = "cancelled"


TERMINAL = frozenset({ProgramStatus.REJECTED, ProgramStatus.CLOSED, ProgramStatus.CANCELLED})
RUNNING = frozenset({ProgramStatus.PUBLISHED, ProgramStatus.EXECUTING})


class ProgramState(BaseModel):
    model_config = ConfigDict(frozen=True)

    program_id: str
    title: str
    specialist: str
    approvers: tuple[str, ...]
    timezone: str
    region: str | None = None
    department: str | None = None
    budget: Decimal = Decimal(0)
    external_instructor: bool = False
    planned_date: date
    sessions: dict[str, Session]
    trainees: tuple[str, ...]
    evaluation_window_days: int
    calendar: CalendarConfig = CalendarConfig()
    reminder_rules: ReminderRules = ReminderRules()
    fact_rules: FactRules = FactRules()
    status: ProgramStatus = ProgramStatus.DRAFT
    revision: int = 1
    submitted_by: str | None = None
    route: ApprovalRoute | None = None
    step_index: int = -1
    tasks: dict[str, Task] = {}
    step_approvals: dict[str, tuple[str, ...]] = {}
    enrolled: tuple[str, ...] = ()
    completed_sessions: frozenset[str] = frozenset()
    attendance: dict[str, tuple[str, ...]] = {}
    evaluation_closes_at: datetime | None = None
    surveyed: frozenset[str] = frozenset()
    examined: frozenset[str] = frozenset()
    pending_scores: dict[str, ExamScorePending] = {}
    """Exam scores recorded but awaiting a second person's confirmation, by trainee."""
    sent_reminders: frozenset[str] = frozenset()

    @property
    def attendees(self) -> frozenset[str]:
        return frozenset(p for people in self.attendance.values() for p in people)

    @property
    def facts(self) -> ProgramFacts:
        return ProgramFacts(
            department=self.department,
            budget=self.budget,
            external_instructor=self.external_instructor,
            plan_approvers=self.approvers,
        )

    @property
    def open_tasks(self) -> dict[str, str | None]:
        """Open task id -> who holds it (None: unclaimed group task)."""
        return {task_id: task.assignee for task_id, task in self.tasks.items()}

    def approved_steps_of(self, person: str) -> list[str]:
        return [step for step, people in self.step_approvals.items() if person in people]
