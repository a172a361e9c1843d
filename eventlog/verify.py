"""Check the hash chain end to end and say exactly where it breaks."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Literal, NamedTuple
from uuid import UUID

from sqlalchemy import Text, cast, select

from eventlog import hashing
from eventlog.engine import READ_ONLY
from eventlog.records import RecordedEvent
from eventlog.schema import events
from eventlog.store import EventStore

ProblemKind = Literal["altered", "missing", "reordered", "broken_link", "stream_gap", "truncated"]


@dataclass(frozen=True)
class Problem:
    position: int
    kind: ProblemKind
    detail: str


@dataclass
class ChainReport:
    checked: int = 0
    last_position: int = 0
    last_hash: str = hashing.GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def content_hash(event: RecordedEvent) -> str:
    """The hash this row must carry, given the previous hash it names."""
    return hashing.chain(event.prev_hash, hashing.canonical(event._asdict()))


class StoredRow(NamedTuple):
    """A row of the log with its payload and metadata as the JSON text stored (not decoded):
    what ``log verify`` walks, so checking a row costs one hash, not a decode and an encode."""

    position: int
    stream_id: str
    stream_version: int
    event_id: str
    event_type: str
    schema_version: int
    payload: str
    metadata: str
    occurred_at: datetime
    recorded_at: datetime
    prev_hash: str
    hash: str


def stored_hash(row: StoredRow) -> str:
    """``content_hash`` of a stored row. The text the append wrote is the canonical encoding,
    so it is hashed as it is; text that does not hash right (written by another encoder, or
    altered) is decoded and encoded canonically, exactly as ``content_hash`` does."""
    encoded = hashing.canonical_encoded(
        position=row.position,
        stream_id=row.stream_id,
        stream_version=row.stream_version,
        event_id=row.event_id,
        event_type=row.event_type,
        schema_version=row.schema_version,
        payload_json=row.payload,
        metadata_json=row.metadata,
        occurred_ts=hashing.timestamp(row.occurred_at),
        recorded_ts=hashing.timestamp(row.recorded_at),
    )
    found = hashing.chain(row.prev_hash, encoded)
    if found == row.hash:
        return found
    return content_hash(
        RecordedEvent(
            row.position,
            row.stream_id,
            row.stream_version,
            UUID(row.event_id),
            row.event_type,
            row.schema_version,
            json.loads(row.payload),
            json.loads(row.metadata),
            row.occurred_at,
            row.recorded_at,
            row.prev_hash,
            row.hash,
        )
    )


_STORED_PAGE = (
    "SELECT position, stream_id, stream_version, event_id::text, event_type, schema_version,"
    " payload::text, metadata::text, occurred_at, recorded_at, prev_hash, hash"
    " FROM events WHERE position > %s ORDER BY position LIMIT %s"
)


def read_stored(
    store: EventStore, after_position: int = 0, *, page_size: int = 5000
) -> Iterator[StoredRow]:
    """Every row after ``after_position`` in order, streamed page by page, JSON undecoded."""
    while True:
        if store.engine.dialect.name == "postgresql":
            raw = store.engine.raw_connection()
            try:
                driver = raw.driver_connection
                assert driver is not None
                rows = driver.execute(_STORED_PAGE, (after_position, page_size)).fetchall()
                driver.rollback()
            finally:
                raw.close()
            page = [StoredRow(*row) for row in rows]
        else:
            query = (
                select(
                    *(
                        cast(c, Text) if c.name in ("payload", "metadata") else c
                        for c in events.columns
                        if c.name in StoredRow._fields
                    )
                )
                .where(events.c.position > after_position)
                .order_by(events.c.position)
                .limit(page_size)
            )
            with store.engine.connect().execution_options(**READ_ONLY) as conn:
                page = [
                    StoredRow(
                        row[0],
                        row[1],
                        row[2],
                        str(row[3]),
                        row[4],
                        row[5],
                        row[6],
                        row[7],
                        _utc(row[8]),
                        _utc(row[9]),
                        row[10],
                        row[11],
                    )
                    for row in conn.execute(query)
                ]
        yield from page
        if len(page) < page_size:
            return
        after_position = page[-1].position


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def verify_events(
    rows: Iterable[RecordedEvent | StoredRow], head: tuple[int, str] | None = None
) -> ChainReport:
    """Walk rows in position order: each row's content must match its hash, each row must name
    the previous row's hash, positions must run 1, 2, 3… and each stream's versions 1, 2, 3…"""
    report = ChainReport()
    expected_position = 1
    previous_hash = hashing.GENESIS
    stream_versions: dict[str, int] = {}
    for event in rows:
        report.checked += 1
        if event.position < expected_position:
            report.problems.append(Problem(event.position, "reordered", "position out of order"))
        elif event.position > expected_position:
            missing = f"{expected_position}" + (
                f"..{event.position - 1}" if event.position - 1 > expected_position else ""
            )
            report.problems.append(
                Problem(expected_position, "missing", f"position(s) {missing} missing")
            )
        found = stored_hash(event) if isinstance(event, StoredRow) else content_hash(event)
        if found != event.hash:
            report.problems.append(
                Problem(event.position, "altered", "row content does not match its hash")
            )
        elif event.prev_hash != previous_hash and event.position == expected_position:
            report.problems.append(
                Problem(
                    event.position,
                    "broken_link",
                    "row does not follow the previous row (rows swapped or replaced)",
                )
            )
        last_version = stream_versions.get(event.stream_id, 0)
        if event.stream_version != last_version + 1:
            report.problems.append(
                Problem(
                    event.position,
                    "stream_gap",
                    f"stream {event.stream_id!r} jumps from version {last_version}"
                    f" to {event.stream_version}",
                )
            )
        stream_versions[event.stream_id] = max(last_version, event.stream_version)
        expected_position = max(expected_position, event.position + 1)
        previous_hash = event.hash
        report.last_position, report.last_hash = event.position, event.hash
    if head is not None and (report.last_position, report.last_hash) != head:
        report.problems.append(
            Problem(
                report.last_position + 1 if head[0] > report.last_position else head[0],
                "truncated",
                f"log ends at position {report.last_position} but its head says {head[0]}",
            )
        )
    return report


def verify_log(store: EventStore) -> ChainReport:
    """Verify a quiet log against its head; ``audit.verify`` also copes with appends going on
    during the walk."""
    head = store.head()
    return verify_events(read_stored(store), head)
