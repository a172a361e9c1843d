"""A thin client for program workflows: start one, act on it, read its state.

Every plan and action leaves here with the actor assertion of ``signer`` (the API's key): the
caller has authenticated the person named as the command's actor. Translates Temporal's errors
into ``ActionRefused`` with the reason a person can act on.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from uuid import uuid4

from pydantic import BaseModel
from temporalio.client import (
    Client,
    RPCTimeoutOrCancelledError,
    WorkflowFailureError,
    WorkflowHandle,
    WorkflowQueryFailedError,
    WorkflowUpdateFailedError,
)
from temporalio.common import WorkflowIDReusePolicy
from temporalio.exceptions import ApplicationError, WorkflowAlreadyStartedError
from temporalio.service import RPCError, RPCStatusCode

from activities.contracts import MOVING_ON, UNAUTHENTICATED
from domain.commands import PlanProgram, ProgramCommand
from domain.program import ProgramState
from domain.proofs import USED_ALREADY
from services.errors import ActionNotConfirmed, update_aborted
from services.signing import Signer
from workflows.program import ActionResult, ProgramWorkflowInput, TrainingProgramWorkflow

C = TypeVar("C", bound=BaseModel)
Clock = Callable[[], Awaitable[datetime]]

#: A program's actions this client keeps in flight at once; the rest wait here for a turn.
#: Temporal admits ten updates of a workflow in flight (``history.maxInFlightUpdates``) and
#: refuses more as "resource exhausted", which the SDK retries with a growing backoff: a class
#: of 40 answering at once on the dev server took 8-10 s, mostly in that backoff.
IN_FLIGHT_PER_PROGRAM = 8
#: How long an action is sent again while its program moves to a new run (continue-as-new
#: refuses new actions until the ones under way are done, usually within a second) or while
#: the server has as many of the program's updates in flight as it admits (several API
#: processes together may send more than ten; the SDK's own retries give up after ten
#: seconds), and the pauses between tries.
RESEND_PATIENCE_SECONDS = 30.0
RESEND_PAUSES = (0.02, 0.05, 0.1, 0.2, 0.5)
#: How long the program is asked whether it took an action no answer confirmed.
TAKEN_QUESTION_TIMEOUT = timedelta(seconds=10)


async def wall_clock() -> datetime:
    return datetime.now(UTC)


class ActionRefused(Exception):
    """The action was refused and nothing was recorded; ``str()`` says why, ``kind`` how
    (e.g. ``DomainError``, ``InvalidInput``, ``Unauthenticated``, ``Exists``)."""

    def __init__(
        self,
        reason: str,
        kind: str = "DomainError",
        code: str = "",
        params: dict[str, str] | None = None,
    ) -> None:
        super().__init__(reason)
        self.kind = kind
        self.code = code
        """The rules' refusal code (``domain.refusals``), for saying it in the reader's
        language; empty when the refusal has none."""
        self.params = dict(params or {})


def _coded(error: ApplicationError) -> tuple[str, dict[str, str]]:
    """The refusal code and parameters a workflow sent as the failure's details, if any."""
    try:
        details = error.details
        code, params = details[0], details[1]
    except (IndexError, TypeError, ValueError):
        return "", {}
    if not isinstance(code, str) or not isinstance(params, dict):
        return "", {}
    return code, {str(k): str(v) for k, v in params.items()}


def _refusal(error: BaseException) -> ActionRefused:
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, ApplicationError):
            code, params = _coded(cause)
            return ActionRefused(cause.message, cause.type or "DomainError", code, params)
        cause = cause.__cause__
    return ActionRefused(str(error))


def _send_again(error: RPCError) -> bool:
    """The server had as many of the program's updates in flight as it admits (it took
    nothing); the update reached a run the moment it continued as new ("workflow execution
    already completed" from the server, "Completed workflow" from the test server:
    a run never ends with an update it took unfinished, the next run takes it); or the server
    aborted the update under load: then the workflow may or may not have taken it (trials saw
    both). Sent again with the same update id, the server answers the first outcome if the
    run took it, and the workflow takes it once if not."""
    return (
        error.status == RPCStatusCode.RESOURCE_EXHAUSTED
        or (error.status == RPCStatusCode.NOT_FOUND and "completed" in error.message.lower())
        or update_aborted(error)
    )


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
        self._turns: dict[str, tuple[asyncio.Semaphore, int]] = {}
        """Per program with actions under way: its turns and how many hold or wait for one."""

    def _handle(self, program_id: str) -> WorkflowHandle[Any, Any]:
        """The program's workflow. Its updates and queries are typed by the methods named at
        each call; typed by ``run`` (``get_workflow_handle_for``), mypy inferred ``Never``
        for the workflow's class in a whole-project check, depending on module order."""
        return self.client.get_workflow_handle(program_id)

    @contextlib.asynccontextmanager
    async def _turn(self, program_id: str) -> AsyncIterator[None]:
        """One of ``IN_FLIGHT_PER_PROGRAM`` turns at ``program_id`` (forgotten when unused)."""
        turns, users = self._turns.get(program_id, (asyncio.Semaphore(IN_FLIGHT_PER_PROGRAM), 0))
        self._turns[program_id] = (turns, users + 1)
        try:
            async with turns:
                yield
        finally:
            turns, users = self._turns[program_id]
            if users == 1:
                del self._turns[program_id]
            else:
                self._turns[program_id] = (turns, users - 1)

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

    async def planned(self, program_id: str) -> ActionResult:
        """Wait for the plan of a program whose workflow exists (started by an earlier request,
        perhaps of a process that died before its answer) to be in the log."""
        handle = self._handle(program_id)
        try:
            return await handle.execute_update(TrainingProgramWorkflow.planned)
        except WorkflowUpdateFailedError as exc:
            raise _refusal(exc) from exc

    async def configuration_changed(self, program_id: str) -> None:
        """Tell the program an admin saved a configuration (it takes up the new calendar and
        rules at its next step)."""
        handle = self._handle(program_id)
        await handle.signal(TrainingProgramWorkflow.configuration_changed)

    async def act(
        self,
        program_id: str,
        command: ProgramCommand,
        *,
        update_id: str | None = None,
        nonce: str | None = None,
    ) -> ActionResult:
        """Send the action; with ``update_id``, Temporal runs it once however often it is
        sent in one run (a retried request gets the first outcome); with ``nonce`` (the
        request's own), a retry that reaches a later run is refused as used already."""
        try:
            async with self._turn(program_id):
                return await self._act_until_taken(program_id, command, update_id, nonce)
        except RPCError as exc:
            if exc.status == RPCStatusCode.NOT_FOUND:
                raise ActionRefused(
                    f"program {program_id!r} does not exist or is no longer running"
                ) from exc
            raise

    async def _act_until_taken(
        self, program_id: str, command: ProgramCommand, update_id: str | None, nonce: str | None
    ) -> ActionResult:
        """Sign and send the action; while the program moves to a new run (nothing recorded,
        no nonce spent) or the server turns it away (``_send_again``), send it again: the same
        update id and the same assertion (valid for minutes, far longer than the patience).
        A send the run took after all is answered by its update id in that run, and refused by
        its spent nonce in the next one (nonces are carried across continue-as-new): it is
        never recorded twice."""
        handle = self._handle(program_id)
        update_id = update_id or f"act-{uuid4()}"
        loop = asyncio.get_running_loop()
        give_up = loop.time() + RESEND_PATIENCE_SECONDS
        signed = await self._signed(program_id, command, nonce)
        aborted: RPCError | None = None
        """A send the server aborted: the run may have taken it. Whatever comes later must
        then not say "nothing was changed" (as "server full", "moving on" or "unavailable"
        would), nor "assertion used already" (the next run refuses its spent nonce): the
        person is told to reload. A keyed request (``nonce``) gets the refusal: its caller
        reads the first answer from the log."""
        for attempt in itertools.count():
            try:
                return await handle.execute_update(
                    TrainingProgramWorkflow.act, signed, id=update_id
                )
            except WorkflowUpdateFailedError as exc:
                refusal = _refusal(exc)
                own_nonce = aborted is not None or USED_ALREADY in str(refusal)  # spent by it
                if refusal.kind == UNAUTHENTICATED and nonce is None and own_nonce:
                    raise ActionNotConfirmed(str(refusal)) from exc
                # (a keyed request's caller reads its first answer from the log instead)
                if refusal.kind != MOVING_ON:
                    raise refusal from exc
                if loop.time() >= give_up:
                    await self._unless_taken(handle, signed, aborted)
                    raise refusal from exc
            except RPCError as exc:
                aborted = exc if update_aborted(exc) else aborted
                if not _send_again(exc) or loop.time() >= give_up:
                    if exc.status == RPCStatusCode.RESOURCE_EXHAUSTED:
                        await self._unless_taken(handle, signed, aborted)
                    elif aborted is not None:  # (e.g. then "unavailable")
                        raise ActionNotConfirmed(aborted.message) from exc
                    raise
            pause = RESEND_PAUSES[min(attempt, len(RESEND_PAUSES) - 1)]
            await asyncio.sleep(random.uniform(pause / 2, pause))  # apart, not in step
        raise AssertionError("unreachable")

    async def _unless_taken(
        self, handle: WorkflowHandle[Any, Any], signed: ProgramCommand, aborted: RPCError | None
    ) -> None:
        """Before saying an action was not taken ("server full", "moving on"): raise
        ``ActionNotConfirmed`` if a send was aborted, or if the program has spent the action's
        nonce (a run took it; its nonces are carried into the runs after it), or if it cannot
        say in time."""
        if aborted is not None:
            raise ActionNotConfirmed(aborted.message) from aborted
        if signed.proof is None:
            return  # (refused unread: nothing was taken)
        try:
            taken = await handle.query(
                TrainingProgramWorkflow.nonce_spent,
                signed.proof.nonce,
                rpc_timeout=TAKEN_QUESTION_TIMEOUT,
            )
        except (RPCError, RPCTimeoutOrCancelledError, WorkflowQueryFailedError) as exc:
            raise ActionNotConfirmed(str(exc)) from exc
        if taken:
            raise ActionNotConfirmed("the program took it, its outcome unread")

    async def state(self, program_id: str) -> ProgramState:
        handle = self._handle(program_id)
        return await handle.query(TrainingProgramWorkflow.state)
