"""An API process killed in the middle of a request (SIGKILL, as when a replica dies): the
client retries with the same Idempotency-Key against a new API process and the action is
recorded exactly once, with the answer the first request would have had."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable

import httpx
import pytest
from temporalio.client import Client

from tests.faults.conftest import Backend, plan_body
from tests.faults.processes import eventually
from tests.faults.stack import Stack, running_stack

pytestmark = pytest.mark.postgres


def _send_in_background(stack: Stack, path: str, key: str, body: object = None) -> list[object]:
    """The request, in a thread; the list gets its response or the error the client saw."""
    outcome: list[object] = []

    def send() -> None:
        try:
            outcome.append(stack.post(path, key, body))
        except httpx.HTTPError as exc:
            outcome.append(exc)

    threading.Thread(target=send, daemon=True).start()
    return outcome


def _workflow_started(stack: Stack, program_id: str) -> bool:
    async def describe() -> bool:
        client = await Client.connect(stack.temporal.address)
        await client.get_workflow_handle(program_id).describe()
        return True

    return asyncio.run(describe())


def _task_waits(stack: Stack, program_id: str) -> bool:
    """A workflow task is waiting for a worker: the API's update reached Temporal."""

    async def describe() -> bool:
        client = await Client.connect(stack.temporal.address)
        described = await client.get_workflow_handle(program_id).describe()
        return described.raw_description.HasField("pending_workflow_task")

    return asyncio.run(describe())


def _cut_off(
    stack: Stack, request: tuple[str, str, object], reached: Callable[[], bool], what: str
) -> None:
    """With no worker running, send ``request`` (path, Idempotency-Key, body); once it has
    ``reached`` its point (``what``), kill the API, and see the client get the cut. Then a new
    API process and the worker start."""
    stack.services.pop("worker").stop()
    outcome = _send_in_background(stack, *request)
    eventually(reached, what)
    stack.services.pop("api").kill()
    eventually(lambda: outcome, "the client sees the cut")
    assert isinstance(outcome[0], httpx.HTTPError), outcome
    stack.start("api")
    stack.start("worker")


def test_a_plan_and_an_action_cut_off_by_a_killed_api_are_recorded_once(
    backend: Backend,
) -> None:
    with running_stack(backend) as stack:
        # No worker: the API's request starts the program's workflow and then waits on it.
        body = plan_body("cut-1")
        _cut_off(
            stack,
            ("/api/v1/programs", "plan-cut-1", body),
            lambda: _workflow_started(stack, "cut-1"),
            "the API started the workflow",
        )
        again = stack.post("/api/v1/programs", "plan-cut-1", body)
        assert again.status_code == 201, again.text
        assert backend.events("cut-1") == ["ProgramPlanned"]

        _cut_off(
            stack,
            ("/api/v1/programs/cut-1/submit", "submit-cut-1", None),
            lambda: _task_waits(stack, "cut-1"),
            "the update reached Temporal",
        )
        resent = stack.post("/api/v1/programs/cut-1/submit", "submit-cut-1")
        assert resent.status_code == 200, resent.text
        once_more = stack.post("/api/v1/programs/cut-1/submit", "submit-cut-1")
        assert once_more.json()["last_position"] == resent.json()["last_position"]
        recorded = backend.events("cut-1")
        assert recorded.count("ProgramPlanned") == recorded.count("ProgramSubmitted") == 1
        assert recorded.count("ApprovalRequested") == 1, recorded
