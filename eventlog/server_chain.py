"""One event appended and chained by PostgreSQL itself, in one statement.

The chain needs the head's hash, so appends from different processes take turns on the
``log_head`` row, and PostgreSQL releases a row lock only after the commit's WAL flush. Here the
client sends the row's canonical bytes split around the global position (the only part of the
row it cannot know: the stream version is the expected one plus one, ``recorded_at`` is chosen
by the client), and one autocommitted statement locks the head, hashes
``prev || prefix || position || suffix`` with ``sha256``, moves the head and inserts the row.
The bytes hashed are exactly ``hashing.canonical_encoded``'s, so ``log verify`` is unchanged.

That statement commits without waiting for its WAL flush (``synchronous_commit`` off for it
alone), so the head's lock is held for microseconds, not for a flush; a synchronously committed
write sent right behind it in the same round trip (``_FLUSH``) flushes the WAL up to its own
commit record, which comes after the append's, and only then does the caller get its answer.
Writers in separate processes thus share flushes (PostgreSQL flushes all waiting commits at
once) instead of taking turns for one each. The cost: for about a millisecond a committed event
is visible to readers before it is on disk. A crash in that moment loses it together with
everything that read it into this database (their commits come later in the same WAL); its
writer was never told it was stored, and retries.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from eventlog import hashing
from eventlog.reading import NAMES
from eventlog.records import NewEvent

#: The digits stand in the canonical bytes where the position goes; never in a real row's
#: prefix (everything before ``"position":`` is the event's own fields, all JSON-encoded).
_MARK = 0

_APPEND = (
    # ``locked`` waits for the head row and then sees its newest version (READ COMMITTED);
    # ``ok`` checks the stream version (a stream moved since the statement's snapshot is caught
    # by the unique (stream_id, stream_version) constraint instead).
    # ``quick`` commits this statement without waiting for its WAL flush (``_FLUSH`` waits).
    "WITH quick AS MATERIALIZED (SELECT set_config('synchronous_commit', 'off', true) AS v),"
    " locked AS MATERIALIZED (SELECT position, hash FROM log_head"
    " WHERE id = 1 AND EXISTS (SELECT 1 FROM quick) FOR UPDATE),"
    " ok AS MATERIALIZED (SELECT coalesce((SELECT max(stream_version) FROM events"
    " WHERE stream_id = %(stream)s), 0) = %(expected)s AS ok),"
    " next AS MATERIALIZED (SELECT l.position + 1 AS position, l.hash AS prev,"
    " encode(sha256(decode(l.hash, 'hex') || %(prefix)s::bytea"
    " || convert_to((l.position + 1)::text, 'UTF8') || %(suffix)s::bytea), 'hex') AS hash"
    " FROM locked l WHERE (SELECT ok FROM ok)),"
    " head AS (UPDATE log_head h SET position = n.position, hash = n.hash FROM next n"
    " WHERE h.id = 1 RETURNING h.position)"
    f" INSERT INTO events ({NAMES})"
    " SELECT n.position, %(stream)s, %(version)s, %(event_id)s::uuid, %(type)s,"
    " %(schema_version)s, %(payload)s::json, %(metadata)s::json, %(occurred)s::timestamptz,"
    " %(recorded)s::timestamptz, n.prev, n.hash FROM next n"
    " WHERE EXISTS (SELECT 1 FROM head) RETURNING position, hash"
)


#: A write committed synchronously: PostgreSQL flushes the WAL up to its commit record, which
#: comes after the append's, so the append is durable when this answers.
_FLUSH = "SELECT pg_logical_emit_message(true, 'trainops.flush', '')"


def split_canonical(
    stream_id: str, stream_version: int, event: NewEvent, recorded_at: datetime
) -> tuple[bytes, bytes, dict[str, Any]]:
    """The canonical bytes before and after the position, and the row's other columns."""
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
        occurred_ts=hashing.timestamp(event.occurred_at),
        recorded_ts=hashing.timestamp(recorded_at),
    )
    # The position key comes after "payload", whose value may itself hold the same text, so
    # split at the last occurrence ("recorded_at" and later keys cannot contain it unescaped).
    marker = b',"position":' + str(_MARK).encode() + b',"recorded_at":'
    cut = encoded.rindex(marker) + len(b',"position":')
    prefix, suffix = encoded[:cut], encoded[cut + len(str(_MARK)) :]
    columns = {
        "stream": stream_id,
        "version": stream_version,
        "event_id": str(event.event_id),
        "type": event.event_type,
        "schema_version": event.schema_version,
        "payload": payload_json,
        "metadata": metadata_json,
        "occurred": event.occurred_at,
        "recorded": recorded_at,
    }
    return prefix, suffix, columns


def append_one(
    pg: psycopg.Connection[Any],
    stream_id: str,
    expected_version: int,
    event: NewEvent,
    recorded_at: datetime,
) -> tuple[int, str] | None:
    """Append ``event`` in one autocommitted statement: its position and hash, or None, having
    written nothing, when the stream is not at ``expected_version`` (the caller decides then).
    Raises ``psycopg.IntegrityError`` for a stored event id or a stream version taken meanwhile."""
    prefix, suffix, columns = split_canonical(stream_id, expected_version + 1, event, recorded_at)
    params = {**columns, "expected": expected_version, "prefix": prefix, "suffix": suffix}
    pg.autocommit = True
    try:
        # One round trip: the append commits (its lock released) and the flush runs after it.
        with pg.pipeline() as pipeline:
            appended = pg.execute(_APPEND, params)
            pipeline.sync()
            pg.execute(_FLUSH)
        row = appended.fetchone()
    finally:
        if not pg.closed:  # a cut connection is thrown away by the pool anyway
            pg.autocommit = False
    if row is None:
        return None
    return int(row[0]), str(row[1])
