"""Facts that cannot be inflated (docs/facts.md): each rule refuses what it must and lets the
honest case through; ``strict_facts=False`` (replays of old histories) decides as before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from domain import commands as c
from domain import events as e
from domain.events import load_event
from domain.fact_rules import ExamScoreRules, FactRules
from domain.program import DomainError, ProgramState, ProgramStatus, decide, evolve, fold, start

START = datetime(2026, 3, 11, 9, 0, tzinfo=UTC)
END = START + timedelta(hours=3)
WINDOW_END = END + timedelta(days=7)
GRADING = e.ExamGrading(course_id="c1", score=80, items=())


def _ids() -> str:
    return "id"


def planned(rules: FactRules | None = None) -> ProgramState:
    plan = c.PlanProgram(
        program_id="p1",
        actor="spec",
        approvers=("boss",),
        title="Forklift safety",
        timezone="Asia/Shanghai",
        planned_date=date(2026, 3, 20),
        sessions=(e.Session(session_id="s1", starts_at=START, duration_hours=3),),
        trainees=("t1", "t2", "t3"),
    )
    event = start(plan)
    if rules is not None:
        event = event.model_copy(update={"fact_rules": rules})
    return evolve(None, event)


def published(rules: FactRules | None = None) -> ProgramState:
    return planned(rules).model_copy(
        update={"status": ProgramStatus.PUBLISHED, "enrolled": ("t1", "t2", "t3")}
    )


def evaluating(rules: FactRules | None = None, closes_at: datetime | None = None) -> ProgramState:
    return published(rules).model_copy(
        update={
            "status": ProgramStatus.EVALUATING,
            "attendance": {"s1": ("t1", "t2")},
            "completed_sessions": frozenset({"s1"}),
            "evaluation_closes_at": closes_at or END + timedelta(days=14),
        }
    )


def attend(**fields: Any) -> c.RecordAttendance:
    return c.RecordAttendance(actor="spec", session_id="s1", attendees=("t1", "t2"), **fields)


def run(state: ProgramState, command: BaseModel, at: datetime, **kw: Any) -> list[Any]:
    return decide(state, command, at, _ids, grading=GRADING, **kw)


# ---------------------------------------------------------------------- sessions


def test_attendance_before_the_session_starts_is_refused_naming_the_start() -> None:
    with pytest.raises(DomainError) as refused:
        run(published(), attend(), START - timedelta(seconds=1))
    assert "session 's1' starts at 2026-03-11T17:00+08:00 (Asia/Shanghai)" in str(refused.value)
    assert "cannot be recorded before it has started" in str(refused.value)


def test_attendance_at_the_start_and_to_the_end_of_the_window_is_on_time() -> None:
    for at in (START, END, WINDOW_END):
        [recorded] = run(published(), attend(), at)
        assert isinstance(recorded, e.AttendanceRecorded)
        assert recorded.late_entered is False and recorded.late_reason is None
        assert recorded.absentees == ("t3",)


def test_attendance_after_the_window_needs_a_reason() -> None:
    late = WINDOW_END + timedelta(seconds=1)
    with pytest.raises(DomainError, match=r"ended at 2026-03-11T20:00\+08:00 .*more than 7 days"):
        run(published(), attend(), late)
    [recorded] = run(published(), attend(late_reason="sign-in sheet found in March"), late)
    assert recorded.late_entered is True
    assert recorded.late_reason == "sign-in sheet found in March"
    after = fold([recorded], published())
    assert after is not None and after.attendees == {"t1", "t2"}


def test_a_reason_within_the_window_is_not_recorded_as_late() -> None:
    [recorded] = run(published(), attend(late_reason="just in case"), START)
    assert recorded.late_entered is False and recorded.late_reason is None


def test_completion_follows_the_same_rules() -> None:
    state = fold(run(published(), attend(), START), published())
    assert state is not None
    complete = c.CompleteSession(actor="spec", session_id="s1")
    with pytest.raises(DomainError, match="its completion cannot be recorded before"):
        run(state, complete, START - timedelta(minutes=1))
    late = WINDOW_END + timedelta(days=1)
    with pytest.raises(DomainError, match="give the reason"):
        run(state, complete, late)
    [done] = run(state, c.CompleteSession(actor="spec", session_id="s1", late_reason="x"), late)
    assert isinstance(done, e.SessionCompleted) and done.late_entered and done.late_reason == "x"
    [on_time] = run(state, complete, START)
    assert on_time.late_entered is False


def test_the_window_is_the_programs_rule() -> None:
    state = published(FactRules(entry_window_days=0))
    [on_time] = run(state, attend(), END)
    assert on_time.late_entered is False
    with pytest.raises(DomainError, match="more than 0 days ago"):
        run(state, attend(), END + timedelta(minutes=1))


def test_a_blank_reason_is_bad_input() -> None:
    with pytest.raises(ValidationError, match="late_reason must not be blank"):
        attend(late_reason="   ")
    with pytest.raises(ValidationError):
        c.CompleteSession(actor="spec", session_id="s1", late_reason="")


def test_old_histories_decide_as_before() -> None:
    """The workflow replays histories recorded before these rules with ``strict_facts=False``."""
    early = START - timedelta(days=5)
    [recorded] = run(published(), attend(), early, strict_facts=False)
    assert recorded == e.AttendanceRecorded(
        session_id="s1", attendees=("t1", "t2"), absentees=("t3",)
    )
    [exam] = run(evaluating(), c.SubmitExam(actor="t1", score=90), early, strict_facts=False)
    assert exam == e.ExamSubmitted(trainee="t1", score=90)


# ---------------------------------------------------------------------- exam scores


def score(actor: str = "spec", trainee: str = "t1", **fields: Any) -> c.RecordExamScore:
    values: dict[str, Any] = {"score": 81, "evidence": "DOC-2026-0415", **fields}
    return c.RecordExamScore(actor=actor, trainee=trainee, **values)


def test_a_trainee_never_reports_their_own_score() -> None:
    with pytest.raises(DomainError, match="trainees do not report their own exam score"):
        run(evaluating(), c.SubmitExam(actor="t1", score=100), END + timedelta(days=1))
    [online] = run(evaluating(), c.SubmitExam(actor="t1", answers={"q1": "B"}), END)
    assert online.score == 80 and online.recorded_by is None  # graded online, as before


def test_the_specialist_records_a_score_with_its_evidence() -> None:
    sha = "a" * 64
    [recorded] = run(evaluating(), score(evidence=sha), END)
    assert recorded == e.ExamSubmitted(trainee="t1", score=81, recorded_by="spec", evidence=sha)
    after = fold([recorded], evaluating())
    assert after is not None and after.examined == {"t1"}
    with pytest.raises(DomainError, match="'t1' already has an exam result"):
        run(after, score(), END)


def test_a_score_needs_evidence_and_a_range() -> None:
    with pytest.raises(ValidationError, match="evidence"):
        c.RecordExamScore(actor="spec", trainee="t1", score=81)  # type: ignore[call-arg]
    for bad in ("", "  ", "x" * 201, "doc\n1"):
        with pytest.raises(ValidationError, match="evidence"):
            score(evidence=bad)
    with pytest.raises(ValidationError, match="score"):
        score(score=101)
    assert score(evidence="x" * 200).evidence == "x" * 200


def test_only_the_specialist_records_and_only_for_an_attendee_while_evaluating() -> None:
    with pytest.raises(DomainError, match="only the program's specialist"):
        run(evaluating(), score(actor="t2"), END)
    with pytest.raises(DomainError, match="'t3' did not attend"):
        run(evaluating(), score(trainee="t3"), END)
    executing = evaluating().model_copy(update={"status": ProgramStatus.EXECUTING})
    with pytest.raises(
        DomainError, match="cannot record an exam score for a program that is executing"
    ):
        run(executing, score(), END)
    closes = END + timedelta(days=14)
    with pytest.raises(DomainError, match="evaluation window closed"):
        run(evaluating(closes_at=closes), score(), closes)


def test_four_eyes_a_score_counts_once_a_second_person_confirms_it() -> None:
    rules = FactRules(exam_scores=ExamScoreRules(confirmation="required"))
    state = evaluating(rules)
    [pending] = run(state, score(), END)
    assert pending == e.ExamScorePending(
        trainee="t1", score=81, recorded_by="spec", evidence="DOC-2026-0415"
    )
    state = fold([pending], state)  # type: ignore[assignment]
    assert state is not None and state.examined == frozenset() and "t1" in state.pending_scores
    with pytest.raises(DomainError, match="already awaiting confirmation"):
        run(state, score(score=99), END)
    confirm = c.ConfirmExamScore(actor="boss", trainee="t1")
    with pytest.raises(DomainError, match="'spec' recorded this score: a second person"):
        run(state, c.ConfirmExamScore(actor="spec", trainee="t1"), END)
    with pytest.raises(DomainError, match="'t2' is a trainee of this program"):
        run(state, c.ConfirmExamScore(actor="t2", trainee="t1"), END)
    with pytest.raises(DomainError, match="no exam score of 't2' is awaiting"):
        run(state, c.ConfirmExamScore(actor="boss", trainee="t2"), END)
    [counted] = run(state, confirm, END)
    assert counted == e.ExamSubmitted(
        trainee="t1", score=81, recorded_by="spec", evidence="DOC-2026-0415", confirmed_by="boss"
    )
    after = fold([counted], state)
    assert after is not None and after.examined == {"t1"} and after.pending_scores == {}
    with pytest.raises(DomainError, match="no exam score of 't1' is awaiting"):
        run(after, confirm, END)


def test_the_specialist_cannot_confirm_even_a_score_someone_else_recorded() -> None:
    pending = e.ExamScorePending(trainee="t1", score=50, recorded_by="former", evidence="D1")
    state = fold(
        [pending], evaluating(FactRules(exam_scores=ExamScoreRules(confirmation="required")))
    )
    assert state is not None
    with pytest.raises(DomainError, match="specialist cannot confirm"):
        run(state, c.ConfirmExamScore(actor="spec", trainee="t1"), END)


def test_a_pending_score_can_be_confirmed_after_the_window_closes() -> None:
    pending = e.ExamScorePending(trainee="t1", score=50, recorded_by="spec", evidence="D1")
    state = fold([pending], evaluating()).model_copy(  # type: ignore[union-attr]
        update={"status": ProgramStatus.FEEDBACK, "evaluation_closes_at": None}
    )
    [counted] = run(state, c.ConfirmExamScore(actor="boss", trainee="t1"), END + timedelta(days=30))
    assert counted.confirmed_by == "boss"


def test_an_online_exam_is_refused_while_a_score_awaits_confirmation() -> None:
    pending = e.ExamScorePending(trainee="t1", score=50, recorded_by="spec", evidence="D1")
    state = fold([pending], evaluating())
    assert state is not None
    with pytest.raises(DomainError, match="already awaiting confirmation"):
        run(state, c.SubmitExam(actor="t1", answers={"q1": "B"}), END)


# ---------------------------------------------------------------------- surveys


def survey(actor: str) -> c.SubmitSurvey:
    return c.SubmitSurvey(actor=actor, scores={"overall": 80})


def test_a_survey_only_from_an_attendee() -> None:
    with pytest.raises(DomainError, match="'t3' did not attend"):  # enrolled, absent
        run(evaluating(), survey("t3"), END)
    with pytest.raises(DomainError, match="'zz' did not attend"):  # not enrolled at all
        run(evaluating(), survey("zz"), END)


def test_a_survey_once_each() -> None:
    state = fold(run(evaluating(), survey("t1"), END), evaluating())
    assert state is not None
    with pytest.raises(DomainError, match="already submitted a survey"):
        run(state, survey("t1"), END)
    assert run(state, survey("t2"), END)


def test_no_survey_before_the_sessions_are_held() -> None:
    """Evaluation opens only once every session is completed, which needs its start passed."""
    for status in (ProgramStatus.PUBLISHED, ProgramStatus.EXECUTING):
        state = evaluating().model_copy(update={"status": status})
        with pytest.raises(
            DomainError, match=f"cannot submit a survey for a program that is {status.value}"
        ):
            run(state, survey("t1"), END)


def test_no_survey_or_exam_once_the_window_has_run_out() -> None:
    closes = END + timedelta(days=14)
    state = evaluating(closes_at=closes)
    assert run(state, survey("t1"), closes - timedelta(seconds=1))
    with pytest.raises(DomainError, match=r"evaluation window closed at 2026-03-25T20:00\+08:00"):
        run(state, survey("t1"), closes)
    with pytest.raises(DomainError, match="evaluation window closed"):
        run(state, c.SubmitExam(actor="t1", answers={"q1": "B"}), closes)
    closed = state.model_copy(update={"status": ProgramStatus.FEEDBACK})
    with pytest.raises(DomainError, match="cannot submit a survey for a program that is feedback"):
        run(closed, survey("t1"), END)


# ---------------------------------------------------------------------- recorded rules


def test_old_events_load_with_the_default_rules() -> None:
    state = planned()
    payload = e.event_payload(start(_plan_of(state)))
    payload.pop("fact_rules")
    old = load_event("ProgramPlanned", 1, payload)
    assert isinstance(old, e.ProgramPlanned)
    assert old.fact_rules == FactRules(entry_window_days=7)
    old_attendance = load_event(
        "AttendanceRecorded", 1, {"session_id": "s1", "attendees": ["t1"], "absentees": []}
    )
    assert isinstance(old_attendance, e.AttendanceRecorded)
    assert old_attendance.late_entered is False and old_attendance.late_reason is None
    old_exam = load_event("ExamSubmitted", 1, {"trainee": "t1", "score": 70})
    assert isinstance(old_exam, e.ExamSubmitted)
    assert old_exam.recorded_by is None and old_exam.evidence is None


def _plan_of(state: ProgramState) -> c.PlanProgram:
    return c.PlanProgram(
        program_id=state.program_id,
        actor=state.specialist,
        title=state.title,
        planned_date=state.planned_date,
        sessions=tuple(state.sessions.values()),
        trainees=state.trainees,
    )
