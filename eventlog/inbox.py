"""Appends from many processes, sequenced together in one transaction (PostgreSQL).

Writers in separate processes cannot share an in-process group commit, and taking turns on the
``log_head`` row lock makes each of them hold it across its round trips and its own commit's
WAL flush: measured, 16 processes appended fewer events per second than one. So a writer that
finds others writing stages its append in ``event_inbox`` (UNLOGGED: that commit writes no WAL
and waits for no flush) and then takes the head lock. Whoever holds the lock sequences every
staged append: checks its stream version and event ids, hands out positions, chains the hashes,
inserts the rows and moves the head, in one transaction with one flush for all of them. The
others, when they get the lock, find theirs already in ``events`` and only read their positions.

Positions are still handed out only under the head lock, by a transaction that commits before
the lock passes on, so a reader taking "everything after N" can never skip a row, and the chain
is the one ``log verify`` checks. An append the sequencer refuses (its stream moved on, an id
already stored, a row the log cannot hold) is marked, and its writer decides it again on the
careful path, which gives it its own error or finds it was a retry.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID, uuid4

import psycopg

from eventlog import hashing
from eventlog.errors import EventLogError
from eventlog.records import AppendResult, NewEvent

#: Staged rows one sequencer takes at once (memory stays bounded however many are waiting).
TAKE = 5000
#: An append with more events than this goes the locking path: it alone fills a transaction.
MAX_STAGED = 1000
#: How long a sequencer waits (seconds, holding the lock) for as many appends as it moved last
#: time, so that they share one commit: less than a commit's WAL flush costs.
COLLECT_WAIT = 0.001
COLLECT_STEP = 0.0005
#: From this many rows, events go in as columns of binary arrays (``store.BULK_THRESHOLD``).
BULK = 20

_STAGE_ROW = (
    "(%s::uuid, %s::int, %s::int, %s::text, %s::int, %s::uuid, %s::text, %s::int, %s::text,"
    " %s::text, %s::timestamptz)"
)
_STAGE = (
    "INSERT INTO event_inbox (append_id, event_count, event_index, stream_id, expected_version,"
    " event_id, event_type, schema_version, payload, metadata, occurred_at) VALUES {rows}"
)
#: The sequencer's lock: advisory (waiting for it writes nothing), named after the schema
#: (the same in ``trainops_inbox_wait``), then the head row as every writer of the log takes it.
_TRY_LOCK_HEAD = (
    "SELECT h.position, h.hash FROM"
    " (SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || '.event_inbox')) AS ok) t,"
    " log_head h WHERE t.ok AND h.id = 1 FOR UPDATE OF h"
)
_PENDING = (
    "SELECT i.seq, i.append_id, i.event_count, i.event_index, i.stream_id, i.expected_version,"
    " i.event_id, i.event_type, i.schema_version, i.payload, i.metadata, i.occurred_at,"
    " (SELECT max(e.stream_version) FROM events e WHERE e.stream_id = i.stream_id),"
    " EXISTS (SELECT 1 FROM events e WHERE e.event_id = i.event_id)"
    f" FROM event_inbox i WHERE NOT i.refused ORDER BY i.seq LIMIT {TAKE}"
)
_WAIT = "SELECT staged_id, is_refused, first_position FROM trainops_inbox_wait(%s, %s)"
_NAMES = (
    "position, stream_id, stream_version, event_id, event_type, schema_version, payload,"
    " metadata, occurred_at, recorded_at, prev_hash, hash"
)
_INSERT = f"INSERT INTO events ({_NAMES}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
_UNNEST_INSERT = (
    f"INSERT INTO events ({_NAMES}) SELECT * FROM unnest(%b::bigint[], %b::text[], %b::int[],"
    " %b::uuid[], %b::text[], %b::int[], %b::json[], %b::json[], %b::timestamptz[],"
    " %b::timestamptz[], %b::text[], %b::text[])"
)
_SEQUENCED = "DELETE FROM event_inbox WHERE seq = ANY(%s)"
_REFUSE = "UPDATE event_inbox SET refused = true WHERE seq = ANY(%s)"
_MOVE_HEAD = "UPDATE log_head SET position = %s, hash = %s WHERE id = 1"
_FORGET = "DELETE FROM event_inbox WHERE append_id = ANY(%s)"


class Request(Protocol):
    stream_id: str
    expected_version: int
    events: Sequence[NewEvent]
    result: AppendResult | None


def stageable(request: Request) -> bool:
    """Whether the inbox can carry ``request`` (the sequencer must never meet a row that the
    ``events`` table refuses: it would fail everyone's transaction, not only its own)."""
    return (
        len(request.events) <= MAX_STAGED
        and len(request.stream_id) <= 200
        and all(len(e.event_type) <= 100 for e in request.events)
    )


@dataclass
class Staged:
    refused: list[Request]
    """Appends the sequencer turned down, out of the inbox: the careful path decides them."""
    head: tuple[int, str] | None
    """The head this connection wrote, if it sequenced last."""
    others: bool
    """Whether appends of other writers were seen (then staging pays off)."""
    moved: int
    """Appends this connection moved in its last sequencing (what it waits for next time)."""


def append_staged(
    pg: psycopg.Connection[Any],
    batch: Sequence[Request],
    clock: Callable[[], datetime],
    expect: int = 1,
) -> Staged:
    """Stage ``batch``, then sequence until every append of it is in the log or refused; sets
    each landed append's result."""
    staged = {uuid4(): request for request in batch}
    params: list[Any] = []
    for append_id, request in staged.items():
        count = len(request.events)
        for index, event in enumerate(request.events):
            params += [
                append_id,
                count,
                index,
                request.stream_id,
                request.expected_version,
                event.event_id,
                event.event_type,
                event.schema_version,
                hashing.encode_json(event.payload),
                hashing.encode_json(event.metadata),
                event.occurred_at,
            ]
    rows = len(params) // 11
    pg.execute(_STAGE.format(rows=",".join([_STAGE_ROW] * rows)), params)  # commits, no flush
    waiting = dict(staged)
    refused: list[UUID] = []
    head: tuple[int, str] | None = None
    others = False
    moved = [expect]
    try:
        while True:
            others |= _settle(pg, waiting, refused)
            if not waiting:
                break
            head, seen_others = _try_sequence(pg, waiting, refused, clock, moved)
            others |= seen_others
    finally:
        if refused or waiting:
            # Refused (or abandoned by an error): out of the inbox before the careful path
            # decides them, so that no sequencer moves them too.
            if pg.info.transaction_status != psycopg.pq.TransactionStatus.IDLE:
                pg.execute("ROLLBACK")
            pg.execute(_FORGET, [[*refused, *waiting]])
    return Staged([staged[a] for a in refused], head, others, moved[0])


def _settle(pg: psycopg.Connection[Any], waiting: dict[UUID, Request], refused: list[UUID]) -> bool:
    """Wait for the sequencer at work, if any, then settle what of ``waiting`` it settled.
    Returns whether another writer's sequencing was seen."""
    firsts = [request.events[0].event_id for request in waiting.values()]
    others = False
    for append_id, is_refused, first in pg.execute(_WAIT, [list(waiting), firsts]).fetchall():
        if is_refused:
            refused.append(append_id)
            del waiting[append_id]
        elif is_refused is None:  # no longer staged: in the log
            request = waiting.pop(append_id)
            if first is None:
                raise EventLogError(f"an append to {request.stream_id!r} left the inbox unrecorded")
            request.result = _result(request, int(first))
            others = True
    return others


def _try_sequence(
    pg: psycopg.Connection[Any],
    waiting: dict[UUID, Request],
    refused: list[UUID],
    clock: Callable[[], datetime],
    moved: list[int],
) -> tuple[tuple[int, str] | None, bool]:
    """Sequence what is staged, unless another writer holds the head (then it will). Returns
    the new head if this wrote it, and whether it met other writers' appends."""
    with pg.pipeline():
        pg.execute("BEGIN")
        head_cursor = pg.execute(_TRY_LOCK_HEAD)
        pending_cursor = pg.execute(_PENDING)
        locked = head_cursor.fetchone()
        pending = pending_cursor.fetchall()
    if locked is None:
        pg.execute("ROLLBACK")
        return None, True
    # The lock is ours: wait a moment for the writers that are about to stage, so that one
    # commit carries them all (never longer than COLLECT_WAIT, and never when alone).
    deadline = time.monotonic() + COLLECT_WAIT
    while len({row[1] for row in pending}) < moved[0] and time.monotonic() < deadline:
        time.sleep(COLLECT_STEP)
        pending = pg.execute(_PENDING).fetchall()
    moved[0] = max(1, len({row[1] for row in pending}))
    others = any(row[1] not in waiting for row in pending)
    if not pending:
        pg.execute("ROLLBACK")
        return None, others
    head = _sequence(pg, pending, (int(locked[0]), str(locked[1])), waiting, refused, clock)
    return head, others


def _sequence(
    pg: psycopg.Connection[Any],
    pending: list[Any],
    head: tuple[int, str],
    waiting: dict[UUID, Request],
    refused: list[UUID],
    clock: Callable[[], datetime],
) -> tuple[int, str] | None:
    groups: dict[UUID, list[Any]] = {}
    for row in pending:
        groups.setdefault(row[1], []).append(row)
    recorded_at = clock()
    recorded_ts = hashing.timestamp(recorded_at)
    position, last_hash = head
    versions: dict[str, int] = {}
    seen: set[UUID] = set()
    rows: list[tuple[Any, ...]] = []
    done: list[int] = []
    turned_down: list[int] = []
    refusing: list[UUID] = []
    landed: dict[UUID, int] = {}
    for append_id, group in groups.items():
        if len(group) != group[0][2]:
            continue  # not all of it was taken: the next round takes it whole
        group.sort(key=lambda r: r[3])
        stream_id, expected = group[0][4], group[0][5]
        current = versions.get(stream_id, group[0][12] or 0)
        ids = [r[6] for r in group]
        if current != expected or any(r[13] for r in group) or not seen.isdisjoint(ids):
            turned_down += [r[0] for r in group]
            refusing.append(append_id)
            continue
        seen.update(ids)
        landed[append_id] = position + 1
        for offset, r in enumerate(group, start=1):
            position += 1
            encoded = hashing.canonical_encoded(
                position=position,
                stream_id=stream_id,
                stream_version=current + offset,
                event_id=str(r[6]),
                event_type=r[7],
                schema_version=r[8],
                payload_json=r[9],
                metadata_json=r[10],
                occurred_ts=hashing.timestamp(r[11]),
                recorded_ts=recorded_ts,
            )
            previous, last_hash = last_hash, hashing.chain(last_hash, encoded)
            version = current + offset
            rows.append((position, stream_id, version, *r[6:12], recorded_at, previous, last_hash))
            done.append(r[0])
        versions[stream_id] = current + len(group)
    try:
        with pg.pipeline():
            if len(rows) >= BULK:
                pg.execute(_UNNEST_INSERT, [list(column) for column in zip(*rows, strict=True)])
            elif rows:
                pg.cursor().executemany(_INSERT, rows)
            if done:
                pg.execute(_SEQUENCED, [done])
                pg.execute(_MOVE_HEAD, (position, last_hash))
            if turned_down:
                pg.execute(_REFUSE, [turned_down])
            pg.execute("COMMIT")
    except psycopg.DatabaseError:
        # A row the log refuses: refuse every append taken, each writer gets its own answer.
        pg.execute("ROLLBACK")
        pg.execute(_REFUSE, [[r[0] for r in pending]])
        return None
    for append_id, first in landed.items():
        request = waiting.pop(append_id, None)
        if request is not None:
            request.result = _result(request, first)
    for append_id in refusing:
        if waiting.pop(append_id, None) is not None:
            refused.append(append_id)
    return (position, last_hash) if done else None


def _result(request: Request, first: int) -> AppendResult:
    count = len(request.events)
    return AppendResult(
        request.stream_id, request.expected_version + count, first, first + count - 1
    )
