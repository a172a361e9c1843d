"""Reading the log: a stream, a page, everything after a position, the head.

The tailing and replay paths read on psycopg directly on PostgreSQL (no per-row SQLAlchemy
processing); ``EventStore`` adds appending on top of this.
"""

from __future__ import annotations

import json
from collections.abc import Generator, Iterable, Iterator, Sequence
from datetime import UTC
from typing import Any
from uuid import UUID

from psycopg.types.json import set_json_loads
from sqlalchemy import Connection, Engine, String, func, literal, select, union_all

from eventlog.engine import READ_ONLY
from eventlog.records import RecordedEvent
from eventlog.schema import events, log_head

COLUMNS = (
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

#: The columns of ``COLUMNS`` by name, for statements written as text.
NAMES = (
    "position, stream_id, stream_version, event_id, event_type, schema_version, payload,"
    " metadata, occurred_at, recorded_at, prev_hash, hash"
)
_PAGE = f"SELECT {NAMES} FROM events WHERE position > %s ORDER BY position LIMIT %s"

_scan = json.JSONDecoder().raw_decode

#: What a fold reads of a row, in the order ``_folded`` takes it: the metadata's actor and role
#: only, when each is a string or absent (parsing every metadata document cost a rebuild a
#: fifth of its read); the whole metadata otherwise, so the fold sees what is stored. No hashes.
_FOLDED = (
    "SELECT position, stream_id, stream_version, event_id, event_type, schema_version, payload,"
    " metadata->>'actor', metadata->>'role', occurred_at, recorded_at,"
    " CASE WHEN coalesce(json_typeof(metadata->'actor'), 'string') = 'string'"
    " AND coalesce(json_typeof(metadata->'role'), 'string') = 'string' THEN NULL"
    " ELSE metadata END"
    " FROM events WHERE position > %s ORDER BY position"
)


def _loads(data: bytes | str) -> Any:
    """``json.loads`` without its per-call encoding sniffing (psycopg hands over UTF-8 bytes)."""
    text = data.decode("utf-8") if isinstance(data, bytes) else data
    return _scan(text)[0]


def _record(row: Any) -> RecordedEvent:
    """A row of ``COLUMNS`` (SQLAlchemy or psycopg) as a ``RecordedEvent`` with UTC times."""
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


def _folded(row: Any) -> RecordedEvent:
    """A row of ``_FOLDED`` as a ``RecordedEvent``: metadata holds the actor and role it has
    (all of it where either is not a string), the hashes are empty (a fold never reads them;
    ``trainops log verify`` reads them whole)."""
    metadata = row[11]
    if metadata is None:
        metadata = {}
        if row[7] is not None:
            metadata["actor"] = row[7]
        if row[8] is not None:
            metadata["role"] = row[8]
    return RecordedEvent(
        row[0],
        row[1],
        row[2],
        row[3],
        row[4],
        row[5],
        row[6],
        metadata,
        row[9].astimezone(UTC),
        row[10].astimezone(UTC),
        "",
        "",
    )


class LogReader:
    """The read side of ``EventStore``: every query here takes no lock and writes nothing."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._postgres = engine.dialect.name == "postgresql"

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
            select(*COLUMNS)
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
            select(*COLUMNS)
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

    def fold_pages(
        self, conn: Connection, size: int, after_position: int = 0
    ) -> Generator[list[RecordedEvent]]:
        """Every event after ``after_position`` in pages of ``size``, in ``conn``'s transaction,
        for a fold that reads the whole log (a rebuild). On PostgreSQL one server-side cursor in
        binary streams the columns a fold reads (``_folded``): one query, not one per page, and
        memory bounded by a page. Elsewhere pages as ``read_page`` reads them. Close the
        iterator (or exhaust it) before the transaction ends."""
        if not self._postgres:
            while page := self.read_page(after_position, size, conn=conn):
                yield page
                after_position = page[-1].position
            return
        driver = conn.connection.driver_connection
        assert driver is not None
        set_json_loads(_loads, driver)
        with driver.cursor(name="trainops_fold", binary=True) as cursor:
            cursor.itersize = size
            cursor.execute(_FOLDED, (after_position,))
            while rows := cursor.fetchmany(size):
                yield [_folded(row) for row in rows]

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
            return newest_versions(conn, {stream_id}).get(stream_id, 0)


#: Streams per look-up statement (SQLite allows 500 terms in one compound SELECT).
VERSION_LOOKUP_CHUNK = 400


def newest_versions(conn: Connection, stream_ids: Iterable[str]) -> dict[str, int]:
    """Each stream's version (the version of its newest row), for the streams that have rows.

    One probe down the ``(stream_id, stream_version)`` index per stream, whatever the stream's
    length: ``max(...) GROUP BY stream_id`` read every row of each stream, and a program of
    50,000 trainees has a stream of 100,000 rows and more, read again for every append to it.
    """
    found: dict[str, int] = {}
    ids = sorted(set(stream_ids))
    for start in range(0, len(ids), VERSION_LOOKUP_CHUNK):
        chunk = ids[start : start + VERSION_LOOKUP_CHUNK]
        named = [select(literal(s, String).label("stream_id")) for s in chunk]
        streams = (named[0] if len(named) == 1 else union_all(*named)).subquery()
        newest = (
            select(func.max(events.c.stream_version))
            .where(events.c.stream_id == streams.c.stream_id)
            .scalar_subquery()
        )
        rows = conn.execute(select(streams.c.stream_id, newest))
        found.update({row[0]: int(row[1]) for row in rows if row[1] is not None})
    return found
