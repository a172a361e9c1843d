"""One event appended and chained by PostgreSQL itself, in one call.

The chain needs the head's hash, so appends from different processes take turns on the
``log_head`` row, and PostgreSQL releases a row lock only after the commit's WAL flush. Here the
client sends the row's canonical bytes split around the global position (the only part of the
row it cannot know: the stream version is the expected one plus one, ``recorded_at`` is chosen
by the client), and one call of the procedure ``trainops_append_one`` (migrations 0008, 0009)
locks the head, checks the stream's version, hashes ``prev || prefix || position || suffix`` with
``sha256``, moves the head and inserts the row. The bytes hashed are exactly
``hashing.canonical_encoded``'s, so ``log verify`` is unchanged.

The procedure commits that transaction without waiting for its WAL flush (``synchronous_commit``
off for it alone), so the head's lock is held for microseconds, not for a flush; it then writes
a tiny synchronously committed message in a second transaction, which flushes the WAL up to its
own commit record, after the append's, and only then does the caller get its answer. Writers in
separate processes thus share flushes (PostgreSQL flushes all waiting commits at once) instead
of taking turns for one each. The cost: for about a millisecond a committed event is visible to
readers before it is on disk. A crash in that moment loses it together with everything that
read it into this database (their commits come later in the same WAL); its writer was never told
it was stored, and retries."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg
from psycopg import pq

from eventlog import hashing
from eventlog.records import NewEvent

#: The digits stand in the canonical bytes where the position goes; never in a real row's
#: prefix (everything before ``"position":`` is the event's own fields, all JSON-encoded).
_MARK = 0

#: The call (migrations 0008, 0009): chains, commits without waiting for its flush, then waits
#: for the flush of a synchronously committed message written after it, in one round trip.
_CALL = (
    b"CALL trainops_append_one($1, $2, $3, $4, $5::uuid, $6, $7, $8::json, $9::json,"
    b" $10::timestamptz, $11::timestamptz)"
)
#: Each parameter's type (0: the server infers it from the cast) and format (1: binary, the
#: canonical bytes; 0: text). Sent through libpq itself (``PGconn.exec_params``): psycopg's
#: cursor spent ~110 µs of client CPU an append adapting eleven parameters and reading one
#: row, more than half of what an append costs the process (measured: 220 µs with it, 100 µs
#: without, in one process on 2 cores).
_TYPES = [25, 23, 17, 17, 0, 25, 23, 0, 0, 0, 0]
_FORMATS = [0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0]
#: The parameters sent as text (libpq reads a text parameter up to its first NUL byte).
_TEXTS = (0, 5)


def split_canonical(
    stream_id: str, stream_version: int, event: NewEvent, recorded_at: datetime
) -> tuple[bytes, bytes, dict[str, Any]]:
    """The canonical bytes before and after the position, and the row's other columns (the
    times as their canonical text: the stored time is the one hashed, to the microsecond)."""
    occurred_ts = hashing.timestamp(event.occurred_at)
    recorded_ts = hashing.timestamp(recorded_at)
    payload_json = hashing.encode_json(event.payload)
    metadata_json = hashing.encode_json(event.metadata)
    encoded = hashing.canonical_encoded(
        position=_MARK,
        stream_id=stream_id,
        stream_version=stream_version,
        event_id=str(event.event_id),
        event_type=event.event_type,
        schema_version=event.schema_version,
        payload_json=payload_json,
        metadata_json=metadata_json,
        occurred_ts=occurred_ts,
        recorded_ts=recorded_ts,
    )
    # The position key comes after "payload", whose value may itself hold the same text, so
    # split at the last occurrence ("recorded_at" and later keys cannot contain it unescaped).
    marker = b',"position":' + str(_MARK).encode() + b',"recorded_at":'
    cut = encoded.rindex(marker) + len(b',"position":')
    prefix, suffix = encoded[:cut], encoded[cut + len(str(_MARK)) :]
    columns = {
        "stream": stream_id,
        "event_id": str(event.event_id),
        "type": event.event_type,
        "schema_version": event.schema_version,
        "payload": payload_json,
        "metadata": metadata_json,
        "occurred": occurred_ts,
        "recorded": recorded_ts,
    }
    return prefix, suffix, columns


def append_one(
    pg: psycopg.Connection[Any],
    stream_id: str,
    expected_version: int,
    event: NewEvent,
    recorded_at: datetime,
) -> tuple[int, str] | None:
    """Append ``event`` in one call: its position and hash, or None, having
    written nothing, when the stream is not at ``expected_version`` (the caller decides then).
    Raises ``psycopg.IntegrityError`` for a stored event id or a stream version taken meanwhile."""
    prefix, suffix, columns = split_canonical(stream_id, expected_version + 1, event, recorded_at)
    encoding = pg.info.encoding
    params = [
        stream_id.encode(encoding),
        str(expected_version).encode(),
        prefix,
        suffix,
        columns["event_id"].encode(),
        event.event_type.encode(encoding),
        str(event.schema_version).encode(),
        columns["payload"].encode(encoding),
        columns["metadata"].encode(encoding),
        columns["occurred"].encode(),
        columns["recorded"].encode(),
    ]
    if any(b"\x00" in params[i] for i in _TEXTS):  # JSON text escapes NUL: only these may hold one
        raise psycopg.DataError("PostgreSQL text fields cannot contain NUL (0x00) bytes")
    if pg.pgconn.transaction_status != pq.TransactionStatus.IDLE:
        pg.rollback()  # the procedure commits: only outside a transaction block
    result = _exec(pg.pgconn, _CALL, params)
    if result.status != pq.ExecStatus.TUPLES_OK:
        if pg.pgconn.status == pq.ConnStatus.BAD:  # cut: the caller replaces the connection
            raise psycopg.OperationalError(result.get_error_message(encoding) or "connection lost")
        raise psycopg.errors.error_from_result(result, encoding=encoding)
    position, hash_ = result.get_value(0, 0), result.get_value(0, 1)
    if position is None or hash_ is None:
        return None
    return int(position), bytes(hash_).decode()


def _exec(pgconn: pq.abc.PGconn, query: bytes, params: list[bytes]) -> pq.abc.PGresult:
    """One statement through libpq, the GIL released while it waits (a seam for tests)."""
    return pgconn.exec_params(query, params, _TYPES, _FORMATS)
