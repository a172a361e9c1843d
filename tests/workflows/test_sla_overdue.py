"""When a task's SLA runs out on a step that escalates to nobody (the default policy), its
approver gets an overdue notice: once, at ``due_at``, and never for a task decided in time."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from temporalio.client import WorkflowHistory

from domain import commands as c
from projections.queries import approver_inbox, program_timeline
from tests.conftest import Harness
from tests.workflows.test_actor_proofs import _plan_command
from tests.workflows.test_facts import replayer

OVERDUE_SUBJECT = "Overdue: approval of “Safety basics” is past its SLA"


def _overdue(h: Harness) -> list[dict[str, object]]:
    return [n for n in h.db.outbox.list() if str(n["subject"]).startswith("Overdue:")]


async def _due_at(h: Harness, program_id: str) -> datetime:
    """Plan and submit the program: when its one open approval task falls due."""
    await h.programs.plan(await _plan_command(h, program_id))
    await h.programs.act(program_id, c.SubmitProgram(actor="spec.li"))
    [task] = (await h.programs.state(program_id)).tasks.values()
    assert task.due_at is not None
    return task.due_at


async def test_an_open_task_past_its_sla_gets_one_overdue_notice(harness: Harness) -> None:
    h = harness
    due_at = await _due_at(h, "p-late")

    await h.env.sleep(due_at - await h.env.get_current_time() - timedelta(minutes=5))
    assert _overdue(h) == [], "not before the SLA has run out"

    await h.env.sleep(timedelta(minutes=10))
    [notice] = _overdue(h)
    assert notice["recipient"] == "mgr.wang" and notice["subject"] == OVERDUE_SUBJECT
    sent = [
        r for r in h.db.store.read_stream("program-p-late") if r.event_type == "TaskReminderSent"
    ]
    assert [r.payload["overdue"] for r in sent] == [False, True]
    assert abs(sent[1].occurred_at - due_at) < timedelta(seconds=5)

    await h.env.sleep(timedelta(days=10))  # later wake-ups do not tell them again
    assert len(_overdue(h)) == 1
    kinds = [r.event_type for r in h.db.store.read_stream("program-p-late")]
    assert kinds.count("TaskReminderSent") == 2

    h.db.projector.catch_up()
    summaries = [row["summary"] for row in program_timeline(h.db.engine, "p-late")]
    assert any(s.startswith("SLA passed: overdue notice") for s in summaries), summaries
    now = await h.env.get_current_time()
    [row] = approver_inbox(h.db.engine, "mgr.wang", now=now)
    assert row["overdue"]


async def test_a_task_decided_in_time_gets_no_overdue_notice(harness: Harness) -> None:
    h = harness
    due_at = await _due_at(h, "p-prompt")
    await h.programs.act("p-prompt", c.ApproveProgram(actor="mgr.wang"))
    await h.env.sleep(due_at - await h.env.get_current_time() + timedelta(days=2))
    assert _overdue(h) == []
    kinds = [r.event_type for r in h.db.store.read_stream("program-p-prompt")]
    assert "TaskReminderSent" not in kinds


async def test_a_history_past_its_sla_recorded_before_the_notice_still_replays() -> None:
    """``pre-overdue.json`` was recorded by commit 203b52c (the default policy, approved a day
    after its SLA ran out, with no timer at ``due_at``): the overdue timer is behind
    ``workflow.patched``, or this replay would wait for a timer the history never started."""
    text = (Path(__file__).parent / "histories" / "pre-overdue.json").read_text(encoding="utf-8")
    history = WorkflowHistory.from_json("pre-overdue", text)
    result = await replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None
