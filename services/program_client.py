"""A thin client for program workflows: start one, act on it, read its state.

Every plan and action leaves here with the actor assertion of ``signer`` (the API's key): the
caller has authenticated the person named as the command's actor. Translates Temporal's errors
into ``ActionRefused`` with the reason a person can act on.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import TypeVar

from pydantic import BaseModel
from temporalio.client import (
    Client,
    WorkflowFailureError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.commands import PlanProgram, ProgramCommand
from domain.program import ProgramState
from services.signing import Signer
from workflows.program import ActionResult, ProgramWorkflowInput, TrainingProgramWorkflow

C = TypeVar("C", bound=BaseModel)
Clock = Callable[[], Awaitable[datetime]]


async def wall_clock() -> datetime:
    return datetime.now(UTC)


class ActionRefused(Exception):
    """The action was refused and nothing was recorded; ``str()`` says why, ``kind`` how
    (e.g. ``DomainError``, ``InvalidInput``, ``Unauthenticated``, ``Exists``)."""

    def __init__(self, reason: str, kind: str = "DomainError") -> None:
        super().__init__(reason)
        self.kind = kind


def _refusal(error: BaseException) -> ActionRefused:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ApplicationError):
            return ActionRefused(cause.message, cause.type or "DomainError")
        cause = cause.__cause__
    return ActionRefused(str(error))


class ProgramClient:
    def __init__(
        self,
        client: Client,
        task_queue: str,
        signer: Signer | None = None,
        clock: Clock = wall_clock,
    ) -> None:
        self.client = client
        self.task_queue = task_queue
        self.signer = signer
        self.clock = clock
        """When assertions are issued: the wall clock, or a test server's skipped time."""

    async def _signed(self, workflow_id: str, command: C, nonce: str | None = None) -> C:
        """``command`` with the assertion that its actor asked for it (unsigned without a
        signer: the workflow then refuses it, as it refuses anyone without the key)."""
        if self.signer is None:
            return command
        actor = str(getattr(command, "actor", ""))
        proof = self.signer.assertion(
            actor, workflow_id, command, now=await self.clock(), nonce=nonce
        )
        return command.model_copy(update={"proof": proof})

    async def plan(
        self,
        command: PlanProgram,
        *,
        history_soft_limit: int | None = None,
        nonce: str | None = None,
    ) -> ActionResult:
        """Start the program's workflow; returns once its plan is in the log. ``nonce``: the
        request's own (kept in the plan's proof, so a retried request is recognised)."""
        command = await self._signed(command.program_id, command, nonce)
        try:
            handle = await self.client.start_workflow(
                TrainingProgramWorkflow.run,
                ProgramWorkflowInput(plan=command, history_soft_limit=history_soft_limit),
                id=command.program_id,
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError as exc:
            raise ActionRefused(
                f"a program with id {command.program_id!r} already exists", "Exists"
            ) from exc
        try:
            return await handle.execute_update(TrainingProgramWorkflow.planned)
        except (WorkflowUpdateFailedError, RPCError) as exc:
            # The workflow refused its plan (e.g. an unproven actor) and ended: say why.
            try:
                await handle.result()
            except WorkflowFailureError as failure:
                raise _refusal(failure) from exc
            raise

    async def configuration_changed(self, program_id: str) -> None:
        """Tell the program an admin saved a configuration (it takes up the new calendar and
        rules at its next step)."""
        handle = self.client.get_workflow_handle_for(TrainingProgramWorkflow.run, program_id)
        await handle.signal(TrainingProgramWorkflow.configuration_changed)

    async def act(
        self, program_id: str, command: ProgramCommand, *, update_id: str | None = None
    ) -> ActionResult:
        """Send the action; with ``update_id``, Temporal runs it once however often it is
        sent (a retried request gets the first outcome)."""
        handle = self.client.get_workflow_handle_for(TrainingProgramWorkflow.run, program_id)
        command = await self._signed(program_id, command)
        try:
            return await handle.execute_update(TrainingProgramWorkflow.act, command, id=update_id)
        except WorkflowUpdateFailedError as exc:
            raise _refusal(exc) from exc
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise ActionRefused(
                    f"program {program_id!r} does not exist or is no longer running"
                ) from exc
            raise

    async def state(self, program_id: str) -> ProgramState:
        handle = self.client.get_workflow_handle_for(TrainingProgramWorkflow.run, program_id)
        return await handle.query(TrainingProgramWorkflow.state)
