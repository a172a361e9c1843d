"""The checkpointed projector: tails the log and folds it into the read models.

Each batch's read-model changes and the new checkpoint commit in one transaction, so a crash
and restart neither counts an event twice nor misses one. The checkpoint row is locked for the
batch, so two projectors running against one database take turns instead of double-applying.
Projections plug in through ``projections.catalog``; each gets every batch with events decoded.

Nothing wedges it. A batch that a projection cannot fold is folded again one event at a time,
each in a savepoint; an event that still fails (it cannot be decoded, or its values are refused
by the database) is set aside in ``projection_quarantine`` with the reason, and the projector goes
on. ``retry`` folds quarantined events again after a fix. Only a lost connection stops a batch:
it is retried whole, later. A rebuild runs in one transaction, so the old read models keep
serving until the new ones are complete, and a failed rebuild leaves them as they were.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import structlog
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, delete, func, insert, select, text, update
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from domain.events import load_event
from eventlog import EventStore, RecordedEvent
from eventlog.engine import READ_ONLY
from projections.base import Projection
from projections.catalog import ALL_PROJECTIONS
from projections.leadership import Leadership, leadership_for
from projections.tables import checkpoints, quarantine

log = structlog.get_logger(__name__)

CHECKPOINT = "read_models"
#: Failures that say nothing about the event: the batch is retried whole, nothing set aside.
TRANSIENT = (OperationalError, InterfaceError, PoolTimeout)
#: The projection name under which an event that cannot be decoded at all is quarantined.
DECODING = "(decoding)"
MAX_ERROR_CHARS = 2000


class QuarantinedEvent(BaseModel):
    projection: str
    position: int
    stream_id: str
    event_type: str
    error: str
    quarantined_at: datetime
    attempts: int


class ProjectorStatus(BaseModel):
    position: int
    head: int
    lag: int
    quarantined: int
    events: list[QuarantinedEvent]
    """The first quarantined events, oldest first (at most 100)."""


def describe(exc: BaseException) -> str:
    """Why an event was set aside, printable anywhere (no NUL or other control characters)."""
    text = f"{type(exc).__name__}: {exc}"[:MAX_ERROR_CHARS]
    return "".join(ch if ch.isprintable() or ch in "\n\t" else f"\\x{ord(ch):02x}" for ch in text)


class ProjectionRunner:
    def __init__(
        self,
        store: EventStore,
        *,
        batch_size: int = 500,
        rebuild_batch_size: int = 5000,
        projections: Sequence[Projection] = ALL_PROJECTIONS,
    ) -> None:
        self.store = store
        self.engine: Engine = store.engine
        self.batch_size = batch_size
        self.rebuild_batch_size = rebuild_batch_size
        self.projections = tuple(projections)

    def position(self) -> int:
        """The checkpoint, read without a lock (on SQLite, not waiting for the write lock that
        a folding projector holds)."""
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            found = conn.execute(
                select(checkpoints.c.position).where(checkpoints.c.name == CHECKPOINT)
            ).scalar()
        return int(found or 0)

    def run_once(self, max_events: int | None = None) -> int:
        """Project one batch; returns how many events it folded (0 when caught up)."""
        size = self.batch_size if max_events is None else min(self.batch_size, max_events)
        with self.engine.begin() as conn:
            position = self._lock_checkpoint(conn)
            batch = self.store.read_page(position, size, conn=conn)
            if not batch:
                return 0
            self._fold(conn, batch)
            conn.execute(
                update(checkpoints)
                .where(checkpoints.c.name == CHECKPOINT)
                .values(position=batch[-1].position)
            )
        return len(batch)

    def catch_up(self, max_events: int | None = None) -> int:
        total = 0
        while max_events is None or total < max_events:
            done = self.run_once(None if max_events is None else max_events - total)
            if done == 0:
                break
            total += done
        return total

    def run_forever(
        self,
        stop: threading.Event,
        poll_seconds: float = 0.25,
        heartbeat: Callable[[], None] | None = None,
        leadership: Leadership | None = None,
    ) -> None:
        """Fold new events until ``stop``, while this process leads (``projections.leadership``:
        another projector process stands by and takes over when this one dies); ``heartbeat``
        runs after every successful read, and on a standby at every poll."""
        lead = leadership if leadership is not None else leadership_for(self.engine)
        log.info("projector started", position=self.position())
        standing_by = False
        try:
            while not stop.is_set():
                try:
                    if not lead.hold():
                        if not standing_by:
                            log.info("projector standing by: another process leads")
                            standing_by = True
                        if heartbeat is not None:
                            heartbeat()
                        stop.wait(poll_seconds)
                        continue
                    standing_by = False
                    folded = self.run_once()
                    if heartbeat is not None:
                        heartbeat()
                    if folded == 0:
                        stop.wait(poll_seconds)
                except Exception as exc:
                    log.warning("projection batch failed; retrying", error=describe(exc))
                    stop.wait(min(5.0, poll_seconds * 8))
        finally:
            lead.release()
        log.info("projector stopped", position=self.position())

    def rebuild(self) -> int:
        """Empty every read model and fold the whole log again, in one transaction: readers see
        the old read models until the new ones are complete; a failure changes nothing. The
        log streams through in batches of ``rebuild_batch_size``, each folded in memory and
        written in a few set-based statements, so memory stays flat whatever the log's size."""
        # Everything alive before the rebuild (modules, pydantic's schemas, the engine) is set
        # aside from the collector: each full collection would walk it again while the fold
        # makes millions of short-lived objects (a quarter of a rebuild's CPU, measured).
        gc.freeze()
        try:
            folded = self._rebuild()
        finally:
            gc.unfreeze()
        log.info("read models rebuilt", events=folded)
        return folded

    def _rebuild(self) -> int:
        folded = 0
        with self.engine.begin() as conn:
            self._lock_checkpoint(conn)
            for projection in self.projections:
                for table in projection.tables:
                    conn.execute(delete(table))
            conn.execute(delete(quarantine))
            position = 0
            pages = self.store.fold_pages(conn, self.rebuild_batch_size)
            try:
                for batch in pages:
                    self._fold(conn, batch)
                    position = batch[-1].position
                    folded += len(batch)
            finally:
                pages.close()
            conn.execute(
                update(checkpoints)
                .where(checkpoints.c.name == CHECKPOINT)
                .values(position=position)
            )
            self._analyze(conn)
        return folded

    def _analyze(self, conn: Connection) -> None:
        """On PostgreSQL, statistics for the rebuilt read models, in the rebuild's transaction
        (ANALYZE counts the rows the transaction wrote; readers are not blocked): without them
        the planner kept the statistics of the tables before the rebuild, or of the emptied
        ones, until autovacuum came round (the KPI report measured 2.3x slower meanwhile)."""
        if conn.dialect.name != "postgresql":
            return
        names = [table.name for projection in self.projections for table in projection.tables]
        conn.execute(text(f"ANALYZE {', '.join(names)}"))

    def status(self, limit: int = 100) -> ProjectorStatus:
        position = self.position()
        head = self.store.head()[0]
        with self.engine.connect() as conn:
            count = int(conn.execute(select(func.count()).select_from(quarantine)).scalar() or 0)
            rows = conn.execute(
                select(quarantine)
                .order_by(quarantine.c.position, quarantine.c.projection)
                .limit(limit)
            ).all()
        return ProjectorStatus(
            position=position,
            head=head,
            lag=max(0, head - position),
            quarantined=count,
            events=[QuarantinedEvent.model_validate(r, from_attributes=True) for r in rows],
        )

    def retry(self) -> tuple[int, int]:
        """Fold the quarantined events again (after a fix); returns (folded, still set aside)."""
        folded = failed = 0
        by_name = {p.name: p for p in self.projections}
        with self.engine.begin() as conn:
            self._lock_checkpoint(conn)
            entries = conn.execute(
                select(quarantine.c.projection, quarantine.c.position).order_by(
                    quarantine.c.position
                )
            ).all()
            for name, position in entries:
                row = self.store.read_page(position - 1, 1, conn=conn)
                targets = list(self.projections) if name == DECODING else [by_name.get(name)]
                if not row or None in targets:
                    continue
                if self._fold_one(conn, row[0], [t for t in targets if t is not None]):
                    conn.execute(
                        delete(quarantine).where(
                            quarantine.c.projection == name, quarantine.c.position == position
                        )
                    )
                    folded += 1
                else:
                    failed += 1
        log.info("quarantine retried", folded=folded, still_quarantined=failed)
        return folded, failed

    # ------------------------------------------------------------------ internals

    def _fold(self, conn: Connection, batch: Sequence[RecordedEvent]) -> None:
        """The batch at once; if anything in it fails, one event at a time."""
        try:
            with conn.begin_nested():
                decoded = [
                    (r, load_event(r.event_type, r.schema_version, r.payload)) for r in batch
                ]
                for projection in self.projections:
                    projection.apply_batch(conn, decoded)
            return
        except TRANSIENT:
            raise
        except Exception as exc:
            log.warning(
                "batch not folded; folding its events one by one",
                first=batch[0].position,
                last=batch[-1].position,
                error=type(exc).__name__,
            )
        for row in batch:
            self._fold_one(conn, row, self.projections)

    def _fold_one(
        self, conn: Connection, row: RecordedEvent, projections: Sequence[Projection]
    ) -> bool:
        """Fold one event into ``projections``, quarantining it where it fails; True if all
        folded it."""
        try:
            event = load_event(row.event_type, row.schema_version, row.payload)
        except Exception as exc:
            self._quarantine(conn, DECODING, row, exc)
            return False
        ok = True
        for projection in projections:
            try:
                with conn.begin_nested():
                    projection.apply_batch(conn, [(row, event)])
            except TRANSIENT:
                raise
            except Exception as exc:
                self._quarantine(conn, projection.name, row, exc)
                ok = False
        return ok

    @staticmethod
    def _quarantine(conn: Connection, name: str, row: RecordedEvent, exc: Exception) -> None:
        error = describe(exc)
        log.error(
            "event quarantined",
            projection=name,
            position=row.position,
            event_type=row.event_type,
            error=error,
        )
        key = (quarantine.c.projection == name) & (quarantine.c.position == row.position)
        updated = conn.execute(
            update(quarantine).where(key).values(error=error, attempts=quarantine.c.attempts + 1)
        )
        if updated.rowcount == 0:
            conn.execute(
                insert(quarantine).values(
                    projection=name,
                    position=row.position,
                    stream_id=row.stream_id,
                    event_type=row.event_type,
                    error=error,
                    quarantined_at=datetime.now(UTC),
                    attempts=1,
                )
            )

    @staticmethod
    def _lock_checkpoint(conn: Connection) -> int:
        """Take the projector's lock for this transaction (and, on PostgreSQL, plan every
        statement for the tables as they are now: a plan cached while a read model was empty,
        e.g. after an ANALYZE of fresh tables, would scan the whole table per key forever)."""
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        query = select(checkpoints.c.position).where(checkpoints.c.name == CHECKPOINT)
        found = conn.execute(query.with_for_update()).scalar()
        if found is None:
            conn.execute(insert(checkpoints).values(name=CHECKPOINT, position=0))
            return 0
        return int(found)
