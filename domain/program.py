"""The program lifecycle as a pure state machine: `decide` says what happens, `evolve` applies it.

Keeping both pure lets the Temporal update validator dry-run a command (refusing it before anything
reaches history) and lets projections and tests fold the same events the workflow folded.

About 400 lines on purpose: ``decide`` and ``evolve`` of one aggregate read best side by side;
its events live in ``domain.program_events``, its rules in ``domain.*_rules``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from domain import commands as c
from domain import events as e
from domain.approval import ApprovalPolicy, ApprovalRoute
from domain.approval_flow import decide_task, start_route
from domain.attendance import AttendeesRecorded
from domain.calendar import CalendarConfig, ReminderRules
from domain.evolve import evolve, fold
from domain.fact_rules import FactRules
from domain.facts import (
    check_evaluation_open,
    check_not_examined,
    confirm_exam_score,
    record_exam_score,
    session_entry,
    trainee_score_refused,
)
from domain.refusals import DomainError, refused
from domain.roster import RosterFacts, facts_from_state
from domain.state import (
    RUNNING,
    TERMINAL,
    ProgramState,
    ProgramStatus,
)

__all__ = [
    "ALLOWED",
    "RUNNING",
    "TERMINAL",
    "DomainError",
    "ProgramState",
    "ProgramStatus",
    "check_state",
    "decide",
    "evolve",
    "fold",
    "start",
]

CANCELLABLE = frozenset(
    {
        ProgramStatus.DRAFT,
        ProgramStatus.SUBMITTED,
        ProgramStatus.CHANGES_REQUESTED,
        ProgramStatus.APPROVED,
        ProgramStatus.PUBLISHED,
        ProgramStatus.EXECUTING,
    }
)

#: Which states each command may be given in; the single source for "allowed transitions".
ALLOWED: dict[type[BaseModel], frozenset[ProgramStatus]] = {
    c.ReviseProgram: frozenset({ProgramStatus.DRAFT, ProgramStatus.CHANGES_REQUESTED}),
    c.SubmitProgram: frozenset({ProgramStatus.DRAFT}),
    c.WithdrawSubmission: frozenset({ProgramStatus.SUBMITTED}),
    **{command: frozenset({ProgramStatus.SUBMITTED}) for command in c.TASK_COMMANDS},
    c.PublishProgram: frozenset({ProgramStatus.APPROVED}),
    c.EnrollTrainee: RUNNING,
    c.EnrollTrainees: RUNNING,
    c.RescheduleSession: RUNNING,
    c.RecordAttendance: RUNNING,
    c.RecordAttendees: RUNNING,
    c.CompleteSession: RUNNING,
    c.CompleteExecution: frozenset({ProgramStatus.EXECUTING}),
    c.SubmitSurvey: frozenset({ProgramStatus.EVALUATING}),
    c.SubmitExam: frozenset({ProgramStatus.EVALUATING}),
    c.RecordExamScore: frozenset({ProgramStatus.EVALUATING}),
    c.ConfirmExamScore: frozenset({ProgramStatus.EVALUATING, ProgramStatus.FEEDBACK}),
    c.CloseEvaluation: frozenset({ProgramStatus.EVALUATING}),
    c.SubmitFeedback: frozenset({ProgramStatus.FEEDBACK}),
    c.CancelProgram: CANCELLABLE,
}

SPECIALIST_COMMANDS: tuple[type[BaseModel], ...] = (
    c.ReviseProgram,
    c.SubmitProgram,
    c.WithdrawSubmission,
    c.PublishProgram,
    c.EnrollTrainee,
    c.EnrollTrainees,
    c.RescheduleSession,
    c.RecordAttendance,
    c.RecordAttendees,
    c.CompleteSession,
    c.CompleteExecution,
    c.CloseEvaluation,
    c.SubmitFeedback,
    c.CancelProgram,
    c.RecordExamScore,
)
APPROVER_COMMANDS: tuple[type[BaseModel], ...] = (
    *(command for command in c.TASK_COMMANDS if command is not c.ReassignTask),
    c.ConfirmExamScore,  # a second person, never the specialist (domain.facts)
)
TRAINEE_COMMANDS: tuple[type[BaseModel], ...] = (c.SubmitSurvey, c.SubmitExam)


def start(command: c.PlanProgram) -> e.ProgramPlanned:
    """The first event of every program stream."""
    return e.ProgramPlanned(
        program_id=command.program_id,
        title=command.title,
        specialist=command.actor,
        approvers=command.approvers,
        timezone=command.timezone,
        region=command.region,
        department=command.department,
        budget=command.budget,
        external_instructor=command.external_instructor,
        planned_date=command.planned_date,
        sessions=command.sessions,
        trainees=command.trainees,
        evaluation_window_days=command.evaluation_window_days,
    )


def check_sessions_ahead(sessions: Iterable[e.Session], now: datetime) -> None:
    """A plan's sessions lie ahead: a session planned in the past would be "held" by typing it
    in (facts are recorded from a session's start on, so a past one could be filled at once)."""
    past = sorted(s.session_id for s in sessions if s.starts_at <= now)
    if past:
        raise refused(
            "program.sessions_in_past", p0=", ".join(past), now=format(now, "%Y-%m-%d %H:%M %Z")
        )


def _check_actor(state: ProgramState, command: BaseModel, actor: str, roster: RosterFacts) -> None:
    kind = type(command)
    if kind in SPECIALIST_COMMANDS:
        if actor != state.specialist:
            raise refused(
                "program.not_the_specialist",
                specialist=state.specialist,
                actor=actor,
            )
    elif kind in TRAINEE_COMMANDS and not roster.may_evaluate(actor):
        raise refused("program.evaluate_without_attendance", actor=actor)


def check_state(state: ProgramStatus, command: BaseModel) -> None:
    """Refuse ``command`` in ``state`` unless the rules allow it there (``ALLOWED``)."""
    allowed = ALLOWED[type(command)]
    if state not in allowed:
        names = ", ".join(sorted(s.value for s in allowed))
        action = getattr(command, "kind", type(command).__name__)
        raise refused(
            "program.not_allowed_in_status", action=action, value=state.value, names=names
        )


def _local_date(moment: datetime, timezone: str) -> date:
    return moment.astimezone(ZoneInfo(timezone)).date()


def decide(
    state: ProgramState,
    command: BaseModel,
    now: datetime,
    new_id: Callable[[], str],
    route: ApprovalRoute | None = None,
    grading: e.ExamGrading | None = None,
    *,
    strict_facts: bool = True,
    roster: RosterFacts | None = None,
) -> list[Any]:
    """Events that follow from ``command``, or a ``DomainError`` saying why it is refused.

    ``route`` is the approval route the policy resolved for a submission; without one the
    default policy (the approvers named in the plan) applies. ``grading`` is an online exam's
    answers graded against the course's answer key (an activity looks the key up).
    ``strict_facts`` applies ``domain.facts`` (sessions entered from their start on, no
    self-reported scores, the evaluation window checked, a started session never moved); only
    replays of histories recorded before those rules pass False. ``roster`` holds the facts
    about the people the command names (``domain.roster``); without it they are read from the
    state's own lists.
    """
    check_state(state.status, command)
    if roster is None:
        roster = facts_from_state(state, command)
    actor: str = getattr(command, "actor", "")
    _check_actor(state, command, actor, roster)
    if isinstance(command, c.TASK_COMMANDS):
        return decide_task(state, command, actor, now, new_id)
    match command:
        case c.ReviseProgram():
            return [
                e.ProgramRevised(
                    title=command.title,
                    planned_date=command.planned_date,
                    sessions=command.sessions,
                    trainees=command.trainees,
                    budget=command.budget,
                    external_instructor=command.external_instructor,
                    comment=command.comment,
                    approvers=command.approvers,
                    department=command.department,
                )
            ]
        case c.SubmitProgram():
            if route is None:
                route = ApprovalPolicy().resolve(state.facts)
            return start_route(state, route, now, new_id)
        case c.WithdrawSubmission():
            return [
                e.SubmissionWithdrawn(by=actor, reason=command.reason),
                *(
                    e.ApprovalTaskWithdrawn(task_id=t.task_id, assignee=t.assignee)
                    for t in state.tasks.values()
                ),
            ]
        case c.PublishProgram():
            return [
                e.ProgramPublished(),
                *(e.TraineeEnrolled(trainee=t) for t in state.trainees),
                *(e.SessionScheduled(session=s) for s in state.sessions.values()),
            ]
        case c.EnrollTrainee():
            if command.trainee in roster.enrolled:
                raise refused("program.already_enrolled", trainee=command.trainee)
            return [e.TraineeEnrolled(trainee=command.trainee)]
        case c.EnrollTrainees():
            already = sorted(roster.enrolled & set(command.trainees))
            if already:
                raise refused("program.already_enrolled_many", trainees=already)
            return [e.TraineeEnrolled(trainee=t) for t in command.trainees]
        case c.RescheduleSession():
            session = _open_session(state, command.session_id)
            if strict_facts and session.starts_at <= now:  # it happened where it was planned
                raise refused("program.session_started", session_id=session.session_id)
            if command.starts_at <= now:
                raise refused("program.reschedule_to_past")
            return [
                e.SessionRescheduled(
                    session_id=session.session_id,
                    starts_at=command.starts_at,
                    previous_starts_at=session.starts_at,
                )
            ]
        case c.RecordAttendance():
            session = _attendance_session(state, command, roster)
            if session.session_id in state.attendance:
                raise refused(
                    "program.attendance_already_recorded",
                    session_id=session.session_id,
                )
            late = session_entry(state, session, command, now) if strict_facts else {}
            return [
                e.AttendanceRecorded(
                    session_id=session.session_id,
                    attendees=command.attendees,
                    absentees=roster.absentees,
                    **late,
                )
            ]
        case c.RecordAttendees():
            session = _attendance_session(state, command, roster)
            again = sorted(roster.attended_session & set(command.attendees))
            if again:
                raise refused("program.attendees_already_recorded", p0=again)
            late = session_entry(state, session, command, now) if strict_facts else {}
            return [
                AttendeesRecorded(
                    session_id=session.session_id, attendees=command.attendees, **late
                )
            ]
        case c.CompleteSession():
            session = _open_session(state, command.session_id)
            if session.session_id not in state.attendance:
                raise refused("program.complete_without_attendance", session_id=session.session_id)
            late = session_entry(state, session, command, now) if strict_facts else {}
            return [e.SessionCompleted(session_id=session.session_id, **late)]
        case c.CompleteExecution():
            missing = sorted(set(state.sessions) - state.completed_sessions)
            if missing:
                raise refused("program.sessions_not_completed", p0=", ".join(missing))
            executed_on = _local_date(now, state.timezone)
            closes_at = now + timedelta(days=state.evaluation_window_days)
            return [
                e.ProgramExecuted(
                    executed_on=executed_on,
                    planned_date=state.planned_date,
                    on_time=executed_on <= state.planned_date,
                ),
                e.EvaluationOpened(closes_at=closes_at),
            ]
        case c.SubmitSurvey():
            if strict_facts:
                check_evaluation_open(state, now)
            if actor in roster.surveyed:
                raise refused("program.survey_already_submitted", actor=actor)
            return [
                e.SurveySubmitted(trainee=actor, scores=command.scores, comment=command.comment)
            ]
        case c.SubmitExam():
            if actor in roster.examined:
                raise refused("program.exam_already_submitted", actor=actor)
            if strict_facts:
                check_evaluation_open(state, now)
                check_not_examined(roster, actor)
            if command.answers is None:
                if strict_facts:
                    raise trainee_score_refused()
                assert command.score is not None
                return [e.ExamSubmitted(trainee=actor, score=command.score)]
            if grading is None:
                raise refused("program.exam_without_grading")
            return [
                e.ExamSubmitted(
                    trainee=actor,
                    score=grading.score,
                    course_id=grading.course_id,
                    answers=command.answers,
                    items=grading.items,
                )
            ]
        case c.RecordExamScore():
            return record_exam_score(state, command, now, roster)
        case c.ConfirmExamScore():
            return confirm_exam_score(state, command, roster)
        case c.CloseEvaluation():
            return [e.EvaluationClosed(by_deadline=False)]
        case c.SubmitFeedback():
            return [e.FeedbackSubmitted(summary=command.summary), e.ProgramClosed()]
        case c.CancelProgram():
            withdrawn = [
                e.ApprovalTaskWithdrawn(task_id=t.task_id, assignee=t.assignee)
                for t in state.tasks.values()
            ]
            return [*withdrawn, e.ProgramCancelled(reason=command.reason)]
    raise refused("program.unknown_command", command=type(command).__name__)


def close_evaluation_by_deadline(state: ProgramState) -> list[Any]:
    """What the evaluation timer decides when the window runs out."""
    if state.status is not ProgramStatus.EVALUATING:
        return []
    return [e.EvaluationClosed(by_deadline=True)]


def _open_session(state: ProgramState, session_id: str) -> e.Session:
    session = state.sessions.get(session_id)
    if session is None:
        known = ", ".join(sorted(state.sessions))
        raise refused("program.no_such_session", session_id=session_id, known=known)
    if session_id in state.completed_sessions:
        raise refused("program.session_already_completed", session_id=session_id)
    return session


def _attendance_session(
    state: ProgramState,
    command: c.RecordAttendance | c.RecordAttendees,
    roster: RosterFacts,
) -> e.Session:
    """The open session whose attendance ``command`` records; only enrolled people attend."""
    session = _open_session(state, command.session_id)
    strangers = roster.strangers(command.attendees)
    if strangers:
        raise refused("program.attendees_not_enrolled", p0=", ".join(strangers))
    return session


def role_for(command: BaseModel) -> str:
    kind = type(command)
    if kind is c.ReassignTask:
        return "admin"
    if kind in APPROVER_COMMANDS:
        return "approver"
    if kind in TRAINEE_COMMANDS:
        return "trainee"
    return "specialist"


def refresh_settings(
    state: ProgramState,
    calendar: CalendarConfig,
    reminder_rules: ReminderRules,
    fact_rules: FactRules,
) -> list[Any]:
    """The event that makes a running program follow the configuration in force, or nothing
    when it already does (a repeated signal records nothing)."""
    if (state.calendar, state.reminder_rules, state.fact_rules) == (
        calendar,
        reminder_rules,
        fact_rules,
    ):
        return []
    return [
        e.SettingsRefreshed(calendar=calendar, reminder_rules=reminder_rules, fact_rules=fact_rules)
    ]
