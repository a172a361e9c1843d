"""Reads on the database driver's own connection, for pages read on every click.

Through SQLAlchemy a small read pays its per-statement machinery (execution context, a result
that fetches and converts row by row) more than the query itself: the program page's two
statements took about twice as long as the same two statements on a bare psycopg connection.
Here a read borrows the pooled connection (its check-out, pre-ping and return as usual), runs
plain SQL text on the driver's cursor, fetches all rows at once and applies only the value
conversions SQLAlchemy's column types would apply (``Shape``), so the answer is the same as
through SQLAlchemy on both databases; driver errors are raised as SQLAlchemy's, as before.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Column, Engine
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError

Processor = Callable[[Any], Any]


class Shape:
    """The columns a plain ``SELECT`` returns, in order: its column list, and its rows made
    dicts with the values SQLAlchemy's types would give (dates and booleans parsed on SQLite,
    instants in UTC, JSON decoded where the driver does not)."""

    def __init__(self, columns: Iterable[Column[Any]]) -> None:
        self.columns = tuple(columns)
        self.names = tuple(c.name for c in self.columns)
        self.select_list = ", ".join(self.names)
        self._fixes: weakref.WeakKeyDictionary[Dialect, list[tuple[str, Processor]]] = (
            weakref.WeakKeyDictionary()
        )

    def _fixes_for(self, dialect: Dialect) -> list[tuple[str, Processor]]:
        fixes = self._fixes.get(dialect)
        if fixes is None:
            found = ((c.name, c.type._cached_result_processor(dialect, None)) for c in self.columns)
            fixes = [(name, process) for name, process in found if process is not None]
            self._fixes[dialect] = fixes
        return fixes

    def dicts(self, dialect: Dialect, rows: Sequence[Sequence[Any]]) -> list[dict[str, Any]]:
        names, fixes = self.names, self._fixes_for(dialect)
        out = [dict(zip(names, row, strict=True)) for row in rows]
        for name, process in fixes:
            for found in out:
                found[name] = process(found[name])
        return out


def statement(engine: Engine, sql: str) -> str:
    """``sql`` written with psycopg's ``%s`` placeholders, in the driver's own style."""
    return sql.replace("%s", "?") if engine.dialect.name == "sqlite" else sql


@contextmanager
def driver_cursor(engine: Engine) -> Iterator[Any]:
    """A driver cursor on a pooled connection for one read. On PostgreSQL in autocommit (each
    ``SELECT`` its own snapshot, no ``BEGIN``/``ROLLBACK`` round trips); on SQLite inside one
    deferred transaction (one snapshot, no network to pay for). The connection goes back to the
    pool as it came (not in autocommit), or is discarded if it cannot be."""
    raw = engine.raw_connection()
    dialect = engine.dialect
    conn: Any = raw.driver_connection
    sqlite = dialect.name == "sqlite"
    cursor = None
    try:
        try:
            if sqlite:
                conn.execute("BEGIN DEFERRED")
            else:
                conn.autocommit = True
            cursor = conn.cursor()
            yield cursor
        except dialect.loaded_dbapi.Error as exc:
            if dialect.is_disconnect(exc, conn, cursor):
                raw.invalidate(exc)
            raise DBAPIError.instance(
                None, None, exc, dialect.loaded_dbapi.Error, dialect=dialect
            ) from exc
        finally:
            _put_back(raw, conn, cursor, sqlite)
    finally:
        raw.close()


def _put_back(raw: Any, conn: Any, cursor: Any, sqlite: bool) -> None:
    """End the read on ``conn``: close the cursor, end SQLite's transaction, leave PostgreSQL's
    autocommit; a connection that refuses is invalidated rather than pooled half reset."""
    if raw.dbapi_connection is None:  # invalidated: a lost connection, nothing to reset
        return
    try:
        if cursor is not None:
            cursor.close()
        if sqlite:
            if conn.in_transaction:
                conn.rollback()
        elif not conn.closed:
            conn.autocommit = False
    except Exception as exc:  # whatever it was, the connection is not reusable
        raw.invalidate(exc)
