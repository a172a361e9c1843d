"""When session reminders are due: in the program's time zone, on its region's working days.

- *prepare materials*: to the specialist, ``prepare_working_days`` working days before the
  session's local date (3 by default), at ``prepare_at`` local time (09:00);
- *attend*: to the enrolled trainees, on the session day at ``attend_at`` (08:00), or
  ``attend_lead_minutes`` before the start if that is earlier.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from domain.calendar import BusinessCalendar, CalendarConfig, ReminderRules, wall_clock
from domain.state import RUNNING, ProgramState

ReminderKind = Literal["prepare_materials", "attend_session"]
#: Who a reminder goes to: the program's specialist, or every trainee enrolled so far.
Audience = Literal["specialist", "enrolled"]


def audience_of(state: ProgramState, audience: Audience) -> tuple[str, ...]:
    """Everyone in ``audience`` by the state's own lists (how reminders went out before they
    were fanned out by reference; histories recorded then replay with it)."""
    return (state.specialist,) if audience == "specialist" else state.enrolled


def recipients_digest(recipients: Iterable[str]) -> str:
    """sha256 over the sorted ids, one a line: what a ``ReminderSent`` records instead of the
    list (anyone holding the list, from the ledger or the roster, can check it)."""
    digest = hashlib.sha256()
    for person in sorted(recipients):
        digest.update(person.encode())
        digest.update(b"\n")
    return digest.hexdigest()


class Reminder(BaseModel):
    """A reminder the workflow owes; its id changes when the session moves, so it is re-sent."""

    model_config = ConfigDict(frozen=True)

    reminder_id: str
    kind: ReminderKind
    session_id: str
    due_at: datetime
    audience: Audience
    audience_size: int
    """How many people it goes to now: who they are is read when it is sent (the specialist,
    or the roster as of then), so a reminder is the same size for 5 or 50,000 trainees."""


def prepare_due(
    starts_at: datetime,
    timezone: str,
    calendar: CalendarConfig | None = None,
    rules: ReminderRules | None = None,
) -> datetime:
    rules = rules or ReminderRules()
    zone = ZoneInfo(timezone)
    session_day = starts_at.astimezone(zone).date()
    day = BusinessCalendar(calendar).working_days_before(session_day, rules.prepare_working_days)
    return wall_clock(day, rules.prepare_at, zone)


def attend_due(starts_at: datetime, timezone: str, rules: ReminderRules | None = None) -> datetime:
    """On the session day at ``attend_at``, or ``attend_lead_minutes`` of real elapsed time
    before the start if that is earlier (computed in UTC: across a DST change a wall-clock
    subtraction would be an hour off)."""
    rules = rules or ReminderRules()
    zone = ZoneInfo(timezone)
    local_start = starts_at.astimezone(zone)
    on_the_day = wall_clock(local_start.date(), rules.attend_at, zone)
    lead = starts_at.astimezone(UTC) - timedelta(minutes=rules.attend_lead_minutes)
    return min(on_the_day, lead.astimezone(zone))


#: How long after a session's start its reminders are still sent (a reminder due at the very
#: start, lead 0 or a start in a skipped DST hour, fires a moment after it instead of never).
STARTED_GRACE = timedelta(minutes=15)


def owed_reminders(
    state: ProgramState,
    now: datetime,
    started_grace: timedelta | None = None,
    enrolled: int | None = None,
) -> list[Reminder]:
    """Reminders still to send, soonest first; none before publishing. Without
    ``started_grace`` none once a session began (histories recorded before the grace); with
    it, a session's reminders are still owed until that long after its start. ``enrolled``:
    how many are enrolled, for a state that carries no roster (``domain.roster.lean``)."""
    enrolled_count = len(state.enrolled) if enrolled is None else enrolled
    if state.status not in RUNNING:
        return []
    owed: list[Reminder] = []
    for session in state.sessions.values():
        started = (
            session.starts_at <= now
            if started_grace is None
            else now - session.starts_at > started_grace
        )
        if session.session_id in state.completed_sessions or started:
            continue
        stamp = session.starts_at.astimezone(ZoneInfo("UTC")).strftime("%Y%m%dT%H%M%SZ")
        candidates = (
            Reminder(
                reminder_id=f"{session.session_id}:prepare_materials:{stamp}",
                kind="prepare_materials",
                session_id=session.session_id,
                due_at=prepare_due(
                    session.starts_at, state.timezone, state.calendar, state.reminder_rules
                ),
                audience="specialist",
                audience_size=1,
            ),
            Reminder(
                reminder_id=f"{session.session_id}:attend_session:{stamp}",
                kind="attend_session",
                session_id=session.session_id,
                due_at=attend_due(session.starts_at, state.timezone, state.reminder_rules),
                audience="enrolled",
                audience_size=enrolled_count,
            ),
        )
        owed.extend(
            r for r in candidates if r.audience_size and r.reminder_id not in state.sent_reminders
        )
    return sorted(owed, key=lambda r: (r.due_at, r.reminder_id))
