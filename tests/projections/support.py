"""What the projection tests compare: every read model's rows."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from projections.catalog import ALL_PROJECTIONS
from services.database import Database


def snapshot(db: Database) -> dict[str, list[tuple[Any, ...]]]:
    """Every read model table's rows, sorted, values as ``repr`` (comparable across backends)."""
    with db.engine.connect() as conn:
        return {
            table.name: sorted(tuple(repr(v) for v in row) for row in conn.execute(select(table)))
            for projection in ALL_PROJECTIONS
            for table in projection.tables
        }
