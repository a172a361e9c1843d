"""Live read models against replayed ones, table by table and row by row.

Both sides are streamed in primary-key order and merge-joined, so comparing a million rows takes
bounded memory; only the first ``MAX_DIFFERENCES`` differences are kept in full.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError, computed_field
from sqlalchemy import Connection, Engine, String, Table, select

from eventlog.engine import READ_ONLY
from projections.base import Projection
from projections.catalog import ALL_PROJECTIONS
from projections.program_views import ProgramView
from projections.runner import CHECKPOINT
from projections.tables import checkpoints

#: JSON columns holding a pydantic model, compared as that model rather than as raw JSON: the
#: program view dumps frozensets as lists in hash order, which differs between processes.
JSON_MODELS: dict[tuple[str, str], type[BaseModel]] = {("rm_programs", "state"): ProgramView}

#: Differences listed in full; beyond this they are only counted (memory stays bounded).
MAX_DIFFERENCES = 200


class ColumnDifference(BaseModel):
    model_config = ConfigDict(frozen=True)

    column: str
    replayed: Any
    live: Any


class RowDifference(BaseModel):
    model_config = ConfigDict(frozen=True)

    table: str
    key: dict[str, Any]
    kind: Literal["missing_in_live", "extra_in_live", "different"]
    columns: list[ColumnDifference] = []


class TableComparison(BaseModel):
    table: str
    live_rows: int = 0
    replayed_rows: int = 0
    differences: int = 0


class Comparison(BaseModel):
    """Live read models against replayed ones, row by row."""

    live_position: int
    replayed_position: int
    tables: list[TableComparison]
    differences: list[RowDifference]
    unlisted_differences: int = 0

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        return self.live_position == self.replayed_position and not any(
            t.differences for t in self.tables
        )


def checkpoint_position(source: Engine | Connection) -> int:
    query = select(checkpoints.c.position).where(checkpoints.c.name == CHECKPOINT)
    if isinstance(source, Connection):
        return int(source.execute(query).scalar() or 0)
    with source.connect().execution_options(**READ_ONLY) as conn:
        return int(conn.execute(query).scalar() or 0)


def _key_columns(table: Table) -> list[Any]:
    return list(table.primary_key.columns) or list(table.columns)


def _ordered(conn: Connection, table: Table) -> Iterator[dict[str, Any]]:
    """Rows by primary key in code-point order on both backends ("C" collation on PostgreSQL,
    SQLite's binary default), which is also Python's string order: a merge join can walk both."""
    keys = [
        col.collate("C")
        if conn.dialect.name == "postgresql" and isinstance(col.type, String)
        else col
        for col in _key_columns(table)
    ]
    result = conn.execution_options(yield_per=500).execute(select(table).order_by(*keys))
    for row in result:
        yield dict(row._mapping)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def _model_differences(
    column: str, model: type[BaseModel], replayed: Any, live: Any
) -> list[ColumnDifference]:
    try:
        left, right = model.model_validate(replayed), model.model_validate(live)
    except ValidationError:
        return (
            []
            if replayed == live
            else [ColumnDifference(column=column, replayed=replayed, live=live)]
        )
    return _field_differences(column, left, right)


def _field_differences(prefix: str, left: BaseModel, right: BaseModel) -> list[ColumnDifference]:
    found: list[ColumnDifference] = []
    for name in type(left).model_fields:
        a, b = getattr(left, name), getattr(right, name)
        if a == b:
            continue
        if isinstance(a, BaseModel) and isinstance(b, BaseModel) and type(a) is type(b):
            found.extend(_field_differences(f"{prefix}.{name}", a, b))
        else:
            found.append(
                ColumnDifference(column=f"{prefix}.{name}", replayed=_json(a), live=_json(b))
            )
    return found


def _json(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, frozenset | set):
        return sorted(value, key=str)
    return _plain(value)


def _row_differences(
    table: Table, replayed: dict[str, Any], live: dict[str, Any]
) -> list[ColumnDifference]:
    found: list[ColumnDifference] = []
    for column in table.columns:
        a, b = replayed.get(column.name), live.get(column.name)
        model = JSON_MODELS.get((table.name, column.name))
        if model is not None:
            found.extend(_model_differences(column.name, model, a, b))
        elif a != b:
            found.append(ColumnDifference(column=column.name, replayed=_plain(a), live=_plain(b)))
    return found


def _merge_table(
    table: Table, live: Connection, replayed: Connection
) -> Iterator[tuple[Literal["missing_in_live", "extra_in_live", "different", "same"], Any]]:
    """Walk both sides in key order; yields (kind, row or (key, column differences))."""
    names = [c.name for c in _key_columns(table)]

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(row[n] for n in names)

    live_rows, replayed_rows = _ordered(live, table), _ordered(replayed, table)
    a, b = next(replayed_rows, None), next(live_rows, None)
    while a is not None or b is not None:
        if a is not None and (b is None or key(a) < key(b)):
            yield "missing_in_live", {n: _plain(a[n]) for n in names}
            a = next(replayed_rows, None)
        elif b is not None and (a is None or key(b) < key(a)):
            yield "extra_in_live", {n: _plain(b[n]) for n in names}
            b = next(live_rows, None)
        elif a is not None and b is not None:
            columns = _row_differences(table, a, b)
            row_key = {n: _plain(a[n]) for n in names}
            yield ("different", (row_key, columns)) if columns else ("same", row_key)
            a, b = next(replayed_rows, None), next(live_rows, None)


def compare_read_models(
    live: Connection,
    replayed: Connection,
    *,
    projections: Sequence[Projection] = ALL_PROJECTIONS,
    max_differences: int = MAX_DIFFERENCES,
) -> Comparison:
    """Every table of every projection, merge-joined on its primary key: rows only one side has
    and rows whose columns differ, each named by its key. Streams both sides; only the first
    ``max_differences`` differences are kept in full."""
    tables: list[TableComparison] = []
    listed: list[RowDifference] = []
    unlisted = 0
    for projection in projections:
        for table in projection.tables:
            summary = TableComparison(table=table.name)
            tables.append(summary)
            for kind, found in _merge_table(table, live, replayed):
                summary.live_rows += kind != "missing_in_live"
                summary.replayed_rows += kind != "extra_in_live"
                if kind == "same":
                    continue
                summary.differences += 1
                if len(listed) >= max_differences:
                    unlisted += 1
                elif kind == "different":
                    row_key, columns = found
                    listed.append(
                        RowDifference(table=table.name, key=row_key, kind=kind, columns=columns)
                    )
                else:
                    listed.append(RowDifference(table=table.name, key=found, kind=kind))
    return Comparison(
        live_position=checkpoint_position(live),
        replayed_position=checkpoint_position(replayed),
        tables=tables,
        differences=listed,
        unlisted_differences=unlisted,
    )
