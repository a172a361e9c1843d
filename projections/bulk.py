"""Set-based writes for projections: a batch's rows go in a handful of statements, not one
statement per event or per key.

On PostgreSQL, plain inserts go through ``COPY`` (the cheapest way in, a row costs a few
microseconds) and upserts through ``INSERT … ON CONFLICT`` in multi-row batches; SQLite gets
``executemany`` of the same statements. Keyed deletes name every key in one statement.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import JSON, Connection, Table, delete, insert, tuple_
from sqlalchemy.dialects import postgresql, sqlite

#: Keys per keyed delete: well under SQLite's 32,766 parameters, and a short IN list.
KEYS_PER_DELETE = 1000


def _copyable(table: Table) -> bool:
    """COPY writes Python values with psycopg's own adapters: fine for every column type the
    read models use except JSON (a dict has no text form without a wrapper)."""
    return not any(isinstance(column.type, JSON) for column in table.columns)


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert new rows (their keys must not exist yet), each naming every column (as
    ``executemany`` on SQLite requires too)."""
    if not rows:
        return
    if conn.dialect.name == "postgresql" and _copyable(table):
        names = [column.name for column in table.columns]
        driver = conn.connection.driver_connection
        assert driver is not None
        statement = f"COPY {table.name} ({', '.join(names)}) FROM STDIN"
        values = itemgetter(*names)  # every read model has two columns or more
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            write = copy.write_row
            for row in rows:
                write(values(row))
        return
    conn.execute(insert(table), list(rows))


def upsert_rows(
    conn: Connection,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    only_if_changed: Sequence[str] = (),
) -> None:
    """Insert rows, or update the row already under the same primary key. With
    ``only_if_changed``, a row whose listed columns are already equal is left alone (on
    PostgreSQL no new row version: a re-published plan leaves no dead rows behind)."""
    if not rows:
        return
    keys = [column.name for column in table.primary_key.columns]
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    statement = dialect.insert(table)
    values = {
        column.name: statement.excluded[column.name]
        for column in table.columns
        if column.name not in keys
    }
    where = None
    if only_if_changed:
        changed = [
            table.c[name].is_distinct_from(statement.excluded[name]) for name in only_if_changed
        ]
        where = changed[0]
        for condition in changed[1:]:
            where = where | condition
    conn.execute(
        statement.on_conflict_do_update(index_elements=keys, set_=values, where=where), list(rows)
    )


def keyed_delete(conn: Connection, table: Table, columns: Sequence[str]) -> str:
    """``delete_keys``' statement on PostgreSQL: one array parameter per key column."""
    arrays = ", ".join(f"%s::{table.c[name].type.compile(conn.dialect)}[]" for name in columns)
    match = " AND ".join(f"x.{name} = k.{name}" for name in columns)
    return (
        f"DELETE FROM {table.name} WHERE ctid = ANY(ARRAY("
        f"SELECT s.ctid FROM unnest({arrays}) AS k({', '.join(columns)})"
        f" CROSS JOIN LATERAL (SELECT x.ctid FROM {table.name} AS x WHERE {match} OFFSET 0)"
        " AS s))"
    )


def delete_keys(
    conn: Connection, table: Table, columns: Sequence[str], keys: Iterable[tuple[Any, ...]]
) -> None:
    """Delete every row whose ``columns`` equal one of ``keys``. PostgreSQL gets one statement
    with a column of keys per array (no per-key placeholders to parse), shaped so that its only
    plan is an index lookup per key: a table analysed while empty (a rebuild's, after a restore
    or ``vacuumdb -z``) looks like one row to the planner, which then scanned the whole table
    against every key, a rebuild of a million events spending 22 s of its 80 here. SQLite gets
    a thousand keys a statement."""
    found = list(keys)
    if not found:
        return
    if conn.dialect.name == "postgresql":
        driver = conn.connection.driver_connection
        assert driver is not None
        driver.execute(
            keyed_delete(conn, table, columns), [list(c) for c in zip(*found, strict=True)]
        )
        return
    target = (
        table.c[columns[0]] if len(columns) == 1 else tuple_(*(table.c[name] for name in columns))
    )
    for start in range(0, len(found), KEYS_PER_DELETE):
        chunk = found[start : start + KEYS_PER_DELETE]
        values = [key[0] for key in chunk] if len(columns) == 1 else chunk
        conn.execute(delete(table).where(target.in_(values)))
