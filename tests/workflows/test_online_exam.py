"""Online exams through the workflow: answers graded against the course's answer key (from the
reference data in the log), mastery per knowledge point in the read models."""

from __future__ import annotations

import logging
from datetime import timedelta
from uuid import uuid4

import pytest
from sqlalchemy import select

from domain import commands as c
from domain.reference import CourseDefined, ProgramResourcesAssigned, Question
from projections.evaluation import items
from services.program_client import ActionRefused
from tests.conftest import Harness, record_reference, until
from tests.plans import one_session
from tests.workflows.support import approve_and_publish


async def evaluating(h: Harness, pid: str) -> None:
    now = await h.env.get_current_time()
    start = now + timedelta(days=5)
    await h.programs.plan(
        one_session(
            pid, "Safety", start, ("t1", "t2"), planned_date=(start + timedelta(days=3)).date()
        )
    )
    await approve_and_publish(h.programs, pid)
    await until(h.env, start)
    for command in (
        c.RecordAttendance(actor="spec", session_id="s1", attendees=("t1", "t2")),
        c.CompleteSession(actor="spec", session_id="s1"),
        c.CompleteExecution(actor="spec"),
    ):
        await h.programs.act(pid, command)


async def test_online_exam_answers_are_graded_from_the_answer_key(
    harness: Harness, caplog: pytest.LogCaptureFixture
) -> None:
    h = harness
    pid = f"ex-{uuid4().hex[:8]}"
    await evaluating(h, pid)
    caplog.set_level(logging.WARNING, logger="temporalio.activity")
    with pytest.raises(ActionRefused, match="has no course to grade") as no_course:
        await h.programs.act(pid, c.SubmitExam(actor="t1", answers={"q1": "B"}))
    # a refusal by the program's rules (exit 3, said in the reader's language), not bad input
    assert (no_course.value.kind, no_course.value.code) == ("DomainError", "exam.no_course")
    # ... and the worker's log holds no traceback for someone else's mistake
    assert not [r for r in caplog.records if r.name.startswith("temporalio.activity")]
    record_reference(
        h.db.store,
        CourseDefined(
            course_id="safety-101",
            title="Safety",
            hours=3,
            knowledge_points=("fire", "first-aid"),
            questions=(
                Question(question_id="q1", knowledge_point="fire", answer="B"),
                Question(question_id="q2", knowledge_point="fire", answer="C"),
                Question(question_id="q3", knowledge_point="first-aid", answer="A"),
                Question(question_id="q4", knowledge_point="first-aid", answer="Call 120"),
            ),
        ),
    )
    record_reference(h.db.store, ProgramResourcesAssigned(program_id=pid, course_id="safety-101"))
    with pytest.raises(ActionRefused, match=r"questions the course does not have: q9$") as odd:
        await h.programs.act(pid, c.SubmitExam(actor="t1", answers={"q9": "B"}))
    # bad input (422, exit 2) with a code, so it is said in the reader's language
    assert (odd.value.kind, odd.value.code) == ("InvalidInput", "exam.unknown_questions")
    with pytest.raises(ActionRefused, match="either a score or the exam's answers"):
        await h.programs.act(pid, c.SubmitExam.model_construct(actor="t1", kind="exam"))

    result = await h.programs.act(
        pid, c.SubmitExam(actor="t1", answers={"q1": "b", "q2": "A", "q3": "A", "q4": " call  120"})
    )
    assert result.events == ("ExamSubmitted",)
    exam = [r for r in h.db.store.read_stream(f"program-{pid}") if r.event_type == "ExamSubmitted"]
    assert exam[0].payload["score"] == 75.0 and exam[0].payload["course_id"] == "safety-101"
    assert [i["correct"] for i in exam[0].payload["items"]] == [True, False, True, True]
    with pytest.raises(ActionRefused, match="trainees do not report their own exam score"):
        await h.programs.act(pid, c.SubmitExam(actor="t2", score=100))  # no self-grading
    types = [r.event_type for r in h.db.store.read_stream(f"program-{pid}")]
    assert types.count("ExamSubmitted") == 1

    h.db.projector.catch_up()
    with h.db.engine.connect() as conn:
        graded = conn.execute(select(items.c.knowledge_point, items.c.correct)).all()
    assert sorted(graded) == [
        ("fire", False),
        ("fire", True),
        ("first-aid", True),
        ("first-aid", True),
    ]
