"""A thin client for program workflows: start one, act on it, read its state.

Translates Temporal's errors into ``ActionRefused`` with the reason a person can act on.
"""

from __future__ import annotations

from temporalio.client import (
    Client,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from domain.commands import PlanProgram, ProgramCommand
from domain.program import ProgramState
from workflows.program import ActionResult, ProgramWorkflowInput, TrainingProgramWorkflow


class ActionRefused(Exception):
    """The action was refused and nothing was recorded; ``str()`` says why."""


def _reason(error: BaseException) -> str:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ApplicationError):
            return cause.message
        cause = cause.__cause__
    return str(error)


class ProgramClient:
    def __init__(self, client: Client, task_queue: str) -> None:
        self.client = client
        self.task_queue = task_queue

    async def plan(
        self, command: PlanProgram, *, history_soft_limit: int | None = None
    ) -> ActionResult:
        """Start the program's workflow; returns once its plan is in the log."""
        try:
            handle = await self.client.start_workflow(
                TrainingProgramWorkflow.run,
                ProgramWorkflowInput(plan=command, history_soft_limit=history_soft_limit),
                id=command.program_id,
                task_queue=self.task_queue,
                id_reuse_policy=WorkflowIDReusePolicy.REJECT_DUPLICATE,
            )
        except WorkflowAlreadyStartedError as exc:
            raise ActionRefused(f"a program with id {command.program_id!r} already exists") from exc
        return await handle.execute_update(TrainingProgramWorkflow.planned)

    async def act(self, program_id: str, command: ProgramCommand) -> ActionResult:
        handle = self.client.get_workflow_handle_for(TrainingProgramWorkflow.run, program_id)
        try:
            return await handle.execute_update(TrainingProgramWorkflow.act, command)
        except WorkflowUpdateFailedError as exc:
            raise ActionRefused(_reason(exc)) from exc
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise ActionRefused(
                    f"program {program_id!r} does not exist or is no longer running"
                ) from exc
            raise

    async def state(self, program_id: str) -> ProgramState:
        handle = self.client.get_workflow_handle_for(TrainingProgramWorkflow.run, program_id)
        return await handle.query(TrainingProgramWorkflow.state)
