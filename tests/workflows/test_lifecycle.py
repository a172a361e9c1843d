"""The program workflow on the time-skipping server, end to end through the real event log."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from domain import commands as c
from domain.events import load_event
from domain.reminders import attend_due, prepare_due
from tests.conftest import Harness
from tests.plans import TZ
from tests.workflows.support import event_types, safety_basics


async def _plan(h: Harness, program_id: str, *, days_ahead: int = 20) -> c.PlanProgram:
    now = await h.env.get_current_time()
    local = now.astimezone(ZoneInfo(TZ))
    start = datetime.combine(
        (local + timedelta(days=days_ahead)).date(), datetime.min.time(), ZoneInfo(TZ)
    ).replace(hour=10)
    plan = safety_basics(program_id, start, ("emp.1", "emp.2", "emp.3"), evaluation_window_days=7)
    await h.programs.plan(plan)
    return plan


def _events(h: Harness, program_id: str) -> list[object]:
    return [
        load_event(r.event_type, r.schema_version, r.payload)
        for r in h.db.store.read_stream(f"program-{program_id}")
    ]


async def test_full_lifecycle_with_reminders_at_the_right_instants(harness: Harness) -> None:
    h = harness
    plan = await _plan(h, "p-life")
    start = plan.sessions[0].starts_at
    await h.programs.act("p-life", c.SubmitProgram(actor="spec.li"))
    await h.programs.act("p-life", c.ApproveProgram(actor="mgr.wang", comment="ok"))
    result = await h.programs.act("p-life", c.PublishProgram(actor="spec.li"))
    assert result.status == "published"

    # Skip to just after the session starts: both reminders must have fired at their instants.
    await h.env.sleep(start - await h.env.get_current_time() + timedelta(minutes=1))
    sent = [e for e in _events(h, "p-life") if getattr(e, "type", "") == "ReminderSent"]
    assert [(s.kind, s.due_at) for s in sent] == [  # type: ignore[attr-defined]
        ("prepare_materials", prepare_due(start, TZ)),
        ("attend_session", attend_due(start, TZ)),
    ]
    prepared = prepare_due(start, TZ)
    assert prepared.hour == 9 and prepared.weekday() < 5 and prepared < start - timedelta(days=3)
    assert attend_due(start, TZ) == start.replace(hour=8)
    recorded = {
        r.payload["kind"]: r.occurred_at
        for r in h.db.store.read_stream("program-p-life")
        if r.event_type == "ReminderSent"
    }
    assert abs(recorded["prepare_materials"] - prepare_due(start, TZ)) < timedelta(seconds=5)
    assert abs(recorded["attend_session"] - attend_due(start, TZ)) < timedelta(seconds=5)
    outbox = h.db.outbox.list()
    # The approver was told when the task landed, the specialist of the approval; the
    # reminders went to the others.
    assert sorted(n["recipient"] for n in outbox) == [
        "emp.1",
        "emp.2",
        "emp.3",
        "mgr.wang",
        "spec.li",
        "spec.li",
    ]
    told = next(n for n in outbox if n["recipient"] == "mgr.wang")
    assert "Waiting for you" in told["subject"] and "Safety basics" in told["subject"]

    await h.programs.act(
        "p-life", c.RecordAttendance(actor="spec.li", session_id="s1", attendees=("emp.1", "emp.2"))
    )
    await h.programs.act("p-life", c.CompleteSession(actor="spec.li", session_id="s1"))
    done = await h.programs.act("p-life", c.CompleteExecution(actor="spec.li"))
    assert done.status == "evaluating"
    await h.programs.act("p-life", c.SubmitSurvey(actor="emp.1", scores={"overall": 90}))
    await h.programs.act(
        "p-life",
        c.RecordExamScore(actor="spec.li", trainee="emp.2", score=75, evidence="sheet-0042"),
    )

    # The evaluation window closes by itself after 7 days.
    await h.env.sleep(timedelta(days=7, minutes=1))
    assert (await h.programs.state("p-life")).status == "feedback"
    await h.programs.act("p-life", c.SubmitFeedback(actor="spec.li", summary="went well"))
    handle = h.env.client.get_workflow_handle("p-life")
    final = await handle.result()
    assert final["status"] == "closed" if isinstance(final, dict) else final.status == "closed"
    assert event_types(h, "p-life") == [
        "ProgramPlanned",
        "ProgramSubmitted",
        "ApprovalStepStarted",
        "ApprovalRequested",
        "ApprovalGranted",
        "ApprovalStepCompleted",
        "ProgramApproved",
        "ProgramPublished",
        "SessionScheduled",
        # the plan's roster, enrolled by the system after the publication (workflows.roster)
        "TraineeEnrolled",
        "TraineeEnrolled",
        "TraineeEnrolled",
        "ReminderSent",
        "ReminderSent",
        "AttendanceRecorded",
        "SessionCompleted",
        "ProgramExecuted",
        "EvaluationOpened",
        "SurveySubmitted",
        "ExamSubmitted",
        "EvaluationClosed",
        "FeedbackSubmitted",
        "ProgramClosed",
    ]
    executed = next(e for e in _events(h, "p-life") if getattr(e, "type", "") == "ProgramExecuted")
    assert executed.on_time is True  # type: ignore[attr-defined]
    assert isinstance(executed.planned_date, date)  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("command", "reason"),
    [
        (c.ApproveProgram(actor="mgr.wang"), "cannot approve a program that is draft"),
        (c.SubmitProgram(actor="mgr.wang"), "only the program's specialist"),
        (c.PublishProgram(actor="spec.li"), "cannot publish a program that is draft"),
    ],
)
async def test_invalid_updates_are_refused_and_record_nothing(
    harness: Harness, command: c.ProgramCommand, reason: str
) -> None:
    from services.program_client import ActionRefused

    program_id = f"p-bad-{uuid4().hex[:8]}"
    await _plan(harness, program_id)
    with pytest.raises(ActionRefused, match=reason):
        await harness.programs.act(program_id, command)
    assert event_types(harness, program_id) == ["ProgramPlanned"]
