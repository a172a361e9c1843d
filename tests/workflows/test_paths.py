"""Approval paths, reschedule, cancel, continue-as-new and replay on the time-skipping server."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Replayer

from domain import commands as c
from domain.events import Session
from domain.program import ProgramState
from domain.reminders import attend_due, prepare_due
from services.program_client import ActionRefused
from tests.conftest import Harness
from tests.workflows.support import accepted_updates, event_types, revise_as_is
from workflows.program import TrainingProgramWorkflow
from workflows.sandbox import sandbox_runner

TZ = "Europe/Berlin"


async def plan(h: Harness, *, days_ahead: float = 20, trainees: int = 2, **kw: Any) -> str:
    program_id = f"p-{uuid4().hex[:10]}"
    now = await h.env.get_current_time()
    start = (
        (now + timedelta(days=days_ahead))
        .astimezone(ZoneInfo(TZ))
        .replace(hour=11, minute=0, second=0, microsecond=0)
    )
    await h.programs.plan(
        c.PlanProgram(
            program_id=program_id,
            actor="spec",
            approvers=("boss", "hr"),
            timezone=TZ,
            title="Negotiation",
            planned_date=(start + timedelta(days=3)).date(),
            sessions=(Session(session_id="s1", starts_at=start),),
            trainees=tuple(f"t{n}" for n in range(trainees)),
        ),
        **kw,
    )
    return program_id


async def approve_and_publish(h: Harness, pid: str) -> None:
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    await h.programs.act(pid, c.ApproveProgram(actor="boss"))
    await h.programs.act(pid, c.PublishProgram(actor="spec"))


#: A plan submitted to a step with two approvers, as the log tells it.
SUBMITTED = [
    "ProgramPlanned",
    "ProgramSubmitted",
    "ApprovalStepStarted",
    "ApprovalRequested",
    "ApprovalRequested",
]


def reminders(h: Harness, pid: str) -> list[tuple[str, datetime]]:
    return [
        (r.payload["kind"], datetime.fromisoformat(r.payload["due_at"]))
        for r in h.db.store.read_stream(f"program-{pid}")
        if r.event_type == "ReminderSent"
    ]


async def session_start(h: Harness, pid: str) -> datetime:
    return (await h.programs.state(pid)).sessions["s1"].starts_at


async def test_rejected_program_ends_and_leaves_no_open_task(harness: Harness) -> None:
    h = harness
    pid = await plan(h)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    h.db.projector.catch_up()
    from projections.queries import approver_inbox

    assert [t["program_id"] for t in approver_inbox(h.db.engine, "hr")] == [pid]
    await h.programs.act(pid, c.RejectProgram(actor="hr", reason="not this quarter"))
    result = await h.env.client.get_workflow_handle(pid, result_type=ProgramState).result()
    assert result.status == "rejected"
    assert event_types(h, pid)[-2:] == ["ApprovalRejected", "ApprovalTaskWithdrawn"]
    h.db.projector.catch_up()
    assert approver_inbox(h.db.engine, "hr") == [] and approver_inbox(h.db.engine, "boss") == []


async def test_changes_requested_then_revised_resubmitted_and_approved(harness: Harness) -> None:
    h = harness
    pid = await plan(h)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    await h.programs.act(pid, c.RequestChanges(actor="boss", reason="add trainees"))
    with pytest.raises(ActionRefused, match="cannot approve a program that is changes_requested"):
        await h.programs.act(pid, c.ApproveProgram(actor="hr"))
    state = await h.programs.state(pid)
    await revise_as_is(h, pid, trainees=(*state.trainees, "t9"), comment="added t9")
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    result = await h.programs.act(pid, c.ApproveProgram(actor="hr"))
    assert result.status == "approved"
    assert event_types(h, pid) == [
        *SUBMITTED,
        "ChangesRequested",
        "ApprovalTaskWithdrawn",
        "ProgramRevised",
        *SUBMITTED[1:],
        "ApprovalGranted",
        "ApprovalTaskWithdrawn",
        "ApprovalStepCompleted",
        "ProgramApproved",
    ]


async def test_reschedule_moves_both_reminders(harness: Harness) -> None:
    h = harness
    pid = await plan(h, days_ahead=10)
    await approve_and_publish(h, pid)
    old = await session_start(h, pid)
    new = old + timedelta(days=7, hours=3)
    await h.env.sleep(timedelta(days=2))  # before the first reminder is due
    await h.programs.act(pid, c.RescheduleSession(actor="spec", session_id="s1", starts_at=new))
    await h.env.sleep(new - await h.env.get_current_time() + timedelta(minutes=1))
    assert reminders(h, pid) == [
        ("prepare_materials", prepare_due(new, TZ)),
        ("attend_session", attend_due(new, TZ)),
    ]
    assert prepare_due(new, TZ) != prepare_due(old, TZ)


async def test_a_session_published_inside_the_window_is_reminded_at_once_and_once(
    harness: Harness,
) -> None:
    h = harness
    pid = await plan(h, days_ahead=1.5)
    await approve_and_publish(h, pid)
    start = await session_start(h, pid)
    await h.env.sleep(start - await h.env.get_current_time() + timedelta(hours=1))
    sent = reminders(h, pid)
    assert [kind for kind, _ in sent] == ["prepare_materials", "attend_session"]
    told = h.db.outbox.list(recipient="spec")  # the approval, then the one reminder
    assert [n["subject"].split(":")[0] for n in told] == ["Prepare materials", "Approved"]


async def test_cancelling_stops_reminders(harness: Harness) -> None:
    h = harness
    pid = await plan(h, days_ahead=10)
    await approve_and_publish(h, pid)
    await h.programs.act(pid, c.CancelProgram(actor="spec", reason="trainer ill"))
    handle = h.env.client.get_workflow_handle(pid, result_type=ProgramState)
    assert (await handle.result()).status == "cancelled"
    told = h.db.outbox.list()  # the approval task's and the approval's notices, before it
    await h.env.sleep(timedelta(days=12))
    assert reminders(h, pid) == []
    assert h.db.outbox.list() == told
    assert all(n["subject"].startswith(("Waiting for you", "Approved")) for n in told)
    with pytest.raises(ActionRefused):
        await h.programs.act(pid, c.PublishProgram(actor="spec"))


async def test_refused_updates_reach_neither_history_nor_log(harness: Harness) -> None:
    h = harness
    pid = await plan(h)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    refusals: list[tuple[c.ProgramCommand, str]] = [
        (c.ApproveProgram(actor="spec"), "four-eyes"),
        (c.ApproveProgram(actor="mallory"), "'mallory' has no open approval task"),
        (c.PublishProgram(actor="spec"), "cannot publish a program that is submitted"),
        (c.SubmitExam(actor="t0", score=50), "cannot take the exam of"),
    ]
    for command, reason in refusals:
        with pytest.raises(ActionRefused, match=reason):
            await h.programs.act(pid, command)
    assert event_types(h, pid) == SUBMITTED
    # The plan read-back and the submit, nothing refused:
    assert await accepted_updates(h, pid) == ["planned", "act"]


async def test_long_program_continues_as_new_and_keeps_its_stream(harness: Harness) -> None:
    h = harness
    pid = await plan(h, history_soft_limit=40)
    await approve_and_publish(h, pid)
    handle = h.env.client.get_workflow_handle(pid, result_type=ProgramState)
    first_run = (await handle.describe()).run_id
    for n in range(12):
        await h.programs.act(pid, c.EnrollTrainee(actor="spec", trainee=f"late{n}"))
    assert (await handle.describe()).run_id != first_run
    stream = h.db.store.read_stream(f"program-{pid}")
    assert [r.event_type for r in stream].count("TraineeEnrolled") == 14  # none twice, none lost
    with pytest.raises(ActionRefused, match="already enrolled"):  # the index, after the moves
        await h.programs.act(pid, c.EnrollTrainee(actor="spec", trainee="late0"))
    versions = [r.stream_version for r in h.db.store.read_stream(f"program-{pid}")]
    assert versions == list(range(1, len(versions) + 1))
    run_ids = {r.metadata["run_id"] for r in h.db.store.read_stream(f"program-{pid}")}
    assert len(run_ids) >= 2


async def test_recorded_history_replays_against_todays_code(harness: Harness) -> None:
    h = harness
    pid = await plan(h, days_ahead=5)
    await approve_and_publish(h, pid)
    start = await session_start(h, pid)
    await h.env.sleep(start - await h.env.get_current_time() + timedelta(hours=4))
    await h.programs.act(pid, c.RecordAttendance(actor="spec", session_id="s1", attendees=("t0",)))
    await h.programs.act(pid, c.CompleteSession(actor="spec", session_id="s1"))
    await h.programs.act(pid, c.CompleteExecution(actor="spec"))
    await h.programs.act(pid, c.CloseEvaluation(actor="spec"))
    await h.programs.act(pid, c.SubmitFeedback(actor="spec", summary="done"))
    handle = h.env.client.get_workflow_handle(pid, result_type=ProgramState)
    await handle.result()
    history: WorkflowHistory = await handle.fetch_history()
    replayer = Replayer(
        workflows=[TrainingProgramWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=sandbox_runner(),
    )
    result = await replayer.replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None
