"""The PostgreSQL append paths that skip the row lock's extra round trips.

``EventStore`` tries these first on PostgreSQL: chaining onto the head it wrote last in one
statement, else locking the head and inserting in two pipelined round trips, with payloads
encoded once for both the hash and the stored JSON. Each writes nothing when the careful path
(``EventStore._write``) must decide instead. Statements on the kept connection are never
prepared, so no plan made while the log was small outlives its size.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

import psycopg
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from eventlog import hashing, server_chain
from eventlog.reading import NAMES
from eventlog.records import AppendResult, PendingAppend

#: After the known head turned out stale (another process appended), appends go straight to
#: the locking path for this long (seconds): measured with 4 writer processes, 638 to 880
#: appends a second.
CONTENDED_FOR = 1.0
#: From this many rows, PostgreSQL appends send columns as arrays instead of rows of parameters.
BULK_THRESHOLD = 20

_LOCK_HEAD = "SELECT position, hash FROM log_head WHERE id = 1 FOR UPDATE"
#: Each stream's version by one probe down its index (``reading.newest_versions`` says why).
_VERSIONS = (
    "SELECT s.id, (SELECT max(e.stream_version) FROM events e WHERE e.stream_id = s.id)"
    " FROM unnest(%s::text[]) AS s(id)"
)
_INSERT = f"INSERT INTO events ({NAMES}) VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s)"
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
    f" INSERT INTO events ({NAMES}) SELECT * FROM {{rows}} WHERE EXISTS (SELECT 1 FROM head)"
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
_UNNEST_INSERT = f"INSERT INTO events ({NAMES}) SELECT * FROM {_UNNEST_ROWS}"


_T = TypeVar("_T")


@dataclass
class _Head:
    position: int
    hash: str


class PostgresAppends:
    """The fast append paths, mixed into ``EventStore`` (whose state they share)."""

    engine: Engine
    _clock: Callable[[], datetime]
    #: The head as this store last wrote it; appends optimistically chain onto it.
    _known_head: tuple[int, str] | None
    #: Until when (``time.monotonic()``) another process is taken to be appending too: the
    #: known head is stale then, and trying it first would queue on the head row twice.
    _contended_until: float = 0.0

    #: The connection the appending thread (one at a time: the group's leader) writes on.
    _append_pg: psycopg.Connection[Any] | None = None

    def _own_connection(self) -> psycopg.Connection[Any]:
        """A connection taken out of the pool for good (checked, pinged, on the way out; the
        pool opens another in its place), to be kept by this store and closed by ``close``."""
        raw = self.engine.raw_connection()
        pg: psycopg.Connection[Any] | None = raw.driver_connection
        assert pg is not None
        raw.detach()
        pg.rollback()
        # Planned for each call, never prepared: a plan made while ``events`` was nearly empty
        # would read a stream's every row to find its version, for this connection's whole
        # life (parsing the statements again costs less than that plan's first long stream).
        pg.prepare_threshold = None
        return pg

    def _on_kept_connection(self, send: Callable[[psycopg.Connection[Any]], _T]) -> _T:
        """``send`` on the kept connection: no pool check-out, no ping, its statements prepared
        once for its life. A connection found cut (a server restart, a failover, an idle
        timeout) is replaced and ``send`` tried once more on the new one; that is safe because
        every event has its id: an append that had landed before the cut is refused as a
        stored id the second time, and the careful path recognises it as a retry."""
        for attempt in (1, 2):
            pg = self._append_pg
            if pg is None or pg.closed or pg.broken:
                pg = self._append_pg = self._own_connection()
            try:
                return send(pg)
            except psycopg.OperationalError:
                if attempt == 2 or not (pg.closed or pg.broken):
                    raise
                self._append_pg = None
                with contextlib.suppress(Exception):
                    pg.close()
        raise AssertionError("unreachable")

    def _write_known_head(self, batch: list[PendingAppend]) -> bool | None:
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
            else f"(VALUES {','.join([_VALUES_ROW] * len(rows))}) AS r({NAMES})",
        )
        return self._on_kept_connection(
            lambda pg: self._send_known_head(pg, batch, statement, params, head, len(rows))
        )

    def _send_known_head(
        self,
        pg: psycopg.Connection[Any],
        batch: list[PendingAppend],
        statement: str,
        params: list[Any],
        head: _Head,
        row_count: int,
    ) -> bool | None:
        try:
            # The statement is all or nothing, so it can commit whatever it did (pipelining
            # the commit was measured slower: psycopg's pipeline costs more than the round trip).
            cursor = pg.execute(statement, params)
            pg.commit()
            if cursor.rowcount != row_count:
                # Nothing was written: another writer moved the head, or a stream is not where
                # the append expects it.
                self._known_head = None
                self._contended_until = time.monotonic() + CONTENDED_FOR
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
            # The results stay as hashed: sent again on a new connection, the same statement
            # stands for them (a failure that ends here is undone by the caller, results too).
            _rollback(pg)
            self._known_head = None
            raise

    def _write_server_chained(self, request: PendingAppend) -> bool:
        """One event, chained onto the head by PostgreSQL in one autocommitted statement
        (``eventlog.server_chain``). False, having written nothing, when the careful path must
        decide (the stream is elsewhere, or the event id or stream version is taken)."""
        recorded_at = self._clock()

        def send(pg: psycopg.Connection[Any]) -> tuple[int, str] | None:
            try:
                return server_chain.append_one(
                    pg, request.stream_id, request.expected_version, request.events[0], recorded_at
                )
            except psycopg.IntegrityError:
                return None

        written = self._on_kept_connection(send)
        self._known_head = written
        if written is None:
            request.result = None
            return False
        version = request.expected_version + 1
        request.result = AppendResult(request.stream_id, version, written[0], written[0])
        return True

    def _write_postgres(self, batch: list[PendingAppend]) -> bool:
        """When the head is not known (another process wrote last), straight on psycopg: two
        pipelined round trips (lock the head and read the stream versions; insert, move the
        head and commit), and payloads encoded once for both the hash and the stored JSON.
        Returns False, having written nothing, when an append needs the careful path (a
        version mismatch may be a retry of an append that already landed)."""
        return self._on_kept_connection(lambda pg: self._send_locked(pg, batch))

    def _send_locked(self, pg: psycopg.Connection[Any], batch: list[PendingAppend]) -> bool:
        try:
            with pg.pipeline():
                head_cursor = pg.execute(_LOCK_HEAD)
                versions_cursor = pg.execute(_VERSIONS, [sorted({r.stream_id for r in batch})])
                head = head_cursor.fetchone()
                versions = {
                    row[0]: int(row[1]) for row in versions_cursor.fetchall() if row[1] is not None
                }
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
            if time.monotonic() >= self._contended_until:
                self._known_head = (position, last_hash)
            return True
        except psycopg.IntegrityError as exc:
            pg.rollback()
            for request in batch:
                request.result = None
            raise IntegrityError("append", None, exc) from exc
        except BaseException:
            _rollback(pg)
            for request in batch:
                request.result = None
            raise


def _rollback(pg: psycopg.Connection[Any]) -> None:
    """Ends a failed transaction; a cut connection has none left to end."""
    if not (pg.closed or pg.broken):
        pg.rollback()


def _hash_rows(
    batch: Sequence[PendingAppend],
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
