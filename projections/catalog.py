"""Which projections the runner feeds. Add a read model by adding its projection here."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from sqlalchemy import Connection, Table

from eventlog.records import RecordedEvent

#: A batch as projections see it: each recorded row with its event decoded (and upcast).
Batch = Sequence[tuple[RecordedEvent, Any]]


class Projection(Protocol):
    """Folds a batch into its own tables inside the runner's transaction; never commits."""

    name: str
    tables: tuple[Table, ...]

    def apply_batch(self, conn: Connection, batch: Batch) -> None: ...


def _all() -> tuple[Projection, ...]:
    from projections.evaluation import EvaluationProjection
    from projections.programs import ProgramProjection

    return (ProgramProjection(), EvaluationProjection())


ALL_PROJECTIONS: tuple[Projection, ...] = _all()
