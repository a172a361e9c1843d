"""The program workflow's timers and notices: session reminders, approval SLAs (reminder,
escalation, overdue notice, auto-reject) and the notices telling people a task landed with
them. A mixin of ``TrainingProgramWorkflow``, kept apart so each module stays readable."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.contracts import DELIVER_NOTICE, Delivery, Notice
    from domain import events as e
    from domain.approval_flow import (
        ApprovalTimer,
        approval_timers,
        decide_auto_reject,
        decide_escalation,
    )
    from domain.commands import SYSTEM_ACTOR
    from domain.decision_notices import decision_notice
    from domain.instants import instant_text
    from domain.notices import compose, with_program
    from domain.program import close_evaluation_by_deadline
    from domain.reminders import STARTED_GRACE, Reminder, audience_of, owed_reminders
    from domain.sla_notices import overdue_notice
    from workflows.fanout import REMINDER_BY_REFERENCE, reminder_text, send_by_reference
    from workflows.recording import Recorder

#: Patch marker: whoever a task newly lands with is notified (histories recorded before it
#: replay without those notices).
APPROVER_NOTICE = "approver-notified-on-task"
#: Patch marker: the specialist is told of the approval's outcome (approved, rejected, changes
#: requested); histories recorded before it replay without those notices.
DECISION_NOTICE = "specialist-notified-of-decisions"
#: Patch marker: a task past its SLA on a step without escalation gets an overdue notice
#: (histories recorded before it replay without that timer).
OVERDUE_NOTICE = "approval-overdue-notice"
#: Patch marker: a session's reminders stay owed for a grace after its start, so one due at
#: the very start (lead 0, a start in a skipped DST hour) is sent instead of dropped.
REMINDER_AT_START = "reminder-due-at-start-sent"
#: Patch marker: the notices an action causes are sent after it answers, so a notification
#: channel that is down never holds the person's request (histories before it sent them first).
NOTICES_AFTER_ANSWER = "notices-sent-after-the-action-answers"

#: A notice as ``_notify`` takes it: idempotency key, kind, subject, body, recipients.
PendingNotice = tuple[str, str, str, str, tuple[str, ...]]

NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)


class TimersAndNotices(Recorder):
    """Needs the workflow's folded state (and ``Recorder``'s stream version)."""

    def _new_holder_notices(self, before: dict[str, frozenset[str]]) -> list[PendingNotice]:
        """A notice for each person a task newly lands with (a new task, a delegation, a
        reassignment, a task offered back to a group), as the state stands now."""
        notices: list[PendingNotice] = []
        for task in self._state.tasks.values():
            new = sorted(set(task.holders) - before.get(task.task_id, frozenset()))
            if not new:
                continue
            text = "approval_requested.due" if task.due_at else "approval_requested"
            subject, body = compose(
                text,
                title=self._state.title,
                task_id=task.task_id,
                step_id=task.step_id,
                due_at=instant_text(task.due_at, self._state.timezone) if task.due_at else "",
            )
            key = f"task-{task.task_id}:to:{'+'.join(new)}"
            notices.append((key, "approval_requested", subject, body, tuple(new)))
        return notices

    def _decision_notices(self, decided: list[Any]) -> list[PendingNotice]:
        """A notice to the specialist when ``decided`` ends or returns their submission,
        naming who decided and what they wrote."""
        found = decision_notice(decided, self._state.title)
        if found is None:
            return []
        kind, subject, body = found
        return [(f"decision-{self._version}", kind, subject, body, (self._state.specialist,))]

    async def _send(self, notices: list[PendingNotice]) -> None:
        """Through the configured channels; a channel that is down is retried until it is up."""
        for notice in notices:
            await self._notify(*notice)

    def _owed(self, now: datetime, grace: timedelta | None = None) -> list[Reminder]:
        """The reminders owed, counting the enrolled a lean run keeps instead of its list."""
        return owed_reminders(self._state, now, grace, self._enrolled if self._lean else None)

    def _owed_reminders(self, now: datetime) -> list[Reminder]:
        """The reminders owed now; the start grace applies behind its patch, asked only when
        it changes the answer (so histories that never needed it replay untouched)."""
        strict = self._owed(now)
        graced = self._owed(now, STARTED_GRACE)
        if graced == strict or not workflow.patched(REMINDER_AT_START):
            return strict
        return graced

    def _next_deadline(self) -> datetime | None:
        now = workflow.now()
        candidates = [r.due_at for r in self._owed_reminders(now)[:1]]
        candidates += [t.at for t in self._approval_timers()[:1]]
        if self._state.evaluation_closes_at is not None:
            candidates.append(self._state.evaluation_closes_at)
        return min(candidates, default=None)

    async def _fire_due_timers(self) -> None:
        now = workflow.now()
        for reminder in self._owed_reminders(now):
            if reminder.due_at > now:
                break
            await self._send_session_reminder(reminder)
        for timer in self._approval_timers():
            if timer.at > workflow.now():
                break
            if timer.task_id in self._state.tasks:
                await self._fire_approval_timer(timer)
        closes_at = self._state.evaluation_closes_at
        if closes_at is not None and closes_at <= workflow.now():
            await self._record(close_evaluation_by_deadline(self._state), SYSTEM_ACTOR, "system")

    def _approval_timers(self) -> list[ApprovalTimer]:
        """The SLA timers; overdue ones only in runs that took the patch (older runs never
        waited for them, so replaying them must not either)."""
        timers = approval_timers(self._state)
        if any(t.kind == "overdue" for t in timers) and not workflow.patched(OVERDUE_NOTICE):
            return [t for t in timers if t.kind != "overdue"]
        return timers

    async def _fire_approval_timer(self, timer: ApprovalTimer) -> None:
        task = self._state.tasks[timer.task_id]
        title = self._state.title
        if timer.kind == "remind":
            subject, body = compose(
                "approval_reminder",
                title=title,
                task_id=task.task_id,
                due_at=instant_text(task.due_at, self._state.timezone),
            )
            delivery = await self._notify(
                f"task-{task.task_id}:remind", "approval_reminder", subject, body, task.holders
            )
            sent = e.TaskReminderSent(
                task_id=task.task_id,
                recipients=task.holders,
                notification_ids=delivery.notification_ids,
            )
            await self._record([sent], SYSTEM_ACTOR, "system")
        elif timer.kind == "escalate":
            escalated = decide_escalation(self._state, task.task_id)
            await self._record(escalated, SYSTEM_ACTOR, "system")
            new_holder = self._state.tasks[task.task_id].holders
            subject, body = compose("approval_escalated", title=title, task_id=task.task_id)
            await self._notify(
                f"task-{task.task_id}:escalated", "approval_escalated", subject, body, new_holder
            )
        elif timer.kind == "overdue":
            notice = overdue_notice(self._state, task.task_id)
            if notice is not None:
                delivery = await self._notify(
                    notice.key, notice.kind, notice.subject, notice.body, notice.recipients
                )
                await self._record([notice.sent(delivery.notification_ids)], SYSTEM_ACTOR, "system")
        else:
            await self._record(
                decide_auto_reject(self._state, task.task_id), SYSTEM_ACTOR, "system"
            )

    async def _notify(
        self, key: str, kind: str, subject: str, body: str, recipients: tuple[str, ...]
    ) -> Delivery:
        info = workflow.info()
        delivery: Delivery = await workflow.execute_activity(
            DELIVER_NOTICE,
            Notice(
                idempotency_key=f"{info.workflow_id}:{key}",
                program_id=self._state.program_id,
                kind=kind,
                subject=subject,
                body=with_program(body, self._state.program_id),
                recipients=recipients,
            ),
            result_type=Delivery,
            start_to_close_timeout=timedelta(minutes=1),
            retry_policy=NOTIFY_RETRY,
        )
        return delivery

    async def _send_session_reminder(self, reminder: Reminder) -> None:
        if workflow.patched(REMINDER_BY_REFERENCE):
            sent = await send_by_reference(self._state, reminder, self._version)
        else:  # histories recorded before: one notice naming everyone, an event listing them
            subject, body = reminder_text(self._state, reminder)
            recipients = audience_of(self._state, reminder.audience)
            delivery = await self._notify(
                reminder.reminder_id, reminder.kind, subject, body, recipients
            )
            sent = e.ReminderSent(
                reminder_id=reminder.reminder_id,
                kind=reminder.kind,
                session_id=reminder.session_id,
                due_at=reminder.due_at,
                recipients=recipients,
                notification_ids=delivery.notification_ids,
            )
        await self._record([sent], SYSTEM_ACTOR, "system")
