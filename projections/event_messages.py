"""What an event says to a person, in English and Simplified Chinese, from message keys.

``parts(event)`` turns an event into message parts: a key and its parameters (plain strings,
never markup). ``render(parts, lang)`` fills each part's template in the language asked for
and joins them, so a timeline stored once reads in either language. User text only ever goes
in as a parameter, never into a template, so ``{`` or ``[urgent]`` in a comment is just text.
"""

from __future__ import annotations

from typing import Any

from domain import accounts as acc
from domain import evaluation as ev
from domain import events as e
from domain import reference as ref
from domain.attendance import AttendeesRecorded

# Rendering lives with the texts (the command line renders stored messages without the domain).
from projections.event_texts import Part as Part
from projections.event_texts import decode as decode
from projections.event_texts import encode as encode
from projections.event_texts import render as render

#: How much of a long feedback text a timeline line repeats.
FEEDBACK_CHARS = 120


def _task(task_id: str) -> str:
    return task_id[:8]


def _with_comment(key: str, comment: str | None, /, **params: Any) -> list[Part]:
    head: Part = (key, _strings(params))
    return [head, ("event.with_comment", {"comment": comment})] if comment else [head]


def _strings(params: dict[str, Any]) -> dict[str, str]:
    return {name: str(value) for name, value in params.items()}


def _one(key: str, /, **params: Any) -> list[Part]:
    return [(key, _strings(params))]


def _late(event: e.AttendanceRecorded | AttendeesRecorded | e.SessionCompleted) -> list[Part]:
    return [("event.late", {"reason": str(event.late_reason)})] if event.late_entered else []


def _provenance(event: e.ExamSubmitted | e.ExamScorePending) -> list[Part]:
    """Who recorded a score from an exam taken elsewhere, from what, and who confirmed it."""
    if event.recorded_by is None:
        return []
    confirmed = getattr(event, "confirmed_by", None)
    base = {"by": event.recorded_by, "evidence": str(event.evidence)}
    if confirmed:
        return [("event.recorded_confirmed", {**base, "confirmed": confirmed})]
    return [("event.recorded_by", base)]


def parts(event: e.Event) -> list[Part]:
    """The message parts one event reads as (program, account, reference and log events)."""
    match event:  # the most frequent first: a match tries its cases in order
        case e.TraineeEnrolled():
            return _one("event.TraineeEnrolled", trainee=event.trainee)
        case e.SurveySubmitted():
            return _one(
                "event.SurveySubmitted", trainee=event.trainee, overall=event.scores.get("overall")
            )
        case e.ExamSubmitted():
            return _one(
                "event.ExamSubmitted", trainee=event.trainee, score=f"{event.score:g}"
            ) + _provenance(event)
        case e.ProgramPlanned():
            return _one(
                "event.ProgramPlanned",
                title=event.title,
                planned_date=event.planned_date,
                sessions=len(event.sessions),
            )
        case e.ProgramRevised():
            if event.comment:
                return _one("event.ProgramRevised.comment", comment=event.comment)
            return _one("event.ProgramRevised")
        case e.ProgramSubmitted():
            return _one("event.ProgramSubmitted", revision=event.revision)
        case e.ApprovalStepStarted():
            return _one("event.ApprovalStepStarted", name=event.name, quorum=event.quorum)
        case e.ApprovalRequested():
            if event.assignee:
                return _one(
                    "event.ApprovalRequested", task=_task(event.task_id), who=event.assignee
                )
            return _one(
                "event.ApprovalRequested.group", task=_task(event.task_id), group=event.group
            )
        case e.ApprovalStepCompleted():
            return _one("event.ApprovalStepCompleted", step=event.step_id)
        case e.TaskClaimed():
            return _one("event.TaskClaimed", by=event.by, task=_task(event.task_id))
        case e.TaskUnclaimed():
            return _one("event.TaskUnclaimed", by=event.by, task=_task(event.task_id))
        case e.TaskDelegated():
            return _with_comment(
                "event.TaskDelegated",
                event.comment,
                owner=event.owner,
                task=_task(event.task_id),
                delegate=event.delegate,
            )
        case e.TaskResolved():
            return _with_comment(
                "event.TaskResolved",
                event.comment,
                delegate=event.delegate,
                task=_task(event.task_id),
                owner=event.owner,
            )
        case e.TaskReassigned():
            return _one(
                "event.TaskReassigned",
                by=event.by,
                task=_task(event.task_id),
                assignee=event.assignee,
            )
        case e.TaskEscalated():
            return _one("event.TaskEscalated", task=_task(event.task_id), assignee=event.assignee)
        case e.TaskReminderSent():
            key = "event.TaskReminderSent.overdue" if event.overdue else "event.TaskReminderSent"
            return _one(key, task=_task(event.task_id), to=", ".join(event.recipients))
        case e.SubmissionWithdrawn():
            return _with_comment("event.SubmissionWithdrawn", event.reason, by=event.by)
        case e.ApprovalGranted():
            return _with_comment("event.ApprovalGranted", event.comment, approver=event.approver)
        case e.ApprovalRejected():
            if event.automatic:
                return _one("event.ApprovalRejected.automatic", reason=event.reason)
            return _one("event.ApprovalRejected", approver=event.approver, reason=event.reason)
        case e.ChangesRequested():
            return _one("event.ChangesRequested", approver=event.approver, reason=event.reason)
        case e.ApprovalTaskWithdrawn():
            return _one("event.ApprovalTaskWithdrawn", task=_task(event.task_id))
        case e.SessionRescheduled():
            return _one(
                "event.SessionRescheduled",
                session=event.session_id,
                starts_at=event.starts_at.isoformat(),
            )
        case e.SettingsRefreshed():
            days = len(event.calendar.company_holidays) + len(event.calendar.extra_working_days)
            return _one("event.SettingsRefreshed", days=days)
        case e.ReminderSent():
            return _one(
                f"event.ReminderSent.{event.kind}",
                session=event.session_id,
                count=event.audience_size,
            )
        case e.AttendanceRecorded():
            total = len(event.attendees) + len(event.absentees)
            return _one(
                "event.AttendanceRecorded",
                session=event.session_id,
                attended=len(event.attendees),
                total=total,
            ) + _late(event)
        case AttendeesRecorded():
            return _one(
                "event.AttendeesRecorded", session=event.session_id, count=len(event.attendees)
            ) + _late(event)
        case e.ProgramExecuted():
            if event.on_time:
                return _one("event.ProgramExecuted.on_time")
            return _one("event.ProgramExecuted.late", planned_date=event.planned_date)
        case e.ProgramCancelled():
            return _one("event.ProgramCancelled", reason=event.reason)
        case e.ProgramApproved():
            return _one("event.ProgramApproved")
        case e.ProgramPublished():
            return _one("event.ProgramPublished")
        case e.SessionScheduled():
            return _one(
                "event.SessionScheduled",
                session=event.session.session_id,
                starts_at=event.session.starts_at.isoformat(),
            )
        case e.SessionCompleted():
            return _one("event.SessionCompleted", session=event.session_id) + _late(event)
        case e.EvaluationOpened():
            return _one("event.EvaluationOpened", closes_at=event.closes_at.isoformat())
        case e.ExamScorePending():
            return _one(
                "event.ExamScorePending", trainee=event.trainee, score=f"{event.score:g}"
            ) + _provenance(event)
        case e.EvaluationClosed():
            key = (
                "event.EvaluationClosed.deadline" if event.by_deadline else "event.EvaluationClosed"
            )
            return _one(key)
        case e.FeedbackSubmitted():
            return _one("event.FeedbackSubmitted", summary=event.summary[:FEEDBACK_CHARS])
        case e.ProgramClosed():
            return _one("event.ProgramClosed")
    return _other(event)


#: Events outside a program's own stream whose message says some of their own fields as they
#: are: the key is ``event.<type>``, the parameters these fields, in this order.
_FIELDS_SAID: dict[type[e.Event], tuple[str, ...]] = {
    e.SigningKeyPublished: ("key_id",),
    acc.FirstAdminCreated: ("username",),
    acc.PasswordChanged: ("username",),
    ref.CourseDefined: ("course_id", "title"),
    ref.InstructorDefined: ("instructor_id",),
    ref.VenueDefined: ("venue_id",),
    ref.EmployeeRecorded: ("employee_id",),
    ref.ProgramResourcesAssigned: ("program_id",),
    ev.EffectStudyDefined: ("level", "study_id", "program_id"),
    ev.ProgramCostRecorded: ("line_id", "program_id", "amount"),
    ev.ProgramBenefitRecorded: ("line_id", "program_id", "value"),
}


def _other(event: e.Event) -> list[Part]:
    """Events outside a program's own stream: deliveries, configuration, keys, accounts,
    reference data and evaluation records."""
    said = _FIELDS_SAID.get(type(event))
    if said is not None:
        return _one(f"event.{event.type}", **{name: getattr(event, name) for name in said})
    match event:
        case e.NotificationAttempted():
            return _one(
                f"event.NotificationAttempted.{event.outcome}",
                notice=event.idempotency_key,
                recipient=event.recipient,
                channel=event.channel,
                attempt=event.attempt,
            )
        case e.ConfigurationChanged():
            return _with_comment("event.ConfigurationChanged", event.comment, version=event.version)
        case e.SigningKeyRetired():
            return _with_comment(
                "event.SigningKeyRetired",
                event.reason,
                key_id=event.key_id,
                retired_at=event.retired_at.isoformat(),
            )
        case e.LogMaintenance():
            return _with_comment(
                "event.LogMaintenance", event.reason, statements=len(event.statements)
            )
        case acc.UserCreated():
            return _one("event.UserCreated", username=event.username, roles=", ".join(event.roles))
        case acc.UserRolesChanged():
            return _one(
                "event.UserRolesChanged", username=event.username, roles=", ".join(event.roles)
            )
        case acc.UserActiveChanged():
            key = "event.UserActiveChanged.on" if event.active else "event.UserActiveChanged.off"
            return _one(key, username=event.username)
        case acc.TokenIssued():
            return _one("event.TokenIssued", token=event.token_id[:8], username=event.username)
        case acc.TokenRevoked():
            return _one("event.TokenRevoked", token=event.token_id[:8], username=event.username)
        case ev.ExamGraded():
            return _one("event.ExamGraded", trainee=event.trainee, score=f"{event.score:g}")
        case ev.MetricRecorded():
            return _one(
                "event.MetricRecorded",
                metric=event.metric,
                employee_id=event.employee_id,
                period=event.period,
                value=f"{event.value:g}",
            )
    return _one("event.unknown", type=getattr(event, "type", type(event).__name__))
