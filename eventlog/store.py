"""Append and read the log.

Writers are serialised by a row lock on ``log_head`` (on SQLite by ``BEGIN IMMEDIATE``), so a
global position is handed out only after the append's checks pass and every position commits in
order: a reader taking "everything after N" can never skip a row that commits later. To keep
throughput with many concurrent writers, appends from threads of one process are group-committed:
whoever finds the log idle leads, takes every append that queued meanwhile, checks each one on its
own (a refused append gets its own error, the others go ahead) and commits them in one transaction.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import set_json_loads
from sqlalchemy import Connection, Engine, func, select, update
from sqlalchemy.exc import IntegrityError

from eventlog import hashing, inbox
from eventlog.engine import READ_ONLY
from eventlog.errors import DuplicateEventError, EventLogError, StreamVersionConflict
from eventlog.records import AppendResult, NewEvent, RecordedEvent
from eventlog.schema import events, log_head

_COLUMNS = (
    events.c.position,
    events.c.stream_id,
    events.c.stream_version,
    events.c.event_id,
    events.c.event_type,
    events.c.schema_version,
    events.c.payload,
    events.c.metadata,
    events.c.occurred_at,
    events.c.recorded_at,
    events.c.prev_hash,
    events.c.hash,
)


#: How long a new group-commit leader waits for the writers it expects (seconds).
GROUP_WAIT = 0.001
#: From this many rows, PostgreSQL appends send columns as arrays instead of rows of parameters.
BULK_THRESHOLD = 20
#: Seconds that appends go through the inbox after another process was last seen appending.
SHARED_FOR = 1.0

_NAMES = (
    "position, stream_id, stream_version, event_id, event_type, schema_version, payload,"
    " metadata, occurred_at, recorded_at, prev_hash, hash"
)
_LOCK_HEAD = "SELECT position, hash FROM log_head WHERE id = 1 FOR UPDATE"
_VERSIONS = (
    "SELECT stream_id, max(stream_version) FROM events WHERE stream_id = ANY(%s) GROUP BY stream_id"
)
_INSERT = f"INSERT INTO events ({_NAMES}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
_MOVE_HEAD = "UPDATE log_head SET position = %s, hash = %s WHERE id = 1"
_KNOWN_HEAD_APPEND = (
    # The head moves only if it is still the head this store wrote and every stream is at its
    # expected version; the rows go in only if the head moved: both happen or neither.
    "WITH expected(stream_id, version) AS ({expected}),"
    " versions_ok AS (SELECT coalesce(bool_and(coalesce((SELECT max(e.stream_version)"
    " FROM events e WHERE e.stream_id = x.stream_id), 0) = x.version), true) AS ok"
    " FROM expected x),"
    " head AS (UPDATE log_head SET position = %s, hash = %s"
    " WHERE id = 1 AND position = %s AND hash = %s AND (SELECT ok FROM versions_ok)"
    " RETURNING 1)"
    f" INSERT INTO events ({_NAMES}) SELECT * FROM {{rows}} WHERE EXISTS (SELECT 1 FROM head)"
)
_VALUES_ROW = (
    "(%s::bigint, %s::text, %s::int, %s::uuid, %s::text, %s::int, %s::json, %s::json,"
    " %s::timestamptz, %s::timestamptz, %s::text, %s::text)"
)
#: Large batches send columns as arrays in binary: one statement text for every size (prepared
#: once), and no per-row parameters to parse. Dumping a list costs ~15 µs in psycopg, more
#: than a small batch's rows, so those go as VALUES.
_UNNEST_ROWS = (
    "unnest(%b::bigint[], %b::text[], %b::int[], %b::uuid[], %b::text[], %b::int[],"
    " %b::json[], %b::json[], %b::timestamptz[], %b::timestamptz[], %b::text[], %b::text[])"
)
_UNNEST_INSERT = f"INSERT INTO events ({_NAMES}) SELECT * FROM {_UNNEST_ROWS}"
_PAGE = f"SELECT {_NAMES} FROM events WHERE position > %s ORDER BY position LIMIT %s"

_scan = json.JSONDecoder().raw_decode


def _loads(data: bytes | str) -> Any:
    """``json.loads`` without its per-call encoding sniffing (psycopg hands over UTF-8 bytes)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return _scan(text)[0]


def _record(row: Any) -> RecordedEvent:
    """A row of ``_COLUMNS`` (SQLAlchemy or psycopg) as a ``RecordedEvent`` with UTC times."""
    return RecordedEvent(
        row[0],
        row[1],
        row[2],
        row[3] if row[3].__class__ is UUID else UUID(row[3]),  # psycopg reads uuid as UUID
        row[4],
        row[5],
        row[6],
        row[7],
        row[8].astimezone(UTC),
        row[9].astimezone(UTC),
        row[10],
        row[11],
    )


@dataclass
class _Head:
    position: int
    hash: str


@dataclass
class _Append:
    stream_id: str
    expected_version: int
    events: Sequence[NewEvent]
    done: threading.Event = field(default_factory=threading.Event)
    lead: bool = False
    result: AppendResult | None = None
    error: BaseException | None = None


class EventStore:
    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] | None = None,
        group_commit: bool = False,
    ) -> None:
        self.engine = engine
        #: Share commits with other processes through the inbox (``eventlog.inbox``) when they
        #: write too. Off by default until it is measured ahead on a quiet machine: on a loaded
        #: one it cost more CPU than the flushes it saved (docs/performance.md).
        self._group_commit = group_commit
        self._clock = clock or (lambda: datetime.now(UTC))
        self._queue_lock = threading.Lock()
        self._arrived = threading.Condition(self._queue_lock)
        self._queue: list[_Append] = []
        self._leading = False
        self._last_group = 1
        self._postgres = engine.dialect.name == "postgresql"
        #: The head as this store last wrote it; appends optimistically chain onto it.
        self._known_head: tuple[int, str] | None = None
        #: Until when other processes are taken to be appending too: appends go through the
        #: inbox then, sequenced together with theirs (``eventlog.inbox``).
        self._shared_until = 0.0
        self._last_sequenced = 1
        self._inbox_pg: psycopg.Connection[Any] | None = None

    # ------------------------------------------------------------------ writing

    def append(
        self, stream_id: str, expected_version: int, new_events: Sequence[NewEvent]
    ) -> AppendResult:
        """Append ``new_events`` to a stream that must be at ``expected_version`` (0: new)."""
        if not new_events:
            raise EventLogError("an append needs at least one event")
        if expected_version < 0:
            raise EventLogError("expected_version must be 0 (a new stream) or more")
        if len({e.event_id for e in new_events}) != len(new_events):
            raise DuplicateEventError("the same event id appears twice in one append")
        for event in new_events:
            if event.occurred_at.utcoffset() is None:
                raise EventLogError(
                    f"event {event.event_id}: occurred_at must be timezone-aware, not naive"
                )
        request = _Append(stream_id, expected_version, new_events)
        with self._queue_lock:
            self._queue.append(request)
            self._arrived.notify()
            follow = self._leading
            self._leading = True
        if follow:
            request.done.wait()
            if request.lead:
                self._lead()
        else:
            self._lead()
        if request.error is not None:
            raise request.error
        assert request.result is not None
        return request.result

    def _lead(self) -> None:
        with self._queue_lock:
            # The writers the previous group released are about to come back: wait a moment
            # (never more than GROUP_WAIT) for as many as there were, so they share a commit.
            # A lone writer (previous group of one) never waits.
            deadline = time.monotonic() + GROUP_WAIT
            while len(self._queue) < self._last_group:
                left = deadline - time.monotonic()
                if left <= 0 or not self._arrived.wait(left):
                    break
            batch, self._queue = self._queue, []
            self._last_group = len(batch)
        try:
            self._commit_batch(batch)
        finally:
            with self._queue_lock:
                if self._queue:
                    successor = self._queue[0]
                    successor.lead = True
                    successor.done.set()
                else:
                    self._leading = False
            for request in batch:
                request.done.set()

    def _commit_batch(self, batch: list[_Append]) -> None:
        try:
            self._write(batch, check_duplicates=False)
        except Exception as exc:
            if len(batch) == 1 and not isinstance(exc, IntegrityError):
                batch[0].result, batch[0].error = None, exc
                return
            # An event id is already stored (a retry), a stream version was taken by a writer
            # in another process, or one append of the group was refused (a partial duplicate,
            # a payload that cannot be stored): the transaction rolled back, so decide each
            # append again on its own, checking ids, and only the refused one fails.
            for request in batch:
                request.result = request.error = None
                try:
                    self._write([request], check_duplicates=True)
                except BaseException as exc:
                    request.error = exc
        except BaseException as exc:
            for request in batch:
                request.error = exc

    def _write(self, batch: list[_Append], *, check_duplicates: bool) -> None:
        if self._postgres and not check_duplicates:
            shared = self._group_commit and time.monotonic() < self._shared_until
            if shared and all(map(inbox.stageable, batch)):
                self._write_staged(batch)
                return
            had_head = self._known_head is not None
            known = self._write_known_head(batch)
            contended = self._group_commit and known is False and had_head
            if contended and all(map(inbox.stageable, batch)):
                self._shared_until = time.monotonic() + SHARED_FOR  # another writer moved it
                self._write_staged(batch)
                return
            if known or (known is not None and self._write_postgres(batch)):
                return
        self._known_head = None
        with self.engine.begin() as conn:
            head = conn.execute(
                select(log_head.c.position, log_head.c.hash)
                .where(log_head.c.id == 1)
                .with_for_update()
            ).one()
            position, last_hash = int(head[0]), str(head[1])
            versions = self._current_versions(conn, {r.stream_id for r in batch})
            recorded_at = self._clock()
            rows: list[dict[str, Any]] = []
            for request in batch:
                if check_duplicates and self._already_stored(conn, request):
                    continue
                current = versions.get(request.stream_id, 0)
                if current != request.expected_version:
                    # A retry of an append that landed finds its stream moved on: a no-op.
                    if not check_duplicates and self._already_stored(conn, request):
                        continue
                    request.error = StreamVersionConflict(
                        request.stream_id, request.expected_version, current
                    )
                    continue
                first = position + 1
                for offset, event in enumerate(request.events, start=1):
                    position += 1
                    row = {
                        "position": position,
                        "stream_id": request.stream_id,
                        "stream_version": current + offset,
                        "event_id": str(event.event_id),
                        "event_type": event.event_type,
                        "schema_version": event.schema_version,
                        "payload": event.payload,
                        "metadata": event.metadata,
                        "occurred_at": event.occurred_at,
                        "recorded_at": recorded_at,
                    }
                    row["prev_hash"] = last_hash
                    last_hash = hashing.chain(last_hash, hashing.canonical(**row_fields(row)))
                    row["hash"] = last_hash
                    rows.append(row)
                versions[request.stream_id] = current + len(request.events)
                request.result = AppendResult(
                    request.stream_id, versions[request.stream_id], first, position
                )
            if rows:
                conn.execute(events.insert(), rows)
                conn.execute(
                    update(log_head)
                    .where(log_head.c.id == 1)
                    .values(position=position, hash=last_hash)
                )

    def _write_staged(self, batch: list[_Append]) -> None:
        """Through the inbox, sequenced together with other processes' appends
        (``eventlog.inbox``); what the sequencer refused is decided on the careful path."""
        pg = self._inbox_connection()
        try:
            staged = inbox.append_staged(pg, batch, self._clock, self._last_sequenced)
        except BaseException:
            self._inbox_pg = None  # in an unknown state: a new one next time
            pg.close()
            for request in batch:
                request.result = None
            raise
        self._known_head = staged.head
        self._last_sequenced = staged.moved
        if staged.others:
            self._shared_until = time.monotonic() + SHARED_FOR
        refused = {id(request) for request in staged.refused}
        for request in batch:
            if id(request) in refused:
                request.result = None
                try:
                    self._write([request], check_duplicates=True)
                except Exception as exc:
                    request.error = exc

    def _inbox_connection(self) -> psycopg.Connection[Any]:
        """The connection this store stages and sequences on, kept (only the group-commit
        leader uses it) and in autocommit: staging and waiting are one statement each, with no
        BEGIN, COMMIT or pool check-out around them."""
        if self._inbox_pg is None or self._inbox_pg.closed:
            raw = self.engine.raw_connection()
            pg = raw.driver_connection
            assert pg is not None
            raw.detach()  # ours for good: the pool opens another in its place
            pg.rollback()
            pg.autocommit = True
            self._inbox_pg = pg
        return self._inbox_pg

    def _write_known_head(self, batch: list[_Append]) -> bool | None:
        """One statement and a commit (the round trips a bare INSERT needs) when this store
        wrote the head last: chain onto the head it knows, moving it and inserting only if it
        is still that head and every stream is at its expected version. Having written nothing:
        False when either check fails (the locking path decides), None when an event id is
        already stored (the careful path decides)."""
        if self._known_head is None:
            return False
        streams: dict[str, int] = {}
        chained: dict[str, int] = {}
        for request in batch:
            if chained.get(request.stream_id, request.expected_version) != request.expected_version:
                return False
            streams.setdefault(request.stream_id, request.expected_version)
            chained[request.stream_id] = request.expected_version + len(request.events)
        before = self._known_head
        head = _Head(*before)
        recorded_at = self._clock()
        rows = list(
            _hash_rows(batch, dict(streams), head, recorded_at, hashing.timestamp(recorded_at))
        )  # hashing moves ``head`` to the new end
        # The expected versions go as VALUES whatever the batch: as arrays the statement took
        # a fifth longer on the server.
        params: list[Any] = [value for pair in streams.items() for value in pair]
        params += [head.position, head.hash, *before]
        if bulk := len(rows) >= BULK_THRESHOLD:
            params += [list(column) for column in zip(*rows, strict=True)]
        else:
            params += [value for row in rows for value in row]
        statement = _KNOWN_HEAD_APPEND.format(
            expected="VALUES " + ",".join(["(%s::text, %s::int)"] * len(streams)),
            rows=_UNNEST_ROWS
            if bulk
            else f"(VALUES {','.join([_VALUES_ROW] * len(rows))}) AS r({_NAMES})",
        )
        raw = self.engine.raw_connection()
        pg = raw.driver_connection
        assert pg is not None
        try:
            # The statement is all or nothing, so it can commit whatever it did (pipelining
            # the commit was measured slower: psycopg's pipeline costs more than the round trip).
            cursor = pg.execute(statement, params)
            pg.commit()
            if cursor.rowcount != len(rows):
                # Nothing was written: another writer moved the head, or a stream is not where
                # the append expects it.
                self._known_head = None
                for request in batch:
                    request.result = None
                return False
            self._known_head = (head.position, head.hash)
            return True
        except psycopg.IntegrityError:
            # A stored event id (a retry, or a partial duplicate): None sends it straight to
            # the careful path, which says which (locking the head first would fail the same).
            pg.rollback()
            self._known_head = None
            for request in batch:
                request.result = None
            return None
        except BaseException:
            pg.rollback()
            self._known_head = None
            for request in batch:
                request.result = None
            raise
        finally:
            raw.close()

    def _write_postgres(self, batch: list[_Append]) -> bool:
        """When the head is not known (another process wrote last), straight on psycopg: two
        pipelined round trips (lock the head and read the stream versions; insert, move the
        head and commit), and payloads encoded once for both the hash and the stored JSON.
        Returns False, having written nothing, when an append needs the careful path (a
        version mismatch may be a retry of an append that already landed)."""
        raw = self.engine.raw_connection()
        pg = raw.driver_connection
        assert pg is not None
        try:
            with pg.pipeline():
                head_cursor = pg.execute(_LOCK_HEAD)
                versions_cursor = pg.execute(_VERSIONS, [sorted({r.stream_id for r in batch})])
                head = head_cursor.fetchone()
                versions = {row[0]: int(row[1]) for row in versions_cursor.fetchall()}
            assert head is not None
            expected = dict(versions)
            for request in batch:
                if expected.get(request.stream_id, 0) != request.expected_version:
                    pg.rollback()
                    return False
                expected[request.stream_id] = request.expected_version + len(request.events)
            position, last_hash = int(head[0]), str(head[1])
            recorded_at = self._clock()
            recorded_ts = hashing.timestamp(recorded_at)
            head_after = _Head(position, last_hash)

            rows = list(_hash_rows(batch, versions, head_after, recorded_at, recorded_ts))
            position, last_hash = head_after.position, head_after.hash
            with pg.pipeline():
                if len(rows) >= BULK_THRESHOLD:
                    pg.execute(_UNNEST_INSERT, [list(column) for column in zip(*rows, strict=True)])
                else:
                    pg.cursor().executemany(_INSERT, rows)
                pg.execute(_MOVE_HEAD, (position, last_hash))
                pg.commit()
            self._known_head = (position, last_hash)
            return True
        except psycopg.IntegrityError as exc:
            pg.rollback()
            for request in batch:
                request.result = None
            raise IntegrityError("append", None, exc) from exc
        except BaseException:
            pg.rollback()
            for request in batch:
                request.result = None
            raise
        finally:
            raw.close()

    @staticmethod
    def _current_versions(conn: Connection, stream_ids: set[str]) -> dict[str, int]:
        query = (
            select(events.c.stream_id, func.max(events.c.stream_version))
            .where(events.c.stream_id.in_(sorted(stream_ids)))
            .group_by(events.c.stream_id)
        )
        return {row[0]: int(row[1]) for row in conn.execute(query)}

    @staticmethod
    def _already_stored(conn: Connection, request: _Append) -> bool:
        """True for a retry of an append that already landed; refuses a partial overlap."""
        ids = [str(e.event_id) for e in request.events]
        stored = conn.execute(
            select(events.c.event_id, events.c.stream_id, events.c.position).where(
                events.c.event_id.in_(ids)
            )
        ).all()
        if not stored:
            return False
        if len(stored) != len(ids) or any(row[1] != request.stream_id for row in stored):
            raise DuplicateEventError(
                f"{len(stored)} of {len(ids)} event ids are already in the log"
                f" (stream {request.stream_id!r}); a retry must resend exactly the same events"
            )
        positions = sorted(int(row[2]) for row in stored)
        version = conn.execute(
            select(func.max(events.c.stream_version)).where(
                events.c.stream_id == request.stream_id, events.c.position <= positions[-1]
            )
        ).scalar_one()
        request.result = AppendResult(
            request.stream_id, int(version), positions[0], positions[-1], replayed=True
        )
        return True

    # ------------------------------------------------------------------ reading

    def read_stream(
        self,
        stream_id: str,
        after_version: int = 0,
        *,
        up_to_version: int | None = None,
        event_types: Sequence[str] | None = None,
        limit: int | None = None,
    ) -> list[RecordedEvent]:
        """The stream's events after ``after_version``; a page of them with ``limit``, only
        those up to ``up_to_version`` or of ``event_types`` (a big program's roster is read
        a page at a time, never whole)."""
        query = (
            select(*_COLUMNS)
            .where(events.c.stream_id == stream_id, events.c.stream_version > after_version)
            .order_by(events.c.stream_version)
        )
        if up_to_version is not None:
            query = query.where(events.c.stream_version <= up_to_version)
        if event_types is not None:
            query = query.where(events.c.event_type.in_(list(event_types)))
        if limit is not None:
            query = query.limit(limit)
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            return [_record(row) for row in conn.execute(query)]

    def read_all(
        self, after_position: int = 0, *, limit: int | None = None, page_size: int = 2000
    ) -> Iterator[RecordedEvent]:
        """Every event after ``after_position`` in global order, streamed page by page."""
        remaining = limit
        while remaining is None or remaining > 0:
            size = page_size if remaining is None else min(page_size, remaining)
            page = self.read_page(after_position, size)
            yield from page
            if len(page) < size:
                return
            after_position = page[-1].position
            if remaining is not None:
                remaining -= len(page)

    def read_page(
        self, after_position: int, size: int, *, conn: Connection | None = None
    ) -> list[RecordedEvent]:
        """Up to ``size`` events after ``after_position``, in ``conn``'s transaction if given."""
        query = (
            select(*_COLUMNS)
            .where(events.c.position > after_position)
            .order_by(events.c.position)
            .limit(size)
        )
        if conn is not None and self._postgres:
            driver = conn.connection.driver_connection
            assert driver is not None
            set_json_loads(_loads, driver)
            return [_record(r) for r in driver.execute(_PAGE, (after_position, size))]
        if conn is not None:
            return [_record(row) for row in conn.execute(query)]
        if self._postgres:
            return self._read_page_postgres(after_position, size)
        with self.engine.connect().execution_options(**READ_ONLY) as own:
            return [_record(row) for row in own.execute(query)]

    def _read_page_postgres(self, after_position: int, size: int) -> list[RecordedEvent]:
        """The tailing and replay path, on psycopg directly: no per-row SQLAlchemy processing."""
        raw = self.engine.raw_connection()
        pg = raw.driver_connection
        assert pg is not None
        try:
            set_json_loads(_loads, pg)
            rows = pg.execute(_PAGE, (after_position, size)).fetchall()
            pg.rollback()
        finally:
            raw.close()
        return [_record(r) for r in rows]

    def head(self) -> tuple[int, str]:
        """The last committed position and its chain hash."""
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            row = conn.execute(select(log_head.c.position, log_head.c.hash)).one()
        return int(row[0]), str(row[1])

    def stream_version(self, stream_id: str) -> int:
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            return self._current_versions(conn, {stream_id}).get(stream_id, 0)


def _hash_rows(
    batch: Sequence[_Append],
    versions: dict[str, int],
    head: _Head,
    recorded_at: datetime,
    recorded_ts: str,
) -> Iterator[tuple[Any, ...]]:
    """The rows of ``batch`` chained onto ``head``, in column order; sets each append's result
    and leaves ``head`` and ``versions`` at the new end."""
    encode, canonical, chain = hashing.encode_json, hashing.canonical_encoded, hashing.chain
    position, last_hash = head.position, head.hash
    occurred: tuple[datetime, str] | None = None  # a decision's events share a time
    for request in batch:
        current = versions.get(request.stream_id, 0)
        first = position + 1
        for offset, event in enumerate(request.events, start=1):
            position += 1
            if occurred is None or occurred[0] != event.occurred_at:
                occurred = (event.occurred_at, hashing.timestamp(event.occurred_at))
            event_id = str(event.event_id)
            payload_json = encode(event.payload)
            metadata_json = encode(event.metadata)
            encoded = canonical(
                position=position,
                stream_id=request.stream_id,
                stream_version=current + offset,
                event_id=event_id,
                event_type=event.event_type,
                schema_version=event.schema_version,
                payload_json=payload_json,
                metadata_json=metadata_json,
                occurred_ts=occurred[1],
                recorded_ts=recorded_ts,
            )
            previous, last_hash = last_hash, chain(last_hash, encoded)
            yield (
                position,
                request.stream_id,
                current + offset,
                event_id,
                event.event_type,
                event.schema_version,
                payload_json,
                metadata_json,
                event.occurred_at,
                recorded_at,
                previous,
                last_hash,
            )
        versions[request.stream_id] = current + len(request.events)
        request.result = AppendResult(
            request.stream_id, versions[request.stream_id], first, position
        )
    head.position, head.hash = position, last_hash


def row_fields(row: dict[str, Any]) -> dict[str, Any]:
    """The fields of a row that the hash covers, in the keyword form ``canonical`` takes."""
    return {
        "position": row["position"],
        "stream_id": row["stream_id"],
        "stream_version": row["stream_version"],
        "event_id": str(row["event_id"]),
        "event_type": row["event_type"],
        "schema_version": row["schema_version"],
        "payload": row["payload"],
        "metadata": row["metadata"],
        "occurred_at": row["occurred_at"],
        "recorded_at": row["recorded_at"],
    }
