"""``TrainingProgramWorkflow``: one durable workflow per program, plan to feedback.

The workflow only orchestrates. The pure domain decides events; people's actions arrive as the
``act`` update whose validator dry-runs the decision, so a refused action never reaches history or
the log; every decided event is appended by an activity; session reminders, approval SLAs and the
evaluation window are durable timers recomputed whenever the program changes (the "updatable
timer" pattern).
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any

from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.contracts import (
        APPEND_EVENTS,
        DELIVER_NOTICE,
        DUPLICATE_EVENT,
        GRADE_EXAM,
        HAS_ONLINE_EXAM,
        INVALID_INPUT,
        POLICY_ERROR,
        PROGRAM_SETTINGS,
        RESOLVE_APPROVAL_ROUTE,
        STREAM_VERSION_CONFLICT,
        UNAUTHENTICATED,
        VERIFY_PLAN_PROOF,
        AppendEventsInput,
        AppendEventsOutput,
        Delivery,
        GradeExamInput,
        Notice,
        ProgramSettings,
        ProgramSettingsInput,
        VerifyPlanInput,
    )
    from domain import events as e
    from domain.approval import ApprovalRoute
    from domain.approval_flow import (
        ApprovalTimer,
        approval_timers,
        decide_auto_reject,
        decide_escalation,
    )
    from domain.commands import (
        SYSTEM_ACTOR,
        PlanProgram,
        ProgramCommand,
        SubmitExam,
        SubmitProgram,
    )
    from domain.events import ExamGrading
    from domain.notices import compose
    from domain.program import (
        TERMINAL,
        DomainError,
        ProgramState,
        close_evaluation_by_deadline,
        decide,
        evolve,
        refresh_settings,
        role_for,
        start,
    )
    from domain.program import fold as fold_events
    from domain.proofs import ProofRefused, live_nonces, verify_assertion
    from domain.reminders import STARTED_GRACE, Reminder, owed_reminders
    from domain.sla_notices import overdue_notice
    from domain.streams import program_stream
    from workflows.trusted_keys import TRUSTED

APPEND_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=[STREAM_VERSION_CONFLICT, DUPLICATE_EVENT],
)
NOTIFY_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)
#: Patch marker: score submissions look up whether the course has an online exam (histories
#: recorded before it replay without the lookup).
ONLINE_EXAM_CHECK = "score-refused-when-online-exam"
#: Patch marker: whoever a task newly lands with is notified (histories recorded before it
#: replay without those notices).
APPROVER_NOTICE = "approver-notified-on-task"
#: Patch marker: a new program's plan must carry an actor assertion the log's keys verify
#: (histories started before it replay without the check).
PLAN_PROOF_CHECK = "plan-needs-actor-assertion"
#: Patch marker: the handler decides with ``domain.facts`` (sessions entered from their start
#: on, late entries marked, no self-reported scores); older histories replay without them.
FACTS_CHECK = "facts-cannot-be-inflated"
#: Patch marker: a task past its SLA on a step without escalation gets an overdue notice
#: (histories recorded before it replay without that timer).
OVERDUE_NOTICE = "approval-overdue-notice"
#: Patch marker: a session's reminders stay owed for a grace after its start, so one due at
#: the very start (lead 0, a start in a skipped DST hour) is sent instead of dropped.
REMINDER_AT_START = "reminder-due-at-start-sent"
#: Patch marker: a decision of many events (publishing to thousands of trainees) is appended in
#: chunks of ``APPEND_CHUNK``, each activity payload far below Temporal's 2 MB limit.
APPEND_IN_CHUNKS = "append-in-chunks"
APPEND_CHUNK = 500

LOOKUP_RETRY = RetryPolicy(
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=[POLICY_ERROR, INVALID_INPUT],
)

#: Stand in for the real route and grading while an action is only being validated.
VALIDATION_ROUTE = ApprovalRoute(policy="(validating)", steps=())
VALIDATION_GRADING = ExamGrading(course_id="(validating)", score=0, items=())


_COMMANDS: TypeAdapter[ProgramCommand] = TypeAdapter(ProgramCommand)


def parse_command(payload: Any) -> ProgramCommand:
    """A command from an update payload; a clear ``ApplicationError`` when it is malformed."""
    try:
        return _COMMANDS.validate_python(payload)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'][1:]) or 'command'}: {err['msg']}"
            for err in exc.errors()
        )
        raise ApplicationError(
            f"invalid input: {problems}", type="InvalidInput", non_retryable=True
        ) from exc


def stream_id_for(program_id: str) -> str:
    return program_stream(program_id)


def unauthenticated(reason: str) -> ApplicationError:
    return ApplicationError(reason, type=UNAUTHENTICATED, non_retryable=True)


class CarriedState(BaseModel):
    """What a continued-as-new run needs: the folded state and the stream version."""

    model_config = ConfigDict(frozen=True)

    state: ProgramState
    stream_version: int
    nonces: dict[str, datetime] = {}
    """Nonces of actor assertions used within their validity: a replayed request stays refused."""


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
        self._nonces: dict[str, datetime] = {}
        self._refused: str | None = None
        self._take_up_settings = False
        if params.carried is not None:
            self._state: ProgramState = params.carried.state
            self._version = params.carried.stream_version
            self._nonces = dict(params.carried.nonces)
        else:
            self._state = evolve(None, start(params.plan))
            self._version = 0

    @workflow.run
    async def run(self, params: ProgramWorkflowInput) -> ProgramState:
        if self._version == 0:
            async with self._lock:
                if workflow.patched(PLAN_PROOF_CHECK):
                    await self._check_plan_proof()
                await self._record_plan()
        while self._state.status not in TERMINAL:
            if self._should_continue_as_new():
                await workflow.wait_condition(workflow.all_handlers_finished)
                workflow.continue_as_new(
                    ProgramWorkflowInput(
                        plan=self._plan,
                        carried=CarriedState(
                            state=self._state,
                            stream_version=self._version,
                            nonces=live_nonces(self._nonces, workflow.now()),
                        ),
                        history_soft_limit=self._soft_limit,
                    )
                )
            self._changed = False
            if self._take_up_settings:
                self._take_up_settings = False
                async with self._lock:
                    await self._refresh_settings()
            deadline = self._next_deadline()
            if deadline is None:
                await workflow.wait_condition(lambda: self._changed)
                continue
            delay = deadline - workflow.now()
            if delay > timedelta(0):
                try:
                    await workflow.wait_condition(
                        lambda: self._changed, timeout=delay, timeout_summary="next deadline"
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
    async def act(self, payload: Any) -> ActionResult:
        """A specialist's, approver's, admin's or trainee's action; refusals raise errors.

        The payload is parsed here rather than by the data converter, so malformed input from
        any client gets a readable refusal instead of a decoding failure.
        """
        command = parse_command(payload)
        await workflow.wait_condition(lambda: self._version > 0)
        async with self._lock:
            self._spend_nonce(command)
            route = None
            grading = None
            strict = workflow.patched(FACTS_CHECK)
            if (
                isinstance(command, SubmitExam)
                and command.answers is None
                and workflow.patched(ONLINE_EXAM_CHECK)
            ):
                # refuse before looking up
                self._decide(command, grading=VALIDATION_GRADING, strict_facts=strict)
                online = await workflow.execute_activity(
                    HAS_ONLINE_EXAM,
                    self._state.program_id,
                    result_type=bool,
                    start_to_close_timeout=timedelta(seconds=30),
                    retry_policy=LOOKUP_RETRY,
                )
                if online:
                    raise ApplicationError(
                        "this program's course has an online exam: answer its questions;"
                        " a score cannot be reported instead",
                        type="DomainError",
                        non_retryable=True,
                    )
            if isinstance(command, SubmitExam) and command.answers is not None:
                # refuse before grading
                self._decide(command, grading=VALIDATION_GRADING, strict_facts=strict)
                grading = await workflow.execute_activity(
                    GRADE_EXAM,
                    GradeExamInput(program_id=self._state.program_id, answers=command.answers),
                    result_type=ExamGrading,
                    start_to_close_timeout=timedelta(seconds=30),
                    retry_policy=LOOKUP_RETRY,
                )
            if isinstance(command, SubmitProgram):
                self._decide(command, route=VALIDATION_ROUTE)  # refuse before looking anything up
                route = await workflow.execute_activity(
                    RESOLVE_APPROVAL_ROUTE,
                    self._state.facts,
                    result_type=ApprovalRoute,
                    start_to_close_timeout=timedelta(seconds=30),
                    retry_policy=LOOKUP_RETRY,
                )
            decided = self._decide(command, route=route, grading=grading, strict_facts=strict)
            holders_before = self._task_holders()
            await self._record(decided, command.actor, role_for(command), command=command)
            if workflow.patched(APPROVER_NOTICE):
                await self._tell_new_holders(holders_before)
            self._changed = True
            return self._result(tuple(event.type for event in decided))

    @act.validator
    def validate_act(self, payload: Any) -> None:
        command = parse_command(payload)
        try:
            verify_assertion(
                command.proof,
                command,
                workflow_id=workflow.info().workflow_id,
                now=workflow.now(),
                keys=TRUSTED.keys(),
                used_nonces=self._nonces,
            )
        except ProofRefused as exc:
            raise unauthenticated(f"unauthenticated: {exc}") from exc
        self._decide(command, dry_run=True, route=VALIDATION_ROUTE, grading=VALIDATION_GRADING)

    @workflow.update
    async def planned(self) -> ActionResult:
        """Returns once the plan is in the log, so a caller can read its own write."""
        await workflow.wait_condition(lambda: self._version > 0 or self._refused is not None)
        if self._refused is not None:
            raise unauthenticated(self._refused)
        return self._result(("ProgramPlanned",))

    @workflow.signal
    def configuration_changed(self) -> None:
        """An admin saved a configuration: take up its calendar (company holidays, make-up
        days) and rules at the next step, so pending reminders follow it."""
        self._take_up_settings = True
        self._changed = True

    @workflow.query
    def state(self) -> ProgramState:
        return self._state

    @workflow.query
    def owed_reminders(self) -> list[Reminder]:
        return owed_reminders(self._state, workflow.now(), STARTED_GRACE)

    # ------------------------------------------------------------------ internals

    def _result(self, event_types: tuple[str, ...]) -> ActionResult:
        return ActionResult(
            program_id=self._state.program_id,
            status=self._state.status.value,
            stream_version=self._version,
            last_position=self._last_position,
            events=event_types,
        )

    def _decide(
        self,
        command: BaseModel,
        *,
        dry_run: bool = False,
        route: ApprovalRoute | None = None,
        grading: e.ExamGrading | None = None,
        strict_facts: bool = True,
    ) -> list[Any]:
        new_id = (lambda: "dry-run") if dry_run else (lambda: str(workflow.uuid4()))
        try:
            return decide(
                self._state,
                command,
                workflow.now(),
                new_id,
                route,
                grading,
                strict_facts=strict_facts,
            )
        except DomainError as exc:
            # the refusal's code and parameters ride along, so it can be said in any language
            details = (exc.code, exc.params) if exc.code else ()
            raise ApplicationError(
                str(exc), *details, type="DomainError", non_retryable=True
            ) from exc

    def _task_holders(self) -> dict[str, frozenset[str]]:
        return {t.task_id: frozenset(t.holders) for t in self._state.tasks.values()}

    async def _tell_new_holders(self, before: dict[str, frozenset[str]]) -> None:
        """Each person a task newly lands with (a new task, a delegation, a reassignment, a
        task offered back to a group) is told, through the configured channels."""
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
                due_at=f"{task.due_at:%Y-%m-%d %H:%M %Z}" if task.due_at else "",
            )
            await self._notify(
                f"task-{task.task_id}:to:{'+'.join(new)}",
                "approval_requested",
                subject,
                body,
                tuple(new),
            )

    def _spend_nonce(self, command: ProgramCommand) -> None:
        """Remember the assertion's nonce; a second use (two copies racing past the validator)
        is refused. Deterministic: it depends only on the updates in history."""
        proof = command.proof
        if proof is None:
            return
        if proof.nonce in self._nonces:
            raise unauthenticated("unauthenticated: this actor assertion was used already")
        self._nonces = {**live_nonces(self._nonces, workflow.now()), proof.nonce: proof.issued_at}

    async def _check_plan_proof(self) -> None:
        """Nothing is recorded for a plan whose actor assertion the log's keys do not verify:
        the workflow fails with the reason."""
        refused = await workflow.execute_activity(
            VERIFY_PLAN_PROOF,
            VerifyPlanInput(
                plan=self._plan, workflow_id=workflow.info().workflow_id, now=workflow.now()
            ),
            result_type=str,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=LOOKUP_RETRY,
        )
        if refused:
            self._refused = f"unauthenticated: {refused}"
            await workflow.wait_condition(workflow.all_handlers_finished)  # `planned` says why
            raise unauthenticated(self._refused)

    async def _record_plan(self) -> None:
        settings = await workflow.execute_activity(
            PROGRAM_SETTINGS,
            ProgramSettingsInput(region=self._plan.region, years=self._calendar_years()),
            result_type=ProgramSettings,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=LOOKUP_RETRY,
        )
        planned = start(self._plan).model_copy(
            update={
                "calendar": settings.calendar,
                "reminder_rules": settings.reminder_rules,
                "fact_rules": settings.fact_rules,
            }
        )
        self._state = evolve(None, planned)
        await self._record(
            [planned], self._plan.actor, "specialist", fold=False, command=self._plan
        )

    async def _refresh_settings(self) -> None:
        settings = await workflow.execute_activity(
            PROGRAM_SETTINGS,
            ProgramSettingsInput(region=self._state.region, years=self._calendar_years()),
            result_type=ProgramSettings,
            start_to_close_timeout=timedelta(seconds=30),
            retry_policy=LOOKUP_RETRY,
        )
        decided = refresh_settings(
            self._state, settings.calendar, settings.reminder_rules, settings.fact_rules
        )
        if decided:
            await self._record(decided, SYSTEM_ACTOR, "system")

    def _calendar_years(self) -> tuple[int, ...]:
        """The years a program's reminders and SLAs can fall in, with a year of slack."""
        first = min(workflow.now().year, *(s.starts_at.year for s in self._plan.sessions))
        last = max(self._plan.planned_date.year, *(s.starts_at.year for s in self._plan.sessions))
        return tuple(range(first - 1, last + 2))

    async def _record(
        self,
        decided: list[Any],
        actor: str,
        role: str,
        *,
        fold: bool = True,
        command: BaseModel | None = None,
    ) -> None:
        """Append ``decided``; a person's action carries its proof (the signed assertion and
        the command it covers) on its first event, and a pointer to it on the others."""
        if not decided:
            return
        now = workflow.now()
        ids = [workflow.uuid4() for _ in decided]
        proof = getattr(command, "proof", None)
        kept = None
        if command is not None and proof is not None:
            kept = {
                "assertion": proof.model_dump(mode="json"),
                "command": command.model_dump(mode="json", exclude={"proof"}),
            }
        envelopes = tuple(
            e.EventEnvelope.wrap(
                event,
                event_id=event_id,
                actor=actor,
                role=role,
                occurred_at=now,
                proof=kept if index == 0 else None,
                proved_by=ids[0] if kept is not None and index > 0 else None,
            )
            for index, (event, event_id) in enumerate(zip(decided, ids, strict=True))
        )
        chunks = [envelopes]
        if len(envelopes) > APPEND_CHUNK and workflow.patched(APPEND_IN_CHUNKS):
            chunks = [
                envelopes[n : n + APPEND_CHUNK] for n in range(0, len(envelopes), APPEND_CHUNK)
            ]
        for chunk in chunks:  # each payload stays far below Temporal's 2 MB limit
            outcome = await workflow.execute_activity(
                APPEND_EVENTS,
                AppendEventsInput(
                    stream_id=stream_id_for(self._state.program_id),
                    expected_version=self._version,
                    envelopes=chunk,
                ),
                result_type=AppendEventsOutput,
                start_to_close_timeout=timedelta(seconds=30),
                retry_policy=APPEND_RETRY,
            )
            self._version = outcome.stream_version
            self._last_position = outcome.last_position
        if fold:
            self._state = fold_events(decided, self._state) or self._state

    def _owed_reminders(self, now: datetime) -> list[Reminder]:
        """The reminders owed now; the start grace applies behind its patch, asked only when
        it changes the answer (so histories that never needed it replay untouched)."""
        strict = owed_reminders(self._state, now)
        graced = owed_reminders(self._state, now, STARTED_GRACE)
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
                due_at=f"{task.due_at:%Y-%m-%d %H:%M %Z}",
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
                body=f"{body}\nProgram {self._state.program_id}.",
                recipients=recipients,
            ),
            result_type=Delivery,
            start_to_close_timeout=timedelta(minutes=1),
            retry_policy=NOTIFY_RETRY,
        )
        return delivery

    async def _send_session_reminder(self, reminder: Reminder) -> None:
        session = self._state.sessions[reminder.session_id]
        subject, body = compose(
            reminder.kind,
            title=self._state.title,
            session_id=session.session_id,
            starts_at=session.starts_at.isoformat(),
        )
        delivery = await self._notify(
            reminder.reminder_id, reminder.kind, subject, body, reminder.recipients
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
