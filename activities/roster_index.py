"""The roster index: per-trainee facts of each program, kept beside the log (migration 0007).

A workflow carries no per-trainee lists; before it decides a command that names people it asks
``roster_facts`` about just them, as of its own stream version. The index is derived from the
log alone: each look-up first folds the stream's roster events the index has not seen yet, up to
that version, in the same transaction that moves its head. A crash leaves it where its last
commit did; two look-ups racing on one program are serialised by the head row. The log is the
truth, so the index can be dropped and rebuilt whenever.

Publishing enrols the plan's roster here too (``enrol_planned``): read from the index, appended
in chunks with event ids derived from the stream and the trainee, so a retry after a crash
appends only the rest and nothing twice.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

import structlog
from sqlalchemy import Column, Connection, Integer, MetaData, String, Table, Text, and_, select
from sqlalchemy import delete as sql_delete
from sqlalchemy import update as sql_update
from sqlalchemy.dialects import postgresql, sqlite
from temporalio import activity

from activities.contracts import (
    ENROL_PLANNED,
    ROSTER_FACTS,
    EnrolDone,
    EnrolPlanned,
    RosterQuery,
)
from activities.metrics import count_appends
from domain import events as e
from domain.attendance import AttendeesRecorded
from domain.commands import SYSTEM_ACTOR
from domain.roster import ROSTER_EVENT_TYPES, RosterFacts
from eventlog import EventStore, NewEvent

log = structlog.get_logger(__name__)

metadata = MetaData()
roster_heads = Table(
    "roster_heads",
    metadata,
    Column("stream_id", String(200), primary_key=True),
    Column("indexed_version", Integer, nullable=False),
)
roster_facts = Table(
    "roster_facts",
    metadata,
    Column("stream_id", String(200), primary_key=True),
    Column("trainee", String(200), primary_key=True),
    Column("fact", String(220), primary_key=True),
    Column("seq", Integer, nullable=False),
    Column("detail", Text, nullable=True),
)

#: Events read from the log per page while catching up; enrolments appended per chunk.
PAGE_SIZE = 2000
ENROL_CHUNK = 500
#: Event ids of publishing's enrolments: one per stream and trainee, the same on every retry.
ENROLMENT_IDS = uuid.UUID("6f1d8a52-3f0c-4a8e-9b7e-2d5c0e4b9a11")

PLANNED, ENROLLED, SURVEYED, EXAMINED, PENDING = (
    "planned",
    "enrolled",
    "surveyed",
    "examined",
    "pending",
)
ATTENDED = "attended:"  # + session id


def enrolment_id(stream_id: str, trainee: str) -> uuid.UUID:
    return uuid.uuid5(ENROLMENT_IDS, f"{stream_id}\n{trainee}")


Row = dict[str, Any]


def _facts_of(stream_id: str, version: int, event: Any) -> tuple[list[Row], list[Any]]:
    """Rows one event adds and the conditions of rows it removes."""
    t = roster_facts.c
    here = t.stream_id == stream_id

    def row(trainee: str, fact: str, detail: str | None = None) -> Row:
        return {"stream_id": stream_id, "trainee": trainee, "fact": fact, "seq": version,
                "detail": detail}  # fmt: skip

    match event:
        case e.ProgramPlanned() | e.ProgramRevised():
            return [row(p, PLANNED) for p in event.trainees], [and_(here, t.fact == PLANNED)]
        case e.TraineeEnrolled():
            return [row(event.trainee, ENROLLED)], []
        case e.AttendanceRecorded() | AttendeesRecorded():
            return [row(p, ATTENDED + event.session_id) for p in event.attendees], []
        case e.SurveySubmitted():
            return [row(event.trainee, SURVEYED)], []
        case e.ExamScorePending():
            return [row(event.trainee, PENDING, event.model_dump_json())], []
        case e.ExamSubmitted():
            gone = and_(here, t.trainee == event.trainee, t.fact == PENDING)
            return [row(event.trainee, EXAMINED)], [gone]
    return [], []


def _insert_new(conn: Connection, rows: list[Row]) -> None:
    """Insert ``rows``, skipping facts already indexed (a repeated fold changes nothing)."""
    if not rows:
        return
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    conn.execute(dialect.insert(roster_facts).on_conflict_do_nothing(), rows)


class RosterIndex:
    """Reads and brings up to date the index of one store's program streams."""

    def __init__(self, store: EventStore, page_size: int = PAGE_SIZE) -> None:
        self.store = store
        self.page_size = page_size

    def catch_up(self, conn: Connection, stream_id: str, version: int) -> None:
        """Fold the stream's roster events up to ``version`` that the index has not seen."""
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(
            dialect.insert(roster_heads)
            .values(stream_id=stream_id, indexed_version=0)
            .on_conflict_do_nothing()
        )
        head = roster_heads.c
        # an update first: the row's lock (PostgreSQL) or the write lock (SQLite) is held from
        # here to the commit, so a racing look-up waits and then sees this one's work
        conn.execute(
            sql_update(roster_heads)
            .where(head.stream_id == stream_id)
            .values(indexed_version=head.indexed_version)
        )
        indexed = conn.execute(
            select(head.indexed_version).where(head.stream_id == stream_id)
        ).scalar_one()
        if indexed >= version:
            return
        after = indexed
        while True:
            page = self.store.read_stream(
                stream_id,
                after,
                up_to_version=version,
                event_types=ROSTER_EVENT_TYPES,
                limit=self.page_size,
            )
            for recorded in page:
                event = e.load_event(recorded.event_type, recorded.schema_version, recorded.payload)
                added, removed = _facts_of(stream_id, recorded.stream_version, event)
                for condition in removed:
                    conn.execute(sql_delete(roster_facts).where(condition))
                _insert_new(conn, added)
            if len(page) < self.page_size:
                break
            after = page[-1].stream_version
        conn.execute(
            sql_update(roster_heads)
            .where(head.stream_id == stream_id, head.indexed_version < version)
            .values(indexed_version=version)
        )

    def facts(self, query: RosterQuery) -> RosterFacts:
        with self.store.engine.begin() as conn:
            self.catch_up(conn, query.stream_id, query.version)
            return self._read(conn, query)

    def _read(self, conn: Connection, query: RosterQuery) -> RosterFacts:
        t = roster_facts.c
        found: dict[str, set[str]] = {}
        pending: dict[str, e.ExamScorePending] = {}
        session_fact = ATTENDED + (query.session_id or "")
        for start in range(0, len(query.people), self.page_size):
            people = query.people[start : start + self.page_size]
            rows = conn.execute(
                select(t.trainee, t.fact, t.detail).where(
                    t.stream_id == query.stream_id, t.trainee.in_(people)
                )
            )
            for trainee, fact, detail in rows:
                kind = "attended" if fact.startswith(ATTENDED) else fact
                if query.session_id is not None and fact == session_fact:
                    found.setdefault("attended_session", set()).add(trainee)
                found.setdefault(kind, set()).add(trainee)
                if fact == PENDING:
                    pending[trainee] = e.ExamScorePending.model_validate(json.loads(detail))
        absentees: tuple[str, ...] = ()
        if query.absentees:
            attendees = set(query.people)
            absentees = tuple(p for p in self.enrolled(conn, query.stream_id) if p not in attendees)
        return RosterFacts(
            planned=frozenset(found.get(PLANNED, ())),
            enrolled=frozenset(found.get(ENROLLED, ())),
            attended=frozenset(found.get("attended", ())),
            attended_session=frozenset(found.get("attended_session", ())),
            surveyed=frozenset(found.get(SURVEYED, ())),
            examined=frozenset(found.get(EXAMINED, ())),
            pending=pending,
            absentees=absentees,
        )

    def enrolled(self, conn: Connection, stream_id: str) -> list[str]:
        """Everyone enrolled, in enrolment order."""
        return self._with_fact(conn, stream_id, ENROLLED)

    def _with_fact(self, conn: Connection, stream_id: str, fact: str) -> list[str]:
        t = roster_facts.c
        query = (
            select(t.trainee)
            .where(t.stream_id == stream_id, t.fact == fact)
            .order_by(t.seq, t.trainee)
        )
        return [row[0] for row in conn.execute(query)]

    def to_enrol(self, stream_id: str, version: int) -> list[str]:
        """Who the plan names and is not enrolled yet, sorted."""
        with self.store.engine.begin() as conn:
            self.catch_up(conn, stream_id, version)
            enrolled = set(self.enrolled(conn, stream_id))
            planned = self._with_fact(conn, stream_id, PLANNED)
        return sorted(p for p in planned if p not in enrolled)


def _chunks(items: Sequence[str], size: int) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class RosterActivities:
    """The roster activities with what the worker wires in: the log."""

    def __init__(self, store: EventStore, chunk: int = ENROL_CHUNK) -> None:
        self.store = store
        self.index = RosterIndex(store)
        self.chunk = chunk

    @activity.defn(name=ROSTER_FACTS)
    def roster_facts(self, query: RosterQuery) -> RosterFacts:
        return self.index.facts(query)

    @activity.defn(name=ENROL_PLANNED)
    def enrol_planned(self, request: EnrolPlanned) -> EnrolDone:
        info = activity.info()
        # on a retry the stream holds this call's earlier chunks: they count as enrolled here
        version = self.store.stream_version(request.stream_id)
        if version < request.expected_version:
            raise ValueError(f"{request.stream_id} is at {version}, before the publication")
        earlier = version - request.expected_version
        todo = self.index.to_enrol(request.stream_id, version)
        metadata: dict[str, Any] = {
            "actor": SYSTEM_ACTOR,
            "role": "system",
            "workflow_id": info.workflow_id,
            "run_id": info.workflow_run_id,
            "activity_id": info.activity_id,
        }
        last_position = 0
        for chunk in _chunks(todo, self.chunk):
            new_events = [
                NewEvent.of(
                    e.TraineeEnrolled(trainee=trainee),
                    event_id=enrolment_id(request.stream_id, trainee),
                    occurred_at=request.occurred_at,
                    metadata=metadata,
                )
                for trainee in chunk
            ]
            result = self.store.append(request.stream_id, version, new_events)
            count_appends("replayed" if result.replayed else "appended", len(new_events))
            version, last_position = result.stream_version, result.last_position
            activity.heartbeat(version)
        if last_position == 0:
            last_position = self._last_position(request.stream_id)
        log.bind(workflow_id=info.workflow_id).info(
            "plan's roster enrolled", enrolled=len(todo), resumed=earlier > 0
        )
        return EnrolDone(
            stream_version=version, last_position=last_position, enrolled=earlier + len(todo)
        )

    def _last_position(self, stream_id: str) -> int:
        version = self.store.stream_version(stream_id)
        last = self.store.read_stream(stream_id, version - 1)
        return last[-1].position if last else 0


__all__ = ["RosterActivities", "RosterIndex", "enrolment_id"]
