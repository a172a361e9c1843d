"""``TrainingProgramWorkflow``: one durable workflow per program, plan to feedback.

The workflow only orchestrates. The pure domain decides events; people's actions arrive as the
``act`` update whose validator dry-runs the decision, so a refused action never reaches history or
the log; every decided event is appended by an activity; session reminders, approval SLAs and the
evaluation window are durable timers recomputed whenever the program changes (the "updatable
timer" pattern).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from activities.contracts import (
        PROGRAM_SETTINGS,
        VERIFY_PLAN_PROOF,
        ProgramSettings,
        ProgramSettingsInput,
        VerifyPlanInput,
    )
    from domain.commands import (
        SYSTEM_ACTOR,
        ProgramCommand,
        PublishProgram,
        RescheduleSession,
    )
    from domain.nonces import SpentNonces
    from domain.program import (
        TERMINAL,
        ProgramState,
        evolve,
        refresh_settings,
        role_for,
        start,
    )
    from domain.proofs import ProofRefused, verify_assertion
    from domain.reminders import STARTED_GRACE, Reminder
    from workflows.deciding import FACTS_CHECK
    from workflows.group_commit import GroupCommit, Ticket
    from workflows.inputs import (
        ActionResult,
        CarriedState,
        ProgramWorkflowInput,
        moving_on,
        parse_command,
        stream_id_for,
        unauthenticated,
    )
    from workflows.lookups import LOOKUP_RETRY, VALIDATION_GRADING, VALIDATION_ROUTE, look_ups
    from workflows.quick_steps import quick_step
    from workflows.recording import APPEND_CHUNK, APPEND_IN_CHUNKS
    from workflows.roster import ROSTER_OUT_OF_STATE, RosterHead, enrol_planned, roster_facts
    from workflows.timers import (
        APPROVER_NOTICE,
        DECISION_NOTICE,
        NOTICES_AFTER_ANSWER,
        NOTIFY_RETRY,
        OVERDUE_NOTICE,
        REMINDER_AT_START,
    )
    from workflows.trusted_keys import TRUSTED

__all__ = [
    "APPEND_CHUNK",
    "APPEND_IN_CHUNKS",
    "APPROVER_NOTICE",
    "DECISION_NOTICE",
    "NOTICES_AFTER_ANSWER",
    "NOTIFY_RETRY",
    "OVERDUE_NOTICE",
    "REMINDER_AT_START",
    "ActionResult",
    "CarriedState",
    "ProgramWorkflowInput",
    "TrainingProgramWorkflow",
    "parse_command",
    "stream_id_for",
]

#: Patch marker: a new program's plan must carry an actor assertion the log's keys verify
#: (histories started before it replay without the check).
PLAN_PROOF_CHECK = "plan-needs-actor-assertion"
#: Patch marker: a session that has started is no longer moved (``strict_facts`` holds it for
#: a reschedule only in runs that passed this marker; older histories replay without it).
RESCHEDULE_BEFORE_START = "sessions-move-only-before-they-start"


@workflow.defn
class TrainingProgramWorkflow(GroupCommit):
    @workflow.init
    def __init__(self, params: ProgramWorkflowInput) -> None:
        self._plan = params.plan
        self._soft_limit = params.history_soft_limit
        self._lock = asyncio.Lock()
        self._changed = False
        self._last_position = 0
        self._nonces = SpentNonces()
        self._refused: str | None = None
        self._take_up_settings = False
        self._renew = False
        """An operator asked for a new run (``move_to_new_run``)."""
        self._sending: list[asyncio.Task[None]] = []
        """Notices on their way after their action answered; a run ends once they are sent."""
        self._waiting: list[Ticket] = []
        """Actions waiting to be decided in a group (``workflows.group_commit``)."""
        self._barriers: set[int] = set()
        """Work that is not grouped waiting for the lock, by arrival (``_exclusive``)."""
        self._moving_on = False
        """The run continues as new once the actions under way are done, and takes no more:
        under a steady stream of actions it would otherwise never be done, and its history
        would grow to Temporal's hard limit (which terminates a run)."""
        if params.carried is not None:
            self._state: ProgramState = params.carried.state
            self._version = params.carried.stream_version
            self._nonces = SpentNonces(params.carried.spent, legacy=params.carried.nonces)
            self._take_up_settings = params.carried.take_up_settings
            if params.carried.roster is not None:
                self._lean = True
                self._enrolled = params.carried.roster.enrolled
        else:
            self._state = evolve(None, start(params.plan))
            self._version = 0

    @workflow.run
    async def run(self, params: ProgramWorkflowInput) -> ProgramState:
        if self._version == 0:
            async with self._exclusive():
                if workflow.patched(ROSTER_OUT_OF_STATE):
                    self._lean = True
                    self._keep(self._state)
                if workflow.patched(PLAN_PROOF_CHECK):
                    await self._check_plan_proof()
                await self._record_plan()
        while self._state.status not in TERMINAL:
            if self._should_continue_as_new():
                await self._drain()
                workflow.continue_as_new(
                    ProgramWorkflowInput(
                        plan=self._plan,
                        carried=CarriedState(
                            state=self._state,
                            stream_version=self._version,
                            spent=self._nonces.carried(workflow.now()),
                            roster=RosterHead(enrolled=self._enrolled) if self._lean else None,
                            take_up_settings=self._take_up_settings,
                        ),
                        history_soft_limit=self._soft_limit,
                    )
                )
            self._changed = False
            if self._take_up_settings:
                self._take_up_settings = False
                async with self._exclusive():
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
            async with self._exclusive():
                await self._fire_due_timers()
        await workflow.wait_condition(self._all_done)
        return self._state

    async def _drain(self) -> None:
        """Wait until every handler is finished and every notice sent (``_all_done``), taking
        no new action (``MovingOn``) only while handlers finish: a notice waiting for a channel
        that is down must not stop the program's actions, and actions keep coming meanwhile."""
        while True:
            await workflow.wait_condition(self._notices_sent)
            self._moving_on = True
            await workflow.wait_condition(workflow.all_handlers_finished)
            if self._all_done():
                return
            self._moving_on = False  # the last actions' notices are on their way

    def _all_done(self) -> bool:
        """Every handler finished and every notice sent: this run may end (one condition, so
        nothing starts between the check and the end)."""
        return workflow.all_handlers_finished() and self._notices_sent()

    def _notices_sent(self) -> bool:
        return all(t.done() for t in self._sending)

    # ------------------------------------------------------------------ people's actions

    @workflow.update
    async def act(self, payload: Any) -> ActionResult:
        """A specialist's, approver's, admin's or trainee's action; refusals raise errors.

        The payload is parsed here rather than by the data converter, so malformed input from
        any client gets a readable refusal instead of a decoding failure.
        """
        command = parse_command(payload)
        with self._nonces.awaiting(command.proof.nonce if command.proof else None):
            return await self._act(command)

    async def _act(self, command: ProgramCommand) -> ActionResult:
        await workflow.wait_condition(lambda: self._version > 0)
        if self._groups(command):
            return await self._act_in_group(command)
        async with self._exclusive():
            self._spend_nonce(command)
            strict = workflow.patched(FACTS_CHECK)
            if isinstance(command, RescheduleSession):
                strict = strict and workflow.patched(RESCHEDULE_BEFORE_START)
            roster = None  # from the state's lists, in runs that keep them
            if self._lean:
                self._decide(command, route=VALIDATION_ROUTE, grading=VALIDATION_GRADING)
                roster = await roster_facts(self._state.program_id, self._version, command)

            def dry_run(**stand_ins: Any) -> None:
                self._decide(command, strict_facts=strict, roster=roster, **stand_ins)

            route, grading = await look_ups(self._state, command, dry_run)
            decided = self._decide(
                command, route=route, grading=grading, strict_facts=strict, roster=roster
            )
            holders_before = self._task_holders()
            await self._record(decided, command.actor, role_for(command), command=command)
            types = tuple(event.type for event in decided)
            if self._lean and isinstance(command, PublishProgram):
                done = await enrol_planned(self._state.program_id, self._version, workflow.now())
                self._version, self._enrolled = done.stream_version, self._enrolled + done.enrolled
                self._last_position = max(self._last_position, done.last_position)
                types += ("TraineeEnrolled",) * min(done.enrolled, 1)
            await self._notify_after(holders_before, decided)
            self._changed = True
            return self._result(types)

    @act.validator
    def validate_act(self, payload: Any) -> None:
        command = parse_command(payload)
        if self._moving_on:  # refused before its proof is checked: its nonce stays unspent
            raise moving_on()
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
        self._decide(
            command,
            dry_run=True,
            route=VALIDATION_ROUTE,
            grading=VALIDATION_GRADING,
        )

    @workflow.update
    async def planned(self) -> ActionResult:
        """Returns once the plan is in the log, so a caller can read its own write."""
        await workflow.wait_condition(lambda: self._version > 0 or self._refused is not None)
        if self._refused is not None:
            raise unauthenticated(self._refused)
        return self._result(("ProgramPlanned",))

    @workflow.signal
    def move_to_new_run(self) -> None:
        """An operator asks the program to continue as new now, as it does when its history
        grows (state and spent nonces carried, nothing recorded): a run begun under an older
        release then takes up the new one's ways at once (``docs/production.md``)."""
        self._renew = True
        self._changed = True

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
    def nonce_spent(self, nonce: str) -> bool:
        """Whether this run, or one it continued from, took an action signed with ``nonce``:
        asked by a client whose sends were answered by nothing it could trust (aborted, or
        sent on to a later run)."""
        return nonce in self._nonces

    @workflow.query
    def owed_reminders(self) -> list[Reminder]:
        return self._owed(workflow.now(), STARTED_GRACE)

    # ------------------------------------------------------------------ internals

    async def _check_plan_proof(self) -> None:
        """Nothing is recorded for a plan whose actor assertion the log's keys do not verify:
        the workflow fails with the reason."""
        refused = await quick_step(
            VERIFY_PLAN_PROOF,
            VerifyPlanInput(
                plan=self._plan, workflow_id=workflow.info().workflow_id, now=workflow.now()
            ),
            result_type=str,
            timeout=timedelta(seconds=30),
            retry_policy=LOOKUP_RETRY,
        )
        if refused:
            self._refused = f"unauthenticated: {refused}"
            await workflow.wait_condition(workflow.all_handlers_finished)  # `planned` says why
            raise unauthenticated(self._refused)

    async def _settings(self, region: str | None) -> ProgramSettings:
        """The calendar and rules configured for ``region``, looked up by an activity."""
        settings: ProgramSettings = await quick_step(
            PROGRAM_SETTINGS,
            ProgramSettingsInput(region=region, years=self._calendar_years()),
            result_type=ProgramSettings,
            timeout=timedelta(seconds=30),
            retry_policy=LOOKUP_RETRY,
        )
        return settings

    async def _record_plan(self) -> None:
        settings = await self._settings(self._plan.region)
        planned = start(self._plan).model_copy(
            update={
                "calendar": settings.calendar,
                "reminder_rules": settings.reminder_rules,
                "fact_rules": settings.fact_rules,
            }
        )
        self._keep(evolve(None, planned))
        await self._record(
            [planned], self._plan.actor, "specialist", fold=False, command=self._plan
        )

    async def _refresh_settings(self) -> None:
        settings = await self._settings(self._state.region)
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

    def _should_continue_as_new(self) -> bool:
        info = workflow.info()
        if info.is_continue_as_new_suggested() or self._renew:
            return True
        return (
            self._soft_limit is not None and info.get_current_history_length() >= self._soft_limit
        )
