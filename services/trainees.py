"""Who may be enrolled: a recorded employee (reference data) or an active user with the
trainee role. The plan, a single enrolment and a roster file ask the same question here."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select

from accounts.users import active_with_role
from domain.reference import STREAM_PREFIXES, EmployeeRecorded
from eventlog.schema import events
from eventlog.store import EventStore


def unknown_employees(store: EventStore, people: Sequence[str], page: int = 1000) -> set[str]:
    """Those of ``people`` the log has no employee record of."""
    prefix = STREAM_PREFIXES[EmployeeRecorded]
    known: set[str] = set()
    with store.engine.connect() as conn:
        for start in range(0, len(people), page):
            streams = [prefix + p for p in people[start : start + page]]
            rows = conn.execute(
                select(events.c.stream_id).where(events.c.stream_id.in_(streams)).distinct()
            )
            known.update(row[0][len(prefix) :] for row in rows)
    return set(people) - known


def unknown_trainees(store: EventStore, people: Sequence[str]) -> set[str]:
    """Those of ``people`` who may not be enrolled: neither a recorded employee (reference
    data) nor an active user with the trainee role. One rule for a plan, a single enrolment
    and a roster file: a misspelt name would otherwise be a phantom trainee, reminded of
    sessions and counted in every participation and response rate."""
    unknown = unknown_employees(store, people)
    return unknown - active_with_role(store.engine, unknown, "trainee") if unknown else unknown
