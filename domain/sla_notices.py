"""What approvers are told when a task's SLA runs out on a step that escalates to nobody.

Pure: the workflow delivers the notice and records the event this module builds, so the
wording, the recipients and the idempotency key are decided (and tested) without Temporal.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain import events as e
from domain.instants import instant_text
from domain.notices import compose
from domain.state import ProgramState


@dataclass(frozen=True)
class TaskNotice:
    """A notice about one approval task; ``key`` makes its delivery idempotent."""

    task_id: str
    key: str
    kind: str
    subject: str
    body: str
    recipients: tuple[str, ...]

    def sent(self, notification_ids: tuple[str, ...]) -> e.TaskReminderSent:
        """The event recording that the overdue notice went out (folds to ``overdue_noticed``)."""
        return e.TaskReminderSent(
            task_id=self.task_id,
            recipients=self.recipients,
            notification_ids=notification_ids,
            overdue=True,
        )


def overdue_notice(state: ProgramState, task_id: str) -> TaskNotice | None:
    """The notice for an open task past its SLA, or None when nobody is to be told (the task
    was decided or withdrawn, has no SLA, escalates instead, or was told already)."""
    task = state.tasks.get(task_id)
    if task is None or task.due_at is None or task.overdue_noticed or state.route is None:
        return None
    step = next((s for s in state.route.steps if s.step_id == task.step_id), None)
    if step is None or step.escalate_to:
        return None
    subject, body = compose(
        "approval_overdue",
        title=state.title,
        task_id=task.task_id,
        step_id=task.step_id,
        due_at=instant_text(task.due_at, state.timezone),
    )
    return TaskNotice(
        task_id=task.task_id,
        key=f"task-{task.task_id}:overdue",
        kind="approval_overdue",
        subject=subject,
        body=body,
        recipients=task.holders,
    )
