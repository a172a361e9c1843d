"""Many streams appended in one transaction: all of them land, or none does.

An import of 20,000 rows is one act: a fault half way (the database restarting, a conflict)
must not leave 1,427 of them behind. Group commit (``EventStore.append``) gives no such
promise across appends, since it decides each one on its own after a failure; this does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, select, update

from eventlog import hashing
from eventlog.errors import DuplicateEventError, EventLogError, StreamVersionConflict
from eventlog.reading import newest_versions
from eventlog.records import AppendResult, NewEvent
from eventlog.schema import events, log_head
from eventlog.store import EventStore

#: Ids per ``IN (...)``: far below PostgreSQL's 65,535 parameters a statement.
CHUNK = 1000


@dataclass(frozen=True)
class StreamAppend:
    stream_id: str
    expected_version: int
    events: Sequence[NewEvent]


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _stored(conn: Connection, ids: list[str]) -> dict[str, tuple[str, int]]:
    found: dict[str, tuple[str, int]] = {}
    for chunk in _chunks(ids):
        rows = conn.execute(
            select(events.c.event_id, events.c.stream_id, events.c.stream_version).where(
                events.c.event_id.in_(chunk)
            )
        )
        found.update({str(r[0]): (r[1], int(r[2])) for r in rows})
    return found


def append_all(
    store: EventStore,
    appends: Sequence[StreamAppend],
    *,
    on_written: Callable[[int, int], None] | None = None,
) -> list[AppendResult]:
    """Append every stream's events in one transaction. A retry of the very same appends is a
    no-op (``replayed``); any conflict or fault rolls everything back. ``on_written(done,
    total)`` is called after each chunk of rows is inserted, inside the transaction."""
    for append in appends:
        if not append.events:
            raise EventLogError(f"an append to {append.stream_id!r} needs at least one event")
        for event in append.events:
            if event.occurred_at.utcoffset() is None:
                raise EventLogError(f"event {event.event_id}: occurred_at must be timezone-aware")
    ids = [str(e.event_id) for a in appends for e in a.events]
    if len(set(ids)) != len(ids):
        raise DuplicateEventError("the same event id appears twice in one append")
    store._known_head = None
    results: list[AppendResult] = []
    with store.engine.begin() as conn:
        head = conn.execute(
            select(log_head.c.position, log_head.c.hash).where(log_head.c.id == 1).with_for_update()
        ).one()
        position, last_hash = int(head[0]), str(head[1])
        versions = newest_versions(conn, sorted({a.stream_id for a in appends}))
        stored = _stored(conn, ids)
        recorded_at = store._clock()
        rows: list[dict[str, Any]] = []
        for append in appends:
            hits = [stored[str(e.event_id)] for e in append.events if str(e.event_id) in stored]
            if hits:
                if len(hits) != len(append.events) or {s for s, _ in hits} != {append.stream_id}:
                    raise DuplicateEventError(
                        f"{len(hits)} of {len(append.events)} event ids of {append.stream_id!r}"
                        " are already in the log; a retry must resend exactly the same events"
                    )
                version = max(v for _, v in hits)
                results.append(AppendResult(append.stream_id, version, 0, 0, replayed=True))
                continue
            current = versions.get(append.stream_id, 0)
            if current != append.expected_version:
                raise StreamVersionConflict(append.stream_id, append.expected_version, current)
            first = position + 1
            for offset, event in enumerate(append.events, start=1):
                position += 1
                row = hashing.chained_row(
                    position, append.stream_id, current + offset, event, recorded_at, last_hash
                )
                last_hash = row["hash"]
                rows.append(row)
            versions[append.stream_id] = current + len(append.events)
            results.append(
                AppendResult(append.stream_id, versions[append.stream_id], first, position)
            )
        done = 0
        for chunk in _chunks(rows):
            conn.execute(events.insert(), list(chunk))
            done += len(chunk)
            if on_written is not None:
                on_written(done, len(rows))
        if rows:
            conn.execute(
                update(log_head).where(log_head.c.id == 1).values(position=position, hash=last_hash)
            )
    return results
