"""Facts that cannot be inflated: the rules that keep KPI inputs honest (docs/facts.md).

- A session's attendance and completion are accepted from the session's start on (workflow
  time). Up to ``entry_window_days`` after its end they are on time; later they need a reason
  and the event is marked ``late_entered``.
- Trainees never report their own exam score. A score from an exam taken elsewhere is recorded
  by the program's specialist with its evidence; where the rules require it, a second person
  confirms it before it counts.
- Surveys, exams and scores are taken only while the evaluation window is open.

Pure, like the rest of the domain: ``now`` is the workflow's time.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain import commands as c
from domain import events as e
from domain.refusals import DomainError, refused
from domain.roster import RosterFacts
from domain.state import ProgramState

#: What a specialist records about a session, for messages.
WHAT = {
    c.RecordAttendance: "attendance",
    c.RecordAttendees: "attendance",
    c.CompleteSession: "completion",
}


def _local(moment: datetime, timezone: str) -> str:
    return f"{moment.astimezone(ZoneInfo(timezone)).isoformat(timespec='minutes')} ({timezone})"


def session_entry(
    state: ProgramState,
    session: e.Session,
    command: c.RecordAttendance | c.RecordAttendees | c.CompleteSession,
    now: datetime,
) -> dict[str, Any]:
    """The ``late_entered`` / ``late_reason`` of an attendance or completion entered ``now``,
    or a ``DomainError``: before the session's start, or late without a reason."""
    what = WHAT[type(command)]
    if now < session.starts_at:
        raise refused(
            "facts.before_session_start",
            session_id=session.session_id,
            when=_local(session.starts_at, state.timezone),
            what=what,
        )
    ends = session.starts_at + timedelta(hours=session.duration_hours)
    days = state.fact_rules.entry_window_days
    if now <= ends + timedelta(days=days):
        return {"late_entered": False, "late_reason": None}
    if command.late_reason is None:
        raise refused(
            "facts.late_without_reason",
            session_id=session.session_id,
            when=_local(ends, state.timezone),
            days=days,
            what=what,
        )
    return {"late_entered": True, "late_reason": command.late_reason}


def check_evaluation_open(state: ProgramState, now: datetime) -> None:
    """The window may have run out before its timer has closed the evaluation."""
    closes = state.evaluation_closes_at
    if closes is not None and now >= closes:
        raise refused("facts.evaluation_closed", when=_local(closes, state.timezone))


def check_not_examined(roster: RosterFacts, trainee: str) -> None:
    if trainee in roster.examined:
        raise refused("facts.already_examined", trainee=trainee)
    if trainee in roster.pending:
        raise refused("facts.score_already_pending", trainee=trainee)


def trainee_score_refused() -> DomainError:
    return refused("facts.trainee_reports_score")


def record_exam_score(
    state: ProgramState, command: c.RecordExamScore, now: datetime, roster: RosterFacts
) -> list[Any]:
    """The specialist's record of a score: counted at once, or pending a second person."""
    check_evaluation_open(state, now)
    if not roster.may_evaluate(command.trainee):
        raise refused("facts.score_without_attendance", trainee=command.trainee)
    check_not_examined(roster, command.trainee)
    if state.fact_rules.scores_need_confirmation:
        return [_recorded_score(e.ExamScorePending, command, recorded_by=command.actor)]
    return [_recorded_score(e.ExamSubmitted, command, recorded_by=command.actor)]


def confirm_exam_score(
    state: ProgramState, command: c.ConfirmExamScore, roster: RosterFacts
) -> list[Any]:
    """A second person's confirmation: never the recorder, the specialist or a trainee.
    Nothing to check yet while the roster is not looked up (the validator's dry run)."""
    if not roster.known:
        return []
    pending = roster.pending.get(command.trainee)
    if pending is None:
        raise refused("facts.no_pending_score", trainee=command.trainee)
    actor = command.actor
    if actor == pending.recorded_by:
        raise refused("facts.confirm_own_score", actor=actor)
    if actor == state.specialist:
        raise refused("facts.confirm_by_specialist")
    if actor in roster.enrolled or actor in roster.planned:
        raise refused("facts.confirm_by_trainee", actor=actor)
    return [
        _recorded_score(
            e.ExamSubmitted, pending, recorded_by=pending.recorded_by, confirmed_by=actor
        )
    ]


def _recorded_score(
    kind: type[e.ExamScorePending | e.ExamSubmitted],
    score: c.RecordExamScore | e.ExamScorePending,
    recorded_by: str,
    **confirmation: str,
) -> e.ExamScorePending | e.ExamSubmitted:
    """A score from an exam taken elsewhere, as the event ``kind`` records it; a confirmed
    one also names who confirmed it (``confirmed_by``)."""
    return kind(
        trainee=score.trainee,
        score=score.score,
        recorded_by=recorded_by,
        evidence=score.evidence,
        **confirmation,
    )
