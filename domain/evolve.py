"""How a program's state follows its events: ``evolve`` applies one, ``fold`` many. The only
place a ``ProgramState`` changes; the workflow, projections, imports and tests all fold with it."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from domain import events as e
from domain.approval_flow import evolve_task
from domain.attendance import AttendeesRecorded
from domain.refusals import refused
from domain.state import ProgramState, ProgramStatus


def evolve(state: ProgramState | None, event: Any) -> ProgramState:
    """The state after ``event``; the only place state changes."""
    if state is None:
        if not isinstance(event, e.ProgramPlanned):
            raise refused("program.stream_without_plan", type=event.type)
        return ProgramState(
            program_id=event.program_id,
            title=event.title,
            specialist=event.specialist,
            approvers=event.approvers,
            timezone=event.timezone,
            region=event.region,
            department=event.department,
            budget=event.budget,
            external_instructor=event.external_instructor,
            planned_date=event.planned_date,
            sessions={s.session_id: s for s in event.sessions},
            trainees=event.trainees,
            evaluation_window_days=event.evaluation_window_days,
            calendar=event.calendar,
            reminder_rules=event.reminder_rules,
            fact_rules=event.fact_rules,
        )
    s = ProgramStatus
    match event:  # the most frequent first (none is an approval event)
        case e.TraineeEnrolled():
            return state.model_copy(update={"enrolled": (*state.enrolled, event.trainee)})
        case e.SurveySubmitted():
            return state.model_copy(update={"surveyed": state.surveyed | {event.trainee}})
        case e.ExamSubmitted():
            pending = {k: v for k, v in state.pending_scores.items() if k != event.trainee}
            return state.model_copy(
                update={"examined": state.examined | {event.trainee}, "pending_scores": pending}
            )
    approval = evolve_task(state, event)
    if approval is not None:
        return approval
    match event:
        case e.ProgramRevised():
            return state.model_copy(
                update={
                    "title": event.title,
                    "planned_date": event.planned_date,
                    "sessions": {x.session_id: x for x in event.sessions},
                    "trainees": event.trainees,
                    "budget": event.budget,
                    "external_instructor": event.external_instructor,
                    "approvers": state.approvers if event.approvers is None else event.approvers,
                    "department": state.department
                    if event.department is None
                    else event.department,
                    "revision": state.revision + 1,
                    "status": s.DRAFT,
                }
            )
        case e.ProgramSubmitted():
            return state.model_copy(
                update={
                    "status": s.SUBMITTED,
                    "submitted_by": event.submitted_by,
                    "route": event.route,
                    "step_index": -1,
                    "tasks": {},
                    "step_approvals": {},
                }
            )
        case e.SubmissionWithdrawn():
            return state.model_copy(update={"status": s.DRAFT})
        case e.ApprovalRejected():
            tasks = {k: v for k, v in state.tasks.items() if k != event.task_id}
            return state.model_copy(update={"tasks": tasks, "status": s.REJECTED})
        case e.ChangesRequested():
            tasks = {k: v for k, v in state.tasks.items() if k != event.task_id}
            return state.model_copy(update={"tasks": tasks, "status": s.CHANGES_REQUESTED})
        case e.ProgramApproved():
            return state.model_copy(update={"status": s.APPROVED})
        case e.ProgramPublished():
            return state.model_copy(update={"status": s.PUBLISHED})
        case e.SessionScheduled():
            sessions = {**state.sessions, event.session.session_id: event.session}
            return state.model_copy(update={"sessions": sessions})
        case e.SettingsRefreshed():
            return state.model_copy(
                update={
                    "calendar": event.calendar,
                    "reminder_rules": event.reminder_rules,
                    "fact_rules": event.fact_rules,
                }
            )
        case e.SessionRescheduled():
            moved = state.sessions[event.session_id].model_copy(
                update={"starts_at": event.starts_at}
            )
            return state.model_copy(
                update={"sessions": {**state.sessions, moved.session_id: moved}}
            )
        case e.ReminderSent():
            return state.model_copy(
                update={"sent_reminders": state.sent_reminders | {event.reminder_id}}
            )
        case e.AttendanceRecorded():
            attendance = {**state.attendance, event.session_id: event.attendees}
            return state.model_copy(update={"attendance": attendance, "status": s.EXECUTING})
        case AttendeesRecorded():
            known = state.attendance.get(event.session_id, ())
            attendance = {**state.attendance, event.session_id: (*known, *event.attendees)}
            return state.model_copy(update={"attendance": attendance, "status": s.EXECUTING})
        case e.SessionCompleted():
            return state.model_copy(
                update={
                    "completed_sessions": state.completed_sessions | {event.session_id},
                    "status": s.EXECUTING,
                }
            )
        case e.ProgramExecuted():
            return state
        case e.EvaluationOpened():
            return state.model_copy(
                update={"status": s.EVALUATING, "evaluation_closes_at": event.closes_at}
            )
        case e.ExamScorePending():
            pending = {**state.pending_scores, event.trainee: event}
            return state.model_copy(update={"pending_scores": pending})
        case e.EvaluationClosed():
            return state.model_copy(update={"status": s.FEEDBACK, "evaluation_closes_at": None})
        case e.FeedbackSubmitted():
            return state
        case e.ProgramClosed():
            return state.model_copy(update={"status": s.CLOSED})
        case e.ProgramCancelled():
            return state.model_copy(update={"status": s.CANCELLED, "tasks": {}})
    raise refused("program.unknown_event", command=type(event).__name__)


def fold(events: Iterable[Any], state: ProgramState | None = None) -> ProgramState | None:
    for event in events:
        state = evolve(state, event)
    return state
