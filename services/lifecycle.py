"""A program's lifecycle as milestones, each with its planned and its actual instant.

What the program page draws as a chart: plan, submission, approval, publication, every session
(planned when it starts and ends; actual when it was recorded complete), execution (planned by
the planned date; on time as the domain decided it, ``ProgramExecuted.on_time``), the
evaluation window, feedback and closing. Read from the program's own stream, so the chart shows
exactly what the log says (its size is the plan's: only the events that mark a milestone are
read).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from domain.streams import program_stream
from eventlog.records import RecordedEvent
from eventlog.store import EventStore

#: The steps of the lifecycle in order: event type -> (key, label) of its milestone.
STEPS: dict[str, tuple[str, str]] = {
    "ProgramPlanned": ("planned", "Planned"),
    "ProgramSubmitted": ("submitted", "Submitted"),
    "ProgramApproved": ("approved", "Approved"),
    "ProgramPublished": ("published", "Published"),
}
AFTER_SESSIONS: dict[str, tuple[str, str]] = {
    "ProgramExecuted": ("executed", "Executed"),
    "EvaluationClosed": ("evaluated", "Evaluation closed"),
    "FeedbackSubmitted": ("feedback", "Feedback"),
    "ProgramClosed": ("closed", "Closed"),
    "ProgramCancelled": ("cancelled", "Cancelled"),
}


@dataclass(frozen=True)
class Milestone:
    key: str
    label: str
    """In English; the page translates it."""
    subject: str
    """The session id of a session's milestone, else empty."""
    planned_start: datetime | None
    planned_end: datetime | None
    actual: datetime | None
    late: bool | None
    """True when it happened after its plan; None when there is nothing to compare."""


def _when(value: Any) -> datetime | None:
    if value is None or value == "":
        return None
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _day_end(day: Any, zone: ZoneInfo) -> datetime:
    parsed = day if isinstance(day, date) else date.fromisoformat(str(day))
    return datetime.combine(parsed, time(23, 59), zone)


def milestones(
    state: Mapping[str, Any], events: Iterable[RecordedEvent], zone: ZoneInfo
) -> list[Milestone]:
    """The milestones of a program from its folded ``state`` and its own events."""
    last: dict[str, RecordedEvent] = {}
    completed: dict[str, RecordedEvent] = {}
    for event in events:
        last[event.event_type] = event
        if event.event_type == "SessionCompleted":
            completed[str(event.payload.get("session_id", ""))] = event
    found: list[Milestone] = []
    for event_type, (key, label) in STEPS.items():
        happened = last.get(event_type)
        if happened is not None:
            found.append(Milestone(key, label, "", None, None, happened.occurred_at, None))
    sessions = sorted(
        (s for s in (state.get("sessions") or {}).values() if isinstance(s, dict)),
        key=lambda s: (str(s.get("starts_at", "")), str(s.get("session_id", ""))),
    )
    for session in sessions:
        sid = str(session.get("session_id", ""))
        starts = _when(session.get("starts_at"))
        ends = starts + timedelta(hours=float(session.get("duration_hours", 2))) if starts else None
        done = completed.get(sid)
        found.append(
            Milestone(
                "session",
                "Session",
                sid,
                starts,
                ends,
                done.occurred_at if done else None,
                bool(done.payload.get("late_entered")) if done else None,
            )
        )
    planned_date = state.get("planned_date")
    closes = _when(state.get("evaluation_closes_at"))
    for event_type, (key, label) in AFTER_SESSIONS.items():
        happened = last.get(event_type)
        planned: datetime | None = None
        late: bool | None = None
        if key == "executed" and planned_date:
            planned = _day_end(planned_date, zone)
            late = None if happened is None else not happened.payload.get("on_time", True)
        elif key == "evaluated" and closes is not None:
            planned = closes
            late = None if happened is None else happened.occurred_at > closes
        if happened is None and planned is None:
            continue
        if happened is None and key in ("closed", "cancelled", "feedback"):
            continue
        actual = happened.occurred_at if happened else None
        found.append(Milestone(key, label, "", planned, planned, actual, late))
    return found


def program_milestones(
    store: EventStore, program_id: str, state: Mapping[str, Any], zone: ZoneInfo
) -> list[Milestone]:
    """The milestones of one program, read from its stream in the log: only the events that
    mark one (a 50,000-trainee program's stream has 100,000 enrolments and answers besides)."""
    marking = [*STEPS, "SessionCompleted", *AFTER_SESSIONS]
    return milestones(
        state, store.read_stream(program_stream(program_id), event_types=marking), zone
    )
