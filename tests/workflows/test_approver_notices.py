"""An approver is told when a task lands in their inbox (submission, delegation), through the
configured channels, once; the default policy has an SLA, so they are reminded too."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from activities.channels import DeliveryFailed
from activities.outbox import Notification, NotificationService
from domain import commands as c
from domain.approval import DEFAULT_SLA_WORKING_DAYS, ApprovalPolicy
from tests.conftest import Harness
from tests.workflows.test_actor_proofs import _plan_command


async def told_by_now(h: Harness, count: int) -> list[dict[str, Any]]:
    """The outbox once it holds ``count`` notices: they are sent after the action answers."""
    for _ in range(200):
        if len(told := h.db.outbox.list()) >= count:
            return told
        await asyncio.sleep(0.05)
    raise AssertionError(f"{count} notice(s) expected, the outbox has {h.db.outbox.list()}")


async def test_an_action_answers_while_its_notices_cannot_be_delivered(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A notification channel that is down never holds the person's request: the submission
    answers at once, and the notice goes out once the channel is back."""
    h = harness
    await h.programs.plan(await _plan_command(h, "p-down"))
    down = True
    send = NotificationService.send

    def channel(self: NotificationService, notification: Notification, attempt: int = 1) -> str:
        if down:
            raise DeliveryFailed("the mail server is down")
        return send(self, notification, attempt)

    monkeypatch.setattr(NotificationService, "send", channel)
    submitted = await asyncio.wait_for(
        h.programs.act("p-down", c.SubmitProgram(actor="spec.li")), timeout=30
    )
    assert submitted.status == "submitted" and h.db.outbox.list() == []
    down = False
    await h.env.sleep(timedelta(minutes=1))  # the activity's next retry
    [told] = await told_by_now(h, 1)
    assert told["recipient"] == "mgr.wang" and told["program_id"] == "p-down"


async def test_approvers_are_told_when_a_task_lands_and_reminded_within_the_sla(
    harness: Harness,
) -> None:
    h = harness
    await h.programs.plan(await _plan_command(h, "p-told"))
    assert h.db.outbox.list() == []
    await h.programs.act("p-told", c.SubmitProgram(actor="spec.li"))
    [told] = await told_by_now(h, 1)
    assert told["recipient"] == "mgr.wang" and told["program_id"] == "p-told"
    assert told["subject"] == "Waiting for you: approval of “Safety basics”"
    assert "due " in told["body"]  # the default policy's SLA gives the task a due date

    await h.programs.act("p-told", c.DelegateTask(actor="mgr.wang", to="mgr.chen"))
    recipients = sorted(n["recipient"] for n in await told_by_now(h, 2))
    assert recipients == ["mgr.chen", "mgr.wang"]

    await h.env.sleep(timedelta(days=6))  # half the SLA (working days) has passed: a reminder
    kinds = [r.event_type for r in h.db.store.read_stream("program-p-told")]
    assert "TaskReminderSent" in kinds
    assert ApprovalPolicy().steps[0].sla_working_days == DEFAULT_SLA_WORKING_DAYS


async def test_the_specialist_is_told_of_each_decision(harness: Harness) -> None:
    """Issue 16: the specialist learnt of an approval, a rejection or a request for changes
    only by looking; each now sends them a notice, once."""
    h = harness
    for pid, decision, kind in (
        (
            "p-yes",
            c.ApproveProgram(actor="mgr.wang", comment="go ahead"),
            "Approved: “Safety basics”",
        ),
        ("p-back", c.RequestChanges(actor="mgr.wang", reason="add a session"), "Changes"),
        ("p-no", c.RejectProgram(actor="mgr.wang", reason="not this year"), "Rejected"),
    ):
        await h.programs.plan(await _plan_command(h, pid))
        await h.programs.act(pid, c.SubmitProgram(actor="spec.li"))
        await h.programs.act(pid, decision)
        for _ in range(200):
            told = [n for n in h.db.outbox.list("spec.li") if n["program_id"] == pid]
            if told:
                break
            await asyncio.sleep(0.05)
        [notice] = told
        assert notice["subject"].startswith(kind), notice
    back = next(n for n in h.db.outbox.list("spec.li") if n["program_id"] == "p-back")
    assert "add a session" in back["body"] and "要求修改" in back["body"]
    # an approval names who approved and their comment too, in both languages
    yes = next(n for n in h.db.outbox.list("spec.li") if n["program_id"] == "p-yes")
    assert "mgr.wang approved your program, commenting “go ahead”" in yes["body"], yes
    assert "mgr.wang 批准了你的培训项目,意见:“go ahead”" in yes["body"], yes
