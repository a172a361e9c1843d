"""``TrainingProgramWorkflow``: one durable workflow per program, plan to feedback.

The workflow only orchestrates. The pure domain decides events; people's actions arrive as the
``act`` update whose validator dry-runs the decision, so a refused action never reaches history or
the log; every decided event is appended by an activity; reminders and the evaluation window are
durable timers recomputed whenever the program changes (the "updatable timer" pattern).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.contracts import (
        APPEND_EVENTS,
        DUPLICATE_EVENT,
        SEND_REMINDER,
        STREAM_VERSION_CONFLICT,
        AppendEventsInput,
        AppendEventsOutput,
        ReminderDelivery,
        ReminderNotice,
    )
    from domain import events as e
    from domain.commands import SYSTEM_ACTOR, PlanProgram, ProgramCommand
    from domain.program import (
        TERMINAL,
        DomainError,
        ProgramState,
        close_evaluation_by_deadline,
        decide,
        evolve,
        role_for,
        start,
    )
    from domain.program import (
        fold as fold_events,
    )
    from domain.reminders import Reminder, owed_reminders

APPEND_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=[STREAM_VERSION_CONFLICT, DUPLICATE_EVENT],
)
NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2), maximum_interval=timedelta(minutes=5)
)


def stream_id_for(program_id: str) -> str:
    return f"program-{program_id}"


class CarriedState(BaseModel):
    """What a continued-as-new run needs: the folded state and the stream version."""

    model_config = ConfigDict(frozen=True)

    state: ProgramState
    stream_version: int


class ProgramWorkflowInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    plan: PlanProgram
    carried: CarriedState | None = None
    history_soft_limit: int | None = None
    """Continue-as-new once history has this many events (the server's suggestion also counts)."""


class ActionResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    program_id: str
    status: str
    stream_version: int
    last_position: int
    events: tuple[str, ...]


@workflow.defn
class TrainingProgramWorkflow:
    @workflow.init
    def __init__(self, params: ProgramWorkflowInput) -> None:
        self._plan = params.plan
        self._soft_limit = params.history_soft_limit
        self._lock = asyncio.Lock()
        self._changed = False
        self._last_position = 0
        if params.carried is not None:
            self._state: ProgramState = params.carried.state
            self._version = params.carried.stream_version
        else:
            self._state = evolve(None, start(params.plan))
            self._version = 0

    @workflow.run
    async def run(self, params: ProgramWorkflowInput) -> ProgramState:
        if self._version == 0:
            async with self._lock:
                # The state was already folded from the plan in __init__.
                await self._record([start(self._plan)], self._plan.actor, "specialist", fold=False)
        while self._state.status not in TERMINAL:
            if self._should_continue_as_new():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    ProgramWorkflowInput(
                        plan=self._plan,
                        carried=CarriedState(state=self._state, stream_version=self._version),
                        history_soft_limit=self._soft_limit,
                    )
                )
            self._changed = False
            deadline = self._next_deadline()
            if deadline is None:
                await workflow.wait_condition(lambda: self._changed)
                continue
            delay = deadline - workflow.now()
            if delay > timedelta(0):
                try:
                    await workflow.wait_condition(
                        lambda: self._changed, timeout=delay, timeout_summary="next reminder"
                    )
                    continue
                except TimeoutError:
                    pass
            async with self._lock:
                await self._fire_due_timers()
        await workflow.wait_condition(workflow.all_handlers_finished)
        return self._state

    # ------------------------------------------------------------------ people's actions

    @workflow.update
    async def act(self, command: ProgramCommand) -> ActionResult:
        """Any specialist, approver or trainee action; refused ones raise ``ApplicationError``."""
        await workflow.wait_condition(lambda: self._version > 0)
        async with self._lock:
            decided = self._decide(command)
            actor = command.actor
            await self._record(decided, actor, role_for(command))
            self._changed = True
            return self._result(tuple(event.type for event in decided))

    @act.validator
    def validate_act(self, command: ProgramCommand) -> None:
        self._decide(command, dry_run=True)

    @workflow.update
    async def planned(self) -> ActionResult:
        """Returns once the plan is in the log, so a caller can read its own write."""
        await workflow.wait_condition(lambda: self._version > 0)
        return self._result(("ProgramPlanned",))

    @workflow.query
    def state(self) -> ProgramState:
        return self._state

    @workflow.query
    def owed_reminders(self) -> list[Reminder]:
        return owed_reminders(self._state, workflow.now())

    # ------------------------------------------------------------------ internals

    def _result(self, event_types: tuple[str, ...]) -> ActionResult:
        return ActionResult(
            program_id=self._state.program_id,
            status=self._state.status.value,
            stream_version=self._version,
            last_position=self._last_position,
            events=event_types,
        )

    def _decide(self, command: BaseModel, *, dry_run: bool = False) -> list[Any]:
        new_id = (lambda: "dry-run") if dry_run else (lambda: str(workflow.uuid4()))
        try:
            return decide(self._state, command, workflow.now(), new_id)
        except DomainError as exc:
            raise ApplicationError(str(exc), type="DomainError", non_retryable=True) from exc

    async def _record(
        self, decided: list[Any], actor: str, role: str, *, fold: bool = True
    ) -> None:
        if not decided:
            return
        now = workflow.now()
        envelopes = tuple(
            e.EventEnvelope.wrap(
                event, event_id=workflow.uuid4(), actor=actor, role=role, occurred_at=now
            )
            for event in decided
        )
        outcome = await workflow.execute_activity(
            APPEND_EVENTS,
            AppendEventsInput(
                stream_id=stream_id_for(self._state.program_id),
                expected_version=self._version,
                envelopes=envelopes,
            ),
            result_type=AppendEventsOutput,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=APPEND_RETRY,
        )
        self._version = outcome.stream_version
        self._last_position = outcome.last_position
        if fold:
            self._state = fold_events(decided, self._state) or self._state

    def _next_deadline(self) -> datetime | None:
        candidates = [r.due_at for r in owed_reminders(self._state, workflow.now())[:1]]
        if self._state.evaluation_closes_at is not None:
            candidates.append(self._state.evaluation_closes_at)
        return min(candidates, default=None)

    async def _fire_due_timers(self) -> None:
        now = workflow.now()
        for reminder in owed_reminders(self._state, now):
            if reminder.due_at > now:
                break
            await self._send(reminder)
        closes_at = self._state.evaluation_closes_at
        if closes_at is not None and closes_at <= workflow.now():
            await self._record(close_evaluation_by_deadline(self._state), SYSTEM_ACTOR, "system")

    async def _send(self, reminder: Reminder) -> None:
        session = self._state.sessions[reminder.session_id]
        info = workflow.info()
        delivery = await workflow.execute_activity(
            SEND_REMINDER,
            ReminderNotice(
                idempotency_key=f"{info.workflow_id}:{reminder.reminder_id}",
                program_id=self._state.program_id,
                program_title=self._state.title,
                kind=reminder.kind,
                session_id=reminder.session_id,
                session_starts_at=session.starts_at,
                due_at=reminder.due_at,
                recipients=reminder.recipients,
            ),
            result_type=ReminderDelivery,
            start_to_close_timeout=timedelta(minutes=1),
            retry_policy=NOTIFY_RETRY,
        )
        sent = e.ReminderSent(
            reminder_id=reminder.reminder_id,
            kind=reminder.kind,
            session_id=reminder.session_id,
            due_at=reminder.due_at,
            recipients=reminder.recipients,
            notification_ids=delivery.notification_ids,
        )
        await self._record([sent], SYSTEM_ACTOR, "system")

    def _should_continue_as_new(self) -> bool:
        info = workflow.info()
        if info.is_continue_as_new_suggested():
            return True
        return (
            self._soft_limit is not None and info.get_current_history_length() >= self._soft_limit
        )
