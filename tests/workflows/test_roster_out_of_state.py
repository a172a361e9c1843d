"""A program's workflow carries no per-trainee lists: its state keeps none (across
continue-as-new too), and the per-trainee rules are answered by the roster index as of the
workflow's own version (``workflows.roster``), refusing what the full state would refuse."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4

import pytest

from domain import commands as c
from services.program_client import ActionRefused
from tests.conftest import Harness, until
from tests.plans import one_session
from tests.workflows.support import approve_and_publish


async def test_the_workflow_keeps_no_roster_and_the_index_answers_its_rules(
    harness: Harness,
) -> None:
    h = harness
    pid = f"r-{uuid4().hex[:8]}"
    start = await h.env.get_current_time() + timedelta(days=2)
    await h.programs.plan(
        one_session(
            pid,
            "Roster",
            start,
            ("t3", "t1", "t2"),
            planned_date=(start + timedelta(days=20)).date(),
            evaluation_window_days=30,
        ),
        history_soft_limit=30,  # continues as new several times along the way
    )
    handle = h.env.client.get_workflow_handle(pid)
    first_run = (await handle.describe()).run_id
    await approve_and_publish(h.programs, pid)
    await h.programs.act(pid, c.EnrollTrainee(actor="spec", trainee="t4"))
    with pytest.raises(ActionRefused, match="already enrolled"):
        await h.programs.act(pid, c.EnrollTrainee(actor="spec", trainee="t1"))
    await until(h.env, start + timedelta(minutes=1))
    with pytest.raises(ActionRefused, match="not enrolled in this program: stranger"):
        await h.programs.act(
            pid, c.RecordAttendance(actor="spec", session_id="s1", attendees=("t1", "stranger"))
        )
    for later in (
        c.RecordAttendance(actor="spec", session_id="s1", attendees=("t2", "t1")),
        c.CompleteSession(actor="spec", session_id="s1"),
        c.CompleteExecution(actor="spec"),
        c.SubmitSurvey(actor="t1", scores={"overall": 90}),
    ):
        await h.programs.act(pid, later)
    with pytest.raises(ActionRefused, match="t3"):  # enrolled, did not attend
        await h.programs.act(pid, c.SubmitSurvey(actor="t3", scores={"overall": 90}))
    with pytest.raises(ActionRefused, match="already"):
        await h.programs.act(pid, c.SubmitSurvey(actor="t1", scores={"overall": 50}))

    stream = h.db.store.read_stream(f"program-{pid}")
    [attendance] = [r.payload for r in stream if r.event_type == "AttendanceRecorded"]
    # absentees in enrolment order: the plan's roster (enrolled sorted), then t4
    assert attendance["absentees"] == ["t3", "t4"]
    enrolled = [r.payload["trainee"] for r in stream if r.event_type == "TraineeEnrolled"]
    assert enrolled == ["t1", "t2", "t3", "t4"]
    assert [r.event_type for r in stream].count("ReminderSent") == 2

    state = await h.programs.state(pid)
    assert state.status == "evaluating"
    assert state.trainees == state.enrolled == ()
    assert not (state.surveyed or state.examined or state.pending_scores)
    assert state.attendance == {"s1": ()}
    assert (
        await handle.describe()
    ).run_id != first_run  # it did continue as new, carrying no roster
