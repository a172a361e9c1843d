"""Every command in every state: allowed ones decide events, the rest are refused clearly."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest
from pydantic import BaseModel, ValidationError

from domain import commands as c
from domain import events as e
from domain.program import (
    ALLOWED,
    DomainError,
    ProgramState,
    ProgramStatus,
    decide,
    evolve,
    fold,
    start,
)
from tests.plans import one_session

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
START = NOW + timedelta(days=10)
GRADING = e.ExamGrading(course_id="c1", score=70, items=())
#: When a command is given, where NOW is too early (a session's facts, from its start on).
GIVEN_AT = {c.RecordAttendance: START, c.RecordAttendees: START, c.CompleteSession: START}


def new_ids() -> Callable[[], str]:
    counter = count(1)
    return lambda: f"task-{next(counter)}"


def planned() -> ProgramState:
    plan = c.PlanProgram(
        program_id="p1",
        actor="spec",
        approvers=("boss", "hr"),
        title="Onboarding",
        planned_date=date(2026, 3, 20),
        sessions=(e.Session(session_id="s1", starts_at=START),),
        trainees=("t1", "t2"),
    )
    state = evolve(None, start(plan))
    return state


def state_in(status: ProgramStatus) -> ProgramState:
    """A program in ``status`` with what that state normally has (tasks, enrolment, attendance)."""
    s = planned()
    base = {
        "enrolled": ("t1", "t2"),
        "attendance": {"s1": ("t1",)},
    }
    match status:
        case ProgramStatus.SUBMITTED:
            submitted = fold(decide(s, c.SubmitProgram(actor="spec"), NOW, new_ids()), s)
            assert submitted is not None and len(submitted.tasks) == 2
            return submitted
        case ProgramStatus.PUBLISHED:
            return s.model_copy(update={"status": status, "enrolled": ("t1", "t2")})
        case ProgramStatus.EXECUTING:
            return s.model_copy(
                update={"status": status, **base, "completed_sessions": frozenset({"s1"})}
            )
        case ProgramStatus.EVALUATING | ProgramStatus.FEEDBACK:
            return s.model_copy(
                update={"status": status, **base, "completed_sessions": frozenset({"s1"})}
            )
    return s.model_copy(update={"status": status, "submitted_by": "spec"})


def command_for(kind: type[BaseModel]) -> BaseModel:
    later = START + timedelta(days=1)
    samples: dict[type[BaseModel], BaseModel] = {
        c.ReviseProgram: c.ReviseProgram(
            actor="spec",
            title="Onboarding v2",
            planned_date=date(2026, 3, 25),
            sessions=(e.Session(session_id="s1", starts_at=START),),
            trainees=("t1", "t2", "t3"),
        ),
        c.SubmitProgram: c.SubmitProgram(actor="spec"),
        c.WithdrawSubmission: c.WithdrawSubmission(actor="spec", reason="wrong dates"),
        c.ClaimTask: c.ClaimTask(actor="boss"),
        c.UnclaimTask: c.UnclaimTask(actor="boss"),
        c.DelegateTask: c.DelegateTask(actor="boss", to="deputy"),
        c.ResolveTask: c.ResolveTask(actor="boss"),
        c.ReassignTask: c.ReassignTask(actor="admin", task_id="task-1", to="deputy"),
        c.ApproveProgram: c.ApproveProgram(actor="boss"),
        c.RejectProgram: c.RejectProgram(actor="boss", reason="no budget"),
        c.RequestChanges: c.RequestChanges(actor="boss", reason="add a session"),
        c.PublishProgram: c.PublishProgram(actor="spec"),
        c.EnrollTrainee: c.EnrollTrainee(actor="spec", trainee="t9"),
        c.EnrollTrainees: c.EnrollTrainees(actor="spec", trainees=("t8", "t9")),
        c.RecordAttendees: c.RecordAttendees(actor="spec", session_id="s1", attendees=("t2",)),
        c.RescheduleSession: c.RescheduleSession(actor="spec", session_id="s1", starts_at=later),
        c.RecordAttendance: c.RecordAttendance(actor="spec", session_id="s1", attendees=("t1",)),
        c.CompleteSession: c.CompleteSession(actor="spec", session_id="s1"),
        c.CompleteExecution: c.CompleteExecution(actor="spec"),
        c.SubmitSurvey: c.SubmitSurvey(actor="t1", scores={"overall": 80}),
        c.SubmitExam: c.SubmitExam(actor="t1", answers={"q1": "B"}),
        c.RecordExamScore: c.RecordExamScore(
            actor="spec", trainee="t1", score=70, evidence="paper-2026-031"
        ),
        c.ConfirmExamScore: c.ConfirmExamScore(actor="boss", trainee="t1"),
        c.CloseEvaluation: c.CloseEvaluation(actor="spec"),
        c.SubmitFeedback: c.SubmitFeedback(actor="spec", summary="fine"),
        c.CancelProgram: c.CancelProgram(actor="spec", reason="budget cut"),
    }
    return samples[kind]


# Commands whose preconditions beyond the state the fixture cannot all satisfy at once.
_CONTEXT_DEPENDENT = {
    (c.RecordAttendance, ProgramStatus.EXECUTING),  # attendance of s1 already recorded
    (c.RecordAttendees, ProgramStatus.EXECUTING),  # s1 already completed
    (c.CompleteSession, ProgramStatus.EXECUTING),  # s1 already completed
    (c.RescheduleSession, ProgramStatus.EXECUTING),  # s1 already completed
    (c.CompleteSession, ProgramStatus.PUBLISHED),  # attendance not yet recorded
    (c.ClaimTask, ProgramStatus.SUBMITTED),  # the default policy assigns people, not groups
    (c.UnclaimTask, ProgramStatus.SUBMITTED),  # nothing claimed
    (c.ResolveTask, ProgramStatus.SUBMITTED),  # nothing delegated
    (c.ReassignTask, ProgramStatus.SUBMITTED),  # the default policy names no admins
    (c.ConfirmExamScore, ProgramStatus.EVALUATING),  # no score awaits confirmation
    (c.ConfirmExamScore, ProgramStatus.FEEDBACK),  # no score awaits confirmation
}

CASES = [(kind, status) for kind in ALLOWED for status in ProgramStatus]


@pytest.mark.parametrize(("kind", "status"), CASES, ids=lambda x: getattr(x, "__name__", x))
def test_every_command_in_every_state(kind: type[BaseModel], status: ProgramStatus) -> None:
    state = state_in(status)
    command = command_for(kind)
    at = GIVEN_AT.get(kind, NOW)
    if status not in ALLOWED[kind]:
        with pytest.raises(DomainError, match=f"cannot .* a program that is {status.value}"):
            decide(state, command, at, new_ids(), grading=GRADING)
        return
    if (kind, status) in _CONTEXT_DEPENDENT:
        with pytest.raises(DomainError):
            decide(state, command, at, new_ids(), grading=GRADING)
        return
    decided = decide(state, command, at, new_ids(), grading=GRADING)
    assert decided, "an allowed command decides at least one event"
    fold(decided, state)  # the events it decides fold without error


EXPECTED_NEXT = {
    c.ReviseProgram: ProgramStatus.DRAFT,
    c.SubmitProgram: ProgramStatus.SUBMITTED,
    c.ApproveProgram: ProgramStatus.APPROVED,
    c.RejectProgram: ProgramStatus.REJECTED,
    c.RequestChanges: ProgramStatus.CHANGES_REQUESTED,
    c.PublishProgram: ProgramStatus.PUBLISHED,
    c.CompleteExecution: ProgramStatus.EVALUATING,
    c.CloseEvaluation: ProgramStatus.FEEDBACK,
    c.SubmitFeedback: ProgramStatus.CLOSED,
    c.CancelProgram: ProgramStatus.CANCELLED,
    c.WithdrawSubmission: ProgramStatus.DRAFT,
}


@pytest.mark.parametrize("kind", list(EXPECTED_NEXT), ids=lambda k: k.__name__)
def test_transitions_lead_to_the_expected_state(kind: type[BaseModel]) -> None:
    status = next(iter(sorted(ALLOWED[kind])))
    state = state_in(status)
    after = fold(decide(state, command_for(kind), NOW, new_ids()), state)
    assert after is not None and after.status is EXPECTED_NEXT[kind]


def test_submitter_cannot_approve_their_own_program() -> None:
    state = state_in(ProgramStatus.SUBMITTED).model_copy(update={"submitted_by": "boss"})
    with pytest.raises(DomainError, match="four-eyes"):
        decide(state, c.ApproveProgram(actor="boss"), NOW, new_ids())


def test_unknown_actor_is_refused() -> None:
    state = state_in(ProgramStatus.SUBMITTED)
    with pytest.raises(DomainError, match="'stranger' has no open approval task"):
        decide(state, c.ApproveProgram(actor="stranger"), NOW, new_ids())
    with pytest.raises(DomainError, match="only the program's specialist"):
        decide(state_in(ProgramStatus.DRAFT), c.SubmitProgram(actor="stranger"), NOW, new_ids())


def test_approval_by_one_approver_withdraws_the_other_task() -> None:
    state = state_in(ProgramStatus.SUBMITTED)
    decided = decide(state, c.ApproveProgram(actor="hr"), NOW, new_ids())
    assert [type(x).__name__ for x in decided] == [
        "ApprovalGranted",
        "ApprovalTaskWithdrawn",
        "ApprovalStepCompleted",
        "ProgramApproved",
    ]
    after = fold(decided, state)
    assert after is not None and after.tasks == {}


def test_changes_requested_then_revised_and_resubmitted() -> None:
    state = state_in(ProgramStatus.SUBMITTED)
    ids = new_ids()
    changed = fold(decide(state, command_for(c.RequestChanges), NOW, ids), state)
    assert changed is not None and changed.status is ProgramStatus.CHANGES_REQUESTED
    revised = fold(decide(changed, command_for(c.ReviseProgram), NOW, ids), changed)
    assert revised is not None and revised.revision == 2 and len(revised.trainees) == 3
    state = revised
    decided = decide(state, c.SubmitProgram(actor="spec"), NOW, ids)
    assert [x.revision for x in decided if isinstance(x, e.ApprovalRequested)] == [2, 2]
    assert fold(decided, state).step_approvals == {}  # type: ignore[union-attr]


def test_late_execution_is_not_on_time() -> None:
    state = state_in(ProgramStatus.EXECUTING)
    late = datetime(2026, 3, 21, 12, 0, tzinfo=UTC)
    executed = decide(state, c.CompleteExecution(actor="spec"), late, new_ids())[0]
    assert executed.on_time is False and executed.executed_on == date(2026, 3, 21)


def test_attendance_of_strangers_and_incomplete_execution_are_refused() -> None:
    state = state_in(ProgramStatus.PUBLISHED)
    with pytest.raises(DomainError, match="not enrolled"):
        decide(
            state,
            c.RecordAttendance(actor="spec", session_id="s1", attendees=("zz",)),
            NOW,
            new_ids(),
        )
    with pytest.raises(DomainError, match="no session"):
        decide(state, c.CompleteSession(actor="spec", session_id="nope"), NOW, new_ids())
    executing = state.model_copy(update={"status": ProgramStatus.EXECUTING})
    with pytest.raises(DomainError, match="sessions not completed"):
        decide(executing, c.CompleteExecution(actor="spec"), NOW, new_ids())


def test_bad_input_is_refused_by_the_command_itself() -> None:
    with pytest.raises(ValidationError, match="reason"):
        c.RejectProgram(actor="boss", reason="")
    with pytest.raises(ValidationError, match="UTC offset"):
        c.RescheduleSession(actor="spec", session_id="s1", starts_at=datetime(2026, 1, 1))
    with pytest.raises(ValidationError, match="time zone"):
        one_session("x", "t", START, ("t",), approvers=("a",), timezone="Mars/Base")
    with pytest.raises(ValidationError, match="cannot also be an approver"):
        one_session("x", "t", START, ("t",), approvers=("spec",))
    with pytest.raises(ValidationError, match="overall"):
        c.SubmitSurvey(actor="t1", scores={"content": 50})
    with pytest.raises(ValidationError):
        c.SubmitExam(actor="t1", score=101)


def test_sessions_must_lie_ahead_of_now() -> None:
    from datetime import UTC, datetime, timedelta

    from domain.events import Session
    from domain.program import DomainError, check_sessions_ahead

    now = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)
    ahead = Session(session_id="s1", starts_at=now + timedelta(minutes=1))
    at_now = Session(session_id="s2", starts_at=now)
    before = Session(session_id="s3", starts_at=now - timedelta(days=2))
    check_sessions_ahead([ahead], now)
    with pytest.raises(DomainError, match=r"session\(s\) s2, s3 start in the past"):
        check_sessions_ahead([ahead, before, at_now], now)


def test_a_session_that_has_started_is_not_moved() -> None:
    """It happened where it was planned: moving it afterwards (even into the future) would
    rewrite when people attended. Before its start it may move; replays of histories recorded
    before the rule (``strict_facts=False``) still move it."""
    published = state_in(ProgramStatus.PUBLISHED)
    later = START + timedelta(days=6)
    move = c.RescheduleSession(actor="spec", session_id="s1", starts_at=later)
    [moved] = decide(published, move, START - timedelta(hours=1), new_ids())
    assert isinstance(moved, e.SessionRescheduled) and moved.starts_at == later
    with pytest.raises(DomainError, match="session s1 has started") as refused:
        decide(published, move, START + timedelta(minutes=5), new_ids())
    assert refused.value.code == "program.session_started"
    [replayed] = decide(
        published, move, START + timedelta(minutes=5), new_ids(), strict_facts=False
    )
    assert isinstance(replayed, e.SessionRescheduled)
