"""Attendance of a big session, recorded in batches (from a file or a device export).

``AttendanceRecorded`` names every attendee and absentee of a session in one event: for 50,000
trainees that is megabytes, beyond any workflow payload. ``AttendeesRecorded`` adds a batch of
attendees to a session instead; absentees are implied (everyone enrolled and not recorded).
Kept in its own module so the event catalogue (``domain.events``) gains it without an edit.
"""

from __future__ import annotations

from typing import Literal

from domain.events import PersonId, _Event, register_event_types


class AttendeesRecorded(_Event):
    """A batch of a session's attendees; ``late_entered`` as for ``AttendanceRecorded``."""

    type: Literal["AttendeesRecorded"] = "AttendeesRecorded"
    session_id: str
    attendees: tuple[PersonId, ...]
    late_entered: bool = False
    late_reason: str | None = None


register_event_types(AttendeesRecorded)
