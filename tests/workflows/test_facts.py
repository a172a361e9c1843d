"""Facts that cannot be inflated, through the workflow on the time-skipping server: refusals
record nothing, late entries and recorded scores are marked in the log and the timeline, and a
history recorded before these rules still replays."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import select
from temporalio.client import WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment
from temporalio.worker import Replayer

from activities.admin_config import AdminConfig
from domain import commands as c
from domain.events import Session
from domain.fact_rules import ExamScoreRules, FactRules
from projections.evaluation import responses
from projections.queries import program_timeline
from services.database import Database
from services.program_client import ActionRefused
from tests.conftest import Harness, running_worker, until
from tests.workflows.support import published_for
from workflows.program import TrainingProgramWorkflow
from workflows.sandbox import sandbox_runner

HISTORIES = Path(__file__).parent / "histories"


async def published(h: Harness, *, days_ahead: int = 2) -> tuple[str, datetime]:
    pid = f"f-{uuid4().hex[:8]}"
    start = await h.env.get_current_time() + timedelta(days=days_ahead)
    await published_for(
        h,
        pid,
        "Forklift safety",
        ("t1", "t2"),
        start,
        timezone="Asia/Shanghai",
        planned_date=(start + timedelta(days=20)).date(),
        sessions=(Session(session_id="s1", starts_at=start, duration_hours=3),),
        evaluation_window_days=30,
    )
    return pid, start


def replayer() -> Replayer:
    return Replayer(
        workflows=[TrainingProgramWorkflow],
        data_converter=pydantic_data_converter,
        workflow_runner=sandbox_runner(),
    )


def by_people_since(h: Harness, pid: str, version: int) -> list[str]:
    """Events people recorded after ``version`` (the workflow's own timers aside)."""
    return [
        r.event_type
        for r in h.db.store.read_stream(f"program-{pid}", after_version=version)
        if r.metadata["role"] != "system"
    ]


def log(h: Harness, pid: str) -> list[tuple[str, dict[str, object]]]:
    return [(r.event_type, r.payload) for r in h.db.store.read_stream(f"program-{pid}")]


async def test_early_attendance_is_refused_and_a_late_entry_is_marked(harness: Harness) -> None:
    h = harness
    pid, start = await published(h)
    version = h.db.store.stream_version(f"program-{pid}")
    attend = c.RecordAttendance(actor="spec", session_id="s1", attendees=("t1",))
    with pytest.raises(ActionRefused, match=r"session 's1' starts at .*before it has started"):
        await h.programs.act(pid, attend)
    assert by_people_since(h, pid, version) == []  # nothing recorded (timers may fire)
    assert "AttendanceRecorded" not in [t for t, _ in log(h, pid)]

    await until(h.env, start)
    on_time = await h.programs.act(pid, attend)
    assert on_time.events == ("AttendanceRecorded",)
    assert log(h, pid)[-1][1]["late_entered"] is False

    await h.env.sleep(timedelta(hours=3, days=7, minutes=1))  # past the end + 7 days
    version = h.db.store.stream_version(f"program-{pid}")
    with pytest.raises(ActionRefused, match=r"more than 7 days ago: .*give the reason"):
        await h.programs.act(pid, c.CompleteSession(actor="spec", session_id="s1"))
    assert by_people_since(h, pid, version) == []
    reason = "trainer was travelling; held as planned, see the sign-in sheet"
    await h.programs.act(pid, c.CompleteSession(actor="spec", session_id="s1", late_reason=reason))
    kind, payload = log(h, pid)[-1]
    assert kind == "SessionCompleted" and payload["late_entered"] is True
    assert payload["late_reason"] == reason

    await h.programs.act(pid, c.CompleteExecution(actor="spec"))
    with pytest.raises(ActionRefused, match="trainees do not report their own exam score"):
        await h.programs.act(pid, c.SubmitExam(actor="t1", score=100))
    with pytest.raises(ActionRefused, match="'t2' did not attend"):
        await h.programs.act(
            pid, c.RecordExamScore(actor="spec", trainee="t2", score=90, evidence="DOC-1")
        )
    await h.programs.act(
        pid, c.RecordExamScore(actor="spec", trainee="t1", score=72, evidence="DOC-1")
    )
    kind, payload = log(h, pid)[-1]
    assert kind == "ExamSubmitted"
    assert (payload["recorded_by"], payload["evidence"]) == ("spec", "DOC-1")

    h.db.projector.catch_up()
    summaries = [t["summary"] for t in program_timeline(h.db.engine, pid)]
    assert f"session s1 held (entered late: {reason})" in summaries
    assert "attendance of s1: 1/2" in summaries
    assert "exam of t1: 72 (recorded by spec, evidence DOC-1)" in summaries
    history = await h.env.client.get_workflow_handle(pid).fetch_history()
    replayed = await replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert replayed.replay_failure is None  # recorded with the patch marker, replays strictly


async def test_a_score_counts_once_a_second_person_confirms_it(
    time_env: WorkflowEnvironment, database: Database
) -> None:
    four_eyes = AdminConfig(facts=FactRules(exam_scores=ExamScoreRules(confirmation="required")))
    async with running_worker(time_env, database, four_eyes) as h:
        pid, start = await published(h, days_ahead=1)
        await until(h.env, start + timedelta(hours=3))
        for command in (
            c.RecordAttendance(actor="spec", session_id="s1", attendees=("t1", "t2")),
            c.CompleteSession(actor="spec", session_id="s1"),
            c.CompleteExecution(actor="spec"),
            c.RecordExamScore(actor="spec", trainee="t1", score=55, evidence="a" * 64),
        ):
            await h.programs.act(pid, command)
        assert log(h, pid)[-1][0] == "ExamScorePending"
        h.db.projector.catch_up()
        with h.db.engine.connect() as conn:
            exams = conn.execute(select(responses).where(responses.c.kind == "exam")).all()
        assert exams == []  # a pending score does not count

        for confirmer, reason in (("spec", "recorded this score"), ("t2", "is a trainee")):
            with pytest.raises(ActionRefused, match=reason):
                await h.programs.act(pid, c.ConfirmExamScore(actor=confirmer, trainee="t1"))
        result = await h.programs.act(pid, c.ConfirmExamScore(actor="boss", trainee="t1"))
        assert result.events == ("ExamSubmitted",)
        assert log(h, pid)[-1][1]["confirmed_by"] == "boss"
        h.db.projector.catch_up()
        with h.db.engine.connect() as conn:
            exams = conn.execute(
                select(responses.c.trainee, responses.c.score).where(responses.c.kind == "exam")
            ).all()
        assert [tuple(row) for row in exams] == [("t1", 55.0)]
        summaries = [t["summary"] for t in program_timeline(h.db.engine, pid)]
        assert any("awaiting confirmation (recorded by spec" in s for s in summaries)
        assert any(s.endswith(", confirmed by boss)") for s in summaries)


async def test_a_history_recorded_before_these_rules_still_replays() -> None:
    """``pre-facts.json`` was recorded by the code before these rules (commit 397b503, on the
    time-skipping server): attendance and completion days before the session, and trainees
    reporting their own scores. The handler must decide it the same way (``workflow.patched``),
    or replay fails."""
    history = WorkflowHistory.from_json(
        "pre-facts", (HISTORIES / "pre-facts.json").read_text(encoding="utf-8")
    )
    result = await replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert result.replay_failure is None
