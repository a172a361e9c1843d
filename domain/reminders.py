"""When reminders are due: pure date arithmetic in the program's own time zone."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from domain.program import RUNNING, ProgramState

PREPARE_DAYS_BEFORE = 3
PREPARE_AT = time(9, 0)
ATTEND_AT = time(8, 0)
ATTEND_LEAD = timedelta(hours=1)

ReminderKind = Literal["prepare_materials", "attend_session"]


class Reminder(BaseModel):
    """A reminder the workflow owes; its id changes when the session moves, so it is re-sent."""

    model_config = ConfigDict(frozen=True)

    reminder_id: str
    kind: ReminderKind
    session_id: str
    due_at: datetime
    recipients: tuple[str, ...]


def _local(day: datetime, at: time, zone: ZoneInfo) -> datetime:
    # fold=0 picks the first of a repeated hour; a time in a DST gap normalises forward.
    naive = datetime.combine(day.date(), at)
    return datetime.fromtimestamp(naive.replace(tzinfo=zone).timestamp(), tz=zone)


def prepare_due(starts_at: datetime, timezone: str) -> datetime:
    """3 days before the session's local date, at 09:00 local time."""
    zone = ZoneInfo(timezone)
    local_start = starts_at.astimezone(zone)
    return _local(local_start - timedelta(days=PREPARE_DAYS_BEFORE), PREPARE_AT, zone)


def attend_due(starts_at: datetime, timezone: str) -> datetime:
    """08:00 local on the session day, or one hour before the start if that is earlier."""
    zone = ZoneInfo(timezone)
    local_start = starts_at.astimezone(zone)
    return min(_local(local_start, ATTEND_AT, zone), local_start - ATTEND_LEAD)


def owed_reminders(state: ProgramState, now: datetime) -> list[Reminder]:
    """Reminders still to send, soonest first; none before publishing or after a session began."""
    if state.status not in RUNNING:
        return []
    owed: list[Reminder] = []
    for session in state.sessions.values():
        if session.session_id in state.completed_sessions or session.starts_at <= now:
            continue
        stamp = session.starts_at.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
        candidates = (
            Reminder(
                reminder_id=f"{session.session_id}:prepare_materials:{stamp}",
                kind="prepare_materials",
                session_id=session.session_id,
                due_at=prepare_due(session.starts_at, state.timezone),
                recipients=(state.specialist,),
            ),
            Reminder(
                reminder_id=f"{session.session_id}:attend_session:{stamp}",
                kind="attend_session",
                session_id=session.session_id,
                due_at=attend_due(session.starts_at, state.timezone),
                recipients=state.enrolled,
            ),
        )
        owed.extend(
            r for r in candidates if r.recipients and r.reminder_id not in state.sent_reminders
        )
    return sorted(owed, key=lambda r: (r.due_at, r.reminder_id))
