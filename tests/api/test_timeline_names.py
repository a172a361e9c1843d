"""The timeline says an approval step by its name, not its id, in the reader's language; the
stored English summary of the row stays as it was written (a rebuild must equal it)."""

from __future__ import annotations

from projections.event_texts import decode, render
from tests.api.conftest import World, run


async def test_a_completed_step_is_named_not_numbered(world: World) -> None:
    await run(world, "named-1", "approved")
    async with world.client("spec.li") as li:
        timeline = (await li.get("/api/v1/programs/named-1/timeline")).json()
    [done] = [e for e in timeline if e["event_type"] == "ApprovalStepCompleted"]
    assert done["summary"] == "approval step approval completed"  # as stored, forever
    message = decode(done["message"])
    assert message is not None
    assert render(message, "en") == "approval step “Approval by the plan's approvers” completed"
    assert render(message, "zh-CN") == "审批步骤“由计划指定的审批人审批”已完成"
    async with world.browser("spec.li") as page:
        english = (await page.get("/programs/named-1")).text
        await page.get("/lang/zh-CN", params={"next": "/"})
        chinese = (await page.get("/programs/named-1")).text
    assert "approval step “Approval by the plan&#39;s approvers” completed" in english
    assert "审批步骤“由计划指定的审批人审批”已完成" in chinese
