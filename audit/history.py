"""Who did what, when, in which workflow run: the log's events for a program, a person or a
time range, streamed straight from the log (not from a read model an auditor would have to
trust), as rows for a table, JSON Lines or CSV."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any, Literal, TextIO

from pydantic import BaseModel, ConfigDict

from domain.events import load_event
from domain.streams import program_stream
from domain.text import spreadsheet_safe
from eventlog import EventStore, RecordedEvent
from projections.event_messages import parts
from projections.event_texts import render
from projections.program_views import program_id_of

#: How a person named in a payload field is involved, by field name (any other field that
#: holds exactly the person's id counts too, under its own name).
PERSON_FIELDS = {
    "trainee": "trainee",
    "trainees": "trainee",
    "attendees": "trainee",
    "absentees": "trainee",
    "target_trainees": "trainee",
    "trained": "trainee",
    "control": "control group",
    "recipients": "recipient",
    "specialist": "specialist",
    "submitted_by": "specialist",
    "approver": "approver",
    "approvers": "approver",
    "assignee": "approver",
    "candidates": "approver",
    "owner": "approver",
    "delegate": "approver",
    "by": "actor",
    "employee_id": "employee",
    "instructor_id": "instructor",
    "username": "account",
    "display_name": "account",
}


TimeField = Literal["occurred_at", "recorded_at"]


class HistoryFilter(BaseModel):
    """Which events to show; every condition given must hold."""

    model_config = ConfigDict(frozen=True)

    program_id: str | None = None
    person: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    time_field: TimeField = "occurred_at"
    event_types: frozenset[str] = frozenset()
    limit: int | None = None


class HistoryEntry(BaseModel):
    """One event as an auditor reads it."""

    model_config = ConfigDict(frozen=True)

    position: int
    stream_id: str
    stream_version: int
    program_id: str | None
    event_id: str
    event_type: str
    schema_version: int
    occurred_at: datetime
    recorded_at: datetime
    actor: str
    role: str
    workflow_id: str | None
    run_id: str | None
    activity_id: str | None
    summary: str
    involvement: list[str]
    payload: dict[str, Any]
    hash: str


def involvement(row: RecordedEvent, person: str) -> list[str]:
    """How ``person`` takes part in an event: as its actor and/or named anywhere in its payload
    (searched through nested objects and lists, so new event types need no list of fields)."""
    found = ["actor"] if row.metadata.get("actor") == person else []

    def search(value: Any, field: str) -> None:
        if isinstance(value, dict):
            for name, inner in value.items():
                search(inner, name)
        elif isinstance(value, list):
            for inner in value:
                search(inner, field)
        elif value == person:
            role = PERSON_FIELDS.get(field, field)
            if role not in found:
                found.append(role)

    search(row.payload, "")
    return found


def _summary(row: RecordedEvent) -> str:
    """The event in English as people read it (the timelines' display wording, instants in
    UTC and labelled), not the frozen stored summary of the read models."""
    try:
        return render(parts(load_event(row.event_type, row.schema_version, row.payload)), "en")
    except Exception:  # an event this code cannot read is still shown, by its type
        return row.event_type


def entry(
    row: RecordedEvent, person: str | None = None, involved: list[str] | None = None
) -> HistoryEntry:
    """``involved``: how the person takes part, when the caller knows more than the payload
    says (a reminder recorded by reference)."""
    meta = row.metadata

    def text(name: str) -> str | None:
        value = meta.get(name)
        return None if value is None else str(value)

    return HistoryEntry(
        position=row.position,
        stream_id=row.stream_id,
        stream_version=row.stream_version,
        program_id=program_id_of(row.stream_id),
        event_id=str(row.event_id),
        event_type=row.event_type,
        schema_version=row.schema_version,
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        actor=str(meta.get("actor", "")),
        role=str(meta.get("role", "")),
        workflow_id=text("workflow_id"),
        run_id=text("run_id"),
        activity_id=text("activity_id"),
        summary=_summary(row),
        involvement=involved
        if involved is not None
        else involvement(row, person)
        if person
        else [],
        payload=row.payload,
        hash=row.hash,
    )


class _Reached:
    """Whom a reminder recorded by reference (a count and a digest, no list) reached, read
    from the events before it in the log: the program's specialist for *prepare materials*,
    and for *attend* everyone enrolled in the stream by its ``roster_version``."""

    def __init__(self, person: str) -> None:
        self.person = person
        self.enrolled_at: dict[str, int] = {}
        self.specialist_of: set[str] = set()

    def see(self, row: RecordedEvent) -> None:
        if row.event_type == "TraineeEnrolled" and row.payload.get("trainee") == self.person:
            self.enrolled_at.setdefault(row.stream_id, row.stream_version)
        elif row.event_type == "ProgramPlanned" and row.payload.get("specialist") == self.person:
            self.specialist_of.add(row.stream_id)

    def reached(self, row: RecordedEvent) -> bool:
        version = row.payload.get("roster_version")
        if row.event_type != "ReminderSent" or version is None:
            return False
        if row.payload.get("kind") == "prepare_materials":
            return row.stream_id in self.specialist_of
        enrolled = self.enrolled_at.get(row.stream_id)
        return enrolled is not None and enrolled <= int(version)


def iter_history(store: EventStore, where: HistoryFilter | None = None) -> Iterator[HistoryEntry]:
    """Matching events in log order, streamed (a program's own stream when one is named)."""
    where = where or HistoryFilter()
    rows: Iterable[RecordedEvent] = (
        store.read_stream(program_stream(where.program_id))
        if where.program_id is not None
        else store.read_all()
    )
    shown = 0
    reached = _Reached(where.person) if where.person is not None else None
    for row in rows:
        if where.limit is not None and shown >= where.limit:
            return
        if reached is not None:
            reached.see(row)
        moment = row.occurred_at if where.time_field == "occurred_at" else row.recorded_at
        if where.since is not None and moment < where.since:
            continue
        if where.until is not None and moment > where.until:
            continue
        if where.event_types and row.event_type not in where.event_types:
            continue
        involved: list[str] = []
        if where.person is not None:
            involved = involvement(row, where.person)
            if reached is not None and reached.reached(row) and "recipient" not in involved:
                involved.append("recipient")
            if not involved:
                continue
        shown += 1
        yield entry(row, where.person, involved)


def write_jsonl(entries: Iterable[HistoryEntry], out: TextIO) -> int:
    count = 0
    for item in entries:
        out.write(item.model_dump_json() + "\n")
        count += 1
    return count


CSV_COLUMNS = [
    "position",
    "occurred_at",
    "recorded_at",
    "program_id",
    "stream_version",
    "event_type",
    "actor",
    "role",
    "involvement",
    "summary",
    "workflow_id",
    "run_id",
    "activity_id",
    "event_id",
    "payload",
    "hash",
]


def _cell(value: object) -> object:
    return spreadsheet_safe(value) if isinstance(value, str) else value


def write_csv(entries: Iterable[HistoryEntry], out: TextIO) -> int:
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    count = 0
    for item in entries:
        row = item.model_dump(mode="json")
        row["involvement"] = " ".join(item.involvement)
        row["payload"] = json.dumps(item.payload, sort_keys=True, ensure_ascii=False)
        writer.writerow({column: _cell(row[column]) for column in CSV_COLUMNS})
        count += 1
    return count
