"""The checkpointed projector: tails the log and folds it into the read models.

Each batch's read-model changes and the new checkpoint commit in one transaction, so a crash
and restart neither counts an event twice nor misses one. The checkpoint row is locked for the
batch, so two projectors running against one database take turns instead of double-applying.
Projections plug in through ``projections.catalog``; each gets every batch with events decoded.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

import structlog
from sqlalchemy import Connection, Engine, delete, insert, select, update

from domain.events import load_event
from eventlog import EventStore
from projections.catalog import ALL_PROJECTIONS, Projection
from projections.tables import checkpoints

log = structlog.get_logger(__name__)

CHECKPOINT = "read_models"


class ProjectionRunner:
    def __init__(
        self,
        store: EventStore,
        *,
        batch_size: int = 500,
        projections: Sequence[Projection] = ALL_PROJECTIONS,
    ) -> None:
        self.store = store
        self.engine: Engine = store.engine
        self.batch_size = batch_size
        self.projections = tuple(projections)

    def position(self) -> int:
        with self.engine.connect() as conn:
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
            decoded = [(r, load_event(r.event_type, r.schema_version, r.payload)) for r in batch]
            for projection in self.projections:
                projection.apply_batch(conn, decoded)
            conn.execute(
                update(checkpoints)
                .where(checkpoints.c.name == CHECKPOINT)
                .values(position=batch[-1].position)
            )
        log.debug("projected", events=len(batch), position=batch[-1].position)
        return len(batch)

    def catch_up(self, max_events: int | None = None) -> int:
        total = 0
        while max_events is None or total < max_events:
            done = self.run_once(None if max_events is None else max_events - total)
            if done == 0:
                break
            total += done
        return total

    def run_forever(self, stop: threading.Event, poll_seconds: float = 0.25) -> None:
        log.info("projector started", position=self.position())
        while not stop.is_set():
            try:
                if self.run_once() == 0:
                    stop.wait(poll_seconds)
            except Exception:
                log.exception("projection batch failed; retrying")
                stop.wait(min(5.0, poll_seconds * 8))
        log.info("projector stopped", position=self.position())

    def rebuild(self) -> int:
        """Empty every read model and replay the whole log from position zero."""
        with self.engine.begin() as conn:
            self._lock_checkpoint(conn)
            for projection in self.projections:
                for table in projection.tables:
                    conn.execute(delete(table))
            conn.execute(
                update(checkpoints).where(checkpoints.c.name == CHECKPOINT).values(position=0)
            )
        return self.catch_up()

    # ------------------------------------------------------------------ internals

    @staticmethod
    def _lock_checkpoint(conn: Connection) -> int:
        query = select(checkpoints.c.position).where(checkpoints.c.name == CHECKPOINT)
        found = conn.execute(query.with_for_update()).scalar()
        if found is None:
            conn.execute(insert(checkpoints).values(name=CHECKPOINT, position=0))
            return 0
        return int(found)
