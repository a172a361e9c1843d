"""The task page with a real group policy: claim from the group, delegate, the delegate hands
it back, the owner approves; other group members lose the task once it is claimed."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from activities.admin_config import AdminConfig
from domain.approval import ApprovalPolicy, Approvers, PolicyStep
from services.database import Database
from tests.api.conftest import World, csrf_of, plan_body
from tests.conftest import Harness, running_worker

POLICY = ApprovalPolicy(
    name="leads",
    groups={"leads": ("mgr.wang", "mgr.chen")},
    steps=(PolicyStep(id="lead", name="Any team lead", approvers=Approvers(group="leads")),),
)


@pytest_asyncio.fixture
async def harness(time_env: WorkflowEnvironment, database: Database) -> AsyncIterator[Harness]:
    """This module's worker runs the group policy above."""
    async with running_worker(time_env, database, AdminConfig(approval=POLICY)) as h:
        yield h


async def decide(world: World, user: str, task_id: str, **form: str) -> int:
    async with world.browser(user) as page:
        html = (await page.get(f"/tasks/{task_id}")).text
        done = await page.post(f"/tasks/{task_id}", data={"csrf_token": csrf_of(html), **form})
        return done.status_code


async def test_claim_delegate_resolve_approve_in_the_browser_forms(world: World) -> None:
    async with world.client("spec.li") as li:
        assert (
            await li.post("/api/v1/programs", json=await plan_body(world.h, "grp-1"))
        ).is_success
        assert (await li.post("/api/v1/programs/grp-1/submit")).is_success
    [task] = world.inbox("mgr.chen")
    assert task["relation"] == "candidate" and world.inbox("mgr.wang")[0]["relation"] == "candidate"
    async with world.browser("mgr.chen") as page:
        html = (await page.get(f"/tasks/{task['task_id']}")).text
        assert 'data-testid="claim"' in html

    assert await decide(world, "mgr.chen", task["task_id"], decision="claim") == 303
    world.h.db.projector.catch_up()
    assert world.inbox("mgr.wang") == [] and world.inbox("mgr.chen")[0]["relation"] == "assigned"

    assert (
        await decide(world, "mgr.chen", task["task_id"], decision="delegate", to="lead.ma") == 303
    )
    world.h.db.projector.catch_up()
    assert world.inbox("lead.ma")[0]["relation"] == "delegated"
    refused = await decide(world, "lead.ma", task["task_id"], decision="approve")
    assert refused == 403
    assert (
        await decide(world, "lead.ma", task["task_id"], decision="resolve", comment="fine by me")
        == 303
    )
    world.h.db.projector.catch_up()
    assert world.inbox("lead.ma") == []
    assert await decide(world, "mgr.chen", task["task_id"], decision="approve", comment="ok") == 303
    state = await world.h.programs.state("grp-1")
    assert state.status == "approved"
    kinds = [r.event_type for r in world.h.db.store.read_stream("program-grp-1")]
    assert kinds[-6:] == [
        "TaskClaimed",
        "TaskDelegated",
        "TaskResolved",
        "ApprovalGranted",
        "ApprovalStepCompleted",
        "ProgramApproved",
    ]
