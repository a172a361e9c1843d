"""What a projection is, as the runner sees it: a name, its tables, and a fold of a batch.

Its own module so the projections and their catalog import it one way only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from sqlalchemy import Connection, Table

from domain.events import Event
from eventlog.records import RecordedEvent

#: A batch as projections see it: each recorded row with its event decoded (and upcast).
Batch = Sequence[tuple[RecordedEvent, Event]]


class Projection(Protocol):
    """Folds a batch into its own tables inside the runner's transaction; never commits."""

    name: str
    tables: tuple[Table, ...]

    def apply_batch(self, conn: Connection, batch: Batch) -> None: ...
