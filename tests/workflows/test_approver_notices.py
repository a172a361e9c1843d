"""An approver is told when a task lands in their inbox (submission, delegation), through the
configured channels, once; the default policy has an SLA, so they are reminded too."""

from __future__ import annotations

from datetime import timedelta

from domain import commands as c
from domain.approval import DEFAULT_SLA_WORKING_DAYS, ApprovalPolicy
from tests.conftest import Harness
from tests.workflows.test_actor_proofs import _plan_command


async def test_approvers_are_told_when_a_task_lands_and_reminded_within_the_sla(
    harness: Harness,
) -> None:
    h = harness
    await h.programs.plan(await _plan_command(h, "p-told"))
    assert h.db.outbox.list() == []
    await h.programs.act("p-told", c.SubmitProgram(actor="spec.li"))
    [told] = h.db.outbox.list()
    assert told["recipient"] == "mgr.wang" and told["program_id"] == "p-told"
    assert told["subject"] == "Waiting for you: approval of “Safety basics”"
    assert "due " in told["body"]  # the default policy's SLA gives the task a due date

    await h.programs.act("p-told", c.DelegateTask(actor="mgr.wang", to="mgr.chen"))
    recipients = sorted(n["recipient"] for n in h.db.outbox.list())
    assert recipients == ["mgr.chen", "mgr.wang"]

    await h.env.sleep(timedelta(days=6))  # half the SLA (working days) has passed: a reminder
    kinds = [r.event_type for r in h.db.store.read_stream("program-p-told")]
    assert "TaskReminderSent" in kinds
    assert ApprovalPolicy().steps[0].sla_working_days == DEFAULT_SLA_WORKING_DAYS
