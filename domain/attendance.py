"""Attendance of a big session, recorded in batches (from a file or a device export).

``AttendanceRecorded`` names every attendee and absentee of a session in one event: for 50,000
trainees that is megabytes, beyond any workflow payload. ``AttendeesRecorded`` adds a batch of
attendees to a session instead; absentees are implied (everyone enrolled and not recorded).
Kept in its own module; ``domain.events`` lists it in the ``Event`` union.
"""

from __future__ import annotations

from typing import Literal

from domain.event_base import DomainEvent, PersonId


class AttendeesRecorded(DomainEvent):
    """A batch of a session's attendees; ``late_entered`` as for ``AttendanceRecorded``."""

    type: Literal["AttendeesRecorded"] = "AttendeesRecorded"
    session_id: str
    attendees: tuple[PersonId, ...]
    late_entered: bool = False
    late_reason: str | None = None


#: The events that record who attended a session: one whole session, or a batch of it.
ATTENDANCE_EVENTS = ("AttendanceRecorded", "AttendeesRecorded")
