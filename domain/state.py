"""What the rules know about one program, rebuilt by folding its events."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, Self

from pydantic import BaseModel, ConfigDict

from domain.approval import ApprovalRoute, ProgramFacts, Task
from domain.calendar import CalendarConfig, ReminderRules
from domain.events import ExamScorePending, Session
from domain.fact_rules import FactRules
from domain.program_events import PlannedProgram


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


class QuickCopy(BaseModel):
    """A frozen model whose shallow ``model_copy`` skips pydantic's generic path (three
    ``copy.copy`` calls and a config lookup per copy): a fold copies the state once per event,
    and a rebuild folds a million. Same result: the fields' dict copied and updated, no
    validation, the updated names added to the fields set."""

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        if deep or getattr(self, "__pydantic_private__", None) or self.__pydantic_extra__:
            return super().model_copy(update=update, deep=deep)
        cls = type(self)
        copied = cls.__new__(cls)
        values = dict(self.__dict__)
        fields_set = set(self.__pydantic_fields_set__)
        if update:
            values.update(update)
            fields_set.update(update)
        object.__setattr__(copied, "__dict__", values)
        object.__setattr__(copied, "__pydantic_extra__", None)
        object.__setattr__(copied, "__pydantic_fields_set__", fields_set)
        object.__setattr__(copied, "__pydantic_private__", None)
        return copied


class ProgramState(QuickCopy, PlannedProgram):
    model_config = ConfigDict(frozen=True)

    # Plain text and approvers required, as the state has always had them (their place stays
    # the plan's): the ProgramPlanned the state is folded from has checked them already.
    specialist: str
    approvers: tuple[str, ...]
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
            specialist=self.specialist,
        )

    @property
    def open_tasks(self) -> dict[str, str | None]:
        """Open task id -> who holds it (None: unclaimed group task)."""
        return {task_id: task.assignee for task_id, task in self.tasks.items()}

    def approved_steps_of(self, person: str) -> list[str]:
        return [step for step, people in self.step_approvals.items() if person in people]
