"""Append to the log (reading is ``eventlog.reading``, the PostgreSQL fast paths
``eventlog.fast_append``).

Writers are serialised by a row lock on ``log_head`` (on SQLite by ``BEGIN IMMEDIATE``), so a
global position is handed out only after the append's checks pass and every position commits in
order: a reader taking "everything after N" can never skip a row that commits later. To keep
throughput with many concurrent writers, appends from threads of one process are group-committed:
whoever finds the log idle leads, takes every append that queued meanwhile, checks each one on its
own (a refused append gets its own error, the others go ahead) and commits them in one transaction.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

import psycopg
from sqlalchemy import Connection, Engine, select, update
from sqlalchemy.exc import IntegrityError

from eventlog import hashing, inbox
from eventlog.errors import DuplicateEventError, EventLogError, StreamVersionConflict
from eventlog.fast_append import PostgresAppends
from eventlog.reading import LogReader, newest_versions
from eventlog.records import AppendResult, NewEvent, PendingAppend
from eventlog.schema import events, log_head

#: How long a new group-commit leader waits for the writers it expects (seconds).
GROUP_WAIT = 0.001
#: Seconds that appends go through the inbox after another process was last seen appending.
SHARED_FOR = 1.0


class EventStore(LogReader, PostgresAppends):
    """The log: appends group-committed as above, reads from ``LogReader``."""

    def __init__(
        self,
        engine: Engine,
        *,
        clock: Callable[[], datetime] | None = None,
        group_commit: bool = False,
    ) -> None:
        super().__init__(engine)
        #: Share commits with other processes through the inbox (``eventlog.inbox``) when they
        #: write too. Off by default until it is measured ahead on a quiet machine: on a loaded
        #: one it cost more CPU than the flushes it saved (docs/performance.md).
        self._group_commit = group_commit
        self._clock = clock or (lambda: datetime.now(UTC))
        self._queue_lock = threading.Lock()
        self._arrived = threading.Condition(self._queue_lock)
        self._queue: list[PendingAppend] = []
        self._leading = False
        self._last_group = 1
        self._known_head = None
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
        request = PendingAppend(stream_id, expected_version, new_events)
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

    def _commit_batch(self, batch: list[PendingAppend]) -> None:
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

    def _write(self, batch: list[PendingAppend], *, check_duplicates: bool) -> None:
        if self._postgres and not check_duplicates:
            shared = self._group_commit and time.monotonic() < self._shared_until
            if shared and all(map(inbox.stageable, batch)):
                self._write_staged(batch)
                return
            if not self._group_commit and len(batch) == 1 and len(batch[0].events) == 1:
                # One event: chained by PostgreSQL in one statement (``eventlog.server_chain``);
                # what it refuses is decided on the careful path below.
                if self._write_server_chained(batch[0]):
                    return
            else:
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
            versions = newest_versions(conn, {r.stream_id for r in batch})
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
                    row = hashing.chained_row(
                        position,
                        request.stream_id,
                        current + offset,
                        event,
                        recorded_at,
                        last_hash,
                    )
                    last_hash = row["hash"]
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

    def _write_staged(self, batch: list[PendingAppend]) -> None:
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
            pg = self._own_connection()
            pg.autocommit = True
            self._inbox_pg = pg
        return self._inbox_pg

    def close(self) -> None:
        """Closes the connections this store keeps for itself (they are not the pool's, so
        disposing of the engine leaves them open)."""
        for pg in (self._append_pg, self._inbox_pg):
            if pg is not None and not pg.closed:
                pg.close()
        self._append_pg = self._inbox_pg = None

    @staticmethod
    def _already_stored(conn: Connection, request: PendingAppend) -> bool:
        """True for a retry of an append that already landed; refuses a partial overlap."""
        ids = [str(e.event_id) for e in request.events]
        stored = conn.execute(
            select(
                events.c.event_id, events.c.stream_id, events.c.position, events.c.stream_version
            ).where(events.c.event_id.in_(ids))
        ).all()
        if not stored:
            return False
        if len(stored) != len(ids) or any(row[1] != request.stream_id for row in stored):
            raise DuplicateEventError(
                f"{len(stored)} of {len(ids)} event ids are already in the log"
                f" (stream {request.stream_id!r}); a retry must resend exactly the same events"
            )
        # The append's events are consecutive in its stream: its last is the version it left.
        first, last = min(stored, key=lambda r: r[2]), max(stored, key=lambda r: r[2])
        request.result = AppendResult(
            request.stream_id, int(last[3]), int(first[2]), int(last[2]), replayed=True
        )
        return True
