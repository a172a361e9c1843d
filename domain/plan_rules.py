"""Rules a new or revised plan must meet before anything is recorded, checked at the edge by the
service layer (the workflow replays plans recorded before a rule existed, so these are not
model validators that would refuse an old history).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from zoneinfo import ZoneInfo

from domain.events import Session


class PlanRefused(ValueError):
    """A plan that contradicts itself; the message names what to change."""


def check_planned_date(planned_date: date, sessions: Iterable[Session], timezone: str) -> None:
    """The planned date is the day the program is due to be delivered: on or after the day of
    its last session, in the program's time zone. Earlier, it could never be on time (and a
    date in the past would make "late" meaningless)."""
    zone = ZoneInfo(timezone)
    days = {s.session_id: s.starts_at.astimezone(zone).date() for s in sessions}
    if not days:
        return
    last_id = max(days, key=lambda session_id: days[session_id])
    if planned_date < days[last_id]:
        raise PlanRefused(
            f"planned date {planned_date.isoformat()} is before session {last_id} on "
            f"{days[last_id].isoformat()} ({timezone}): the planned date is the day the program "
            "is due to be delivered, on or after its last session"
        )
