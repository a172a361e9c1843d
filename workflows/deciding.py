"""How the program workflow decides a person's action and answers it: the domain's decision
(a refusal as an ``ApplicationError`` that says why, in any language), the single use of an
actor assertion, the notices an action causes, and the answer. A mixin of
``TrainingProgramWorkflow``, shared by its one-at-a-time and grouped actions."""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel
from temporalio import workflow
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from domain import events as e
    from domain.approval import ApprovalRoute
    from domain.commands import ProgramCommand
    from domain.nonces import SpentNonces
    from domain.program import DomainError, decide
    from domain.proofs import USED_ALREADY
    from domain.roster import UNKNOWN, RosterFacts
    from workflows.inputs import ActionResult, unauthenticated
    from workflows.timers import (
        APPROVER_NOTICE,
        DECISION_NOTICE,
        NOTICES_AFTER_ANSWER,
        TimersAndNotices,
    )

#: Patch marker: actions are decided with ``domain.facts`` (sessions entered from their start
#: on, late entries marked, no self-reported scores); older histories replay without them.
FACTS_CHECK = "facts-cannot-be-inflated"


class Deciding(TimersAndNotices):
    """Needs the workflow's state, stream version and the notices' machinery."""

    _lock: asyncio.Lock
    _nonces: SpentNonces
    _sending: list[asyncio.Task[None]]
    _changed: bool

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
        roster: RosterFacts | None = None,
    ) -> list[Any]:
        if roster is None and self._lean:  # the validator's dry run: nothing looked up yet
            roster = UNKNOWN
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
                roster=roster,
            )
        except DomainError as exc:
            # the refusal's code and parameters ride along, so it can be said in any language
            details = (exc.code, exc.params) if exc.code else ()
            raise ApplicationError(
                str(exc), *details, type="DomainError", non_retryable=True
            ) from exc

    def _task_holders(self) -> dict[str, frozenset[str]]:
        return {t.task_id: frozenset(t.holders) for t in self._state.tasks.values()}

    def _spend_nonce(self, command: ProgramCommand) -> None:
        """Remember the assertion's nonce; a second use (two copies racing past the validator)
        is refused. Deterministic: it depends only on the updates in history."""
        proof = command.proof
        if proof is None:
            return
        if proof.nonce in self._nonces:
            raise unauthenticated(f"unauthenticated: {USED_ALREADY}")
        self._nonces.spend(proof.nonce, proof.issued_at, workflow.now())

    async def _notify_after(
        self, holders_before: dict[str, frozenset[str]], decided: list[Any]
    ) -> None:
        """The notices what was just decided causes: whoever a task newly landed with, and the
        specialist of an approval's outcome; sent after the answer in runs that do so."""
        if not workflow.patched(APPROVER_NOTICE):
            return
        notices = self._new_holder_notices(holders_before)
        decisions = self._decision_notices(decided)
        if decisions and workflow.patched(DECISION_NOTICE):  # asked only when owed
            notices += decisions
        if workflow.patched(NOTICES_AFTER_ANSWER):
            self._sending.append(asyncio.create_task(self._send(notices)))
        else:
            await self._send(notices)
