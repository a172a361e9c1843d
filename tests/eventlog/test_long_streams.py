"""A stream's version costs the same to find on a long stream as on a new one.

Every append checks its stream's version. Read as ``max(...) GROUP BY stream_id``, or through a
plan PostgreSQL made while ``events`` was nearly empty and kept for the connection's life, that
check read every row of the stream: appends to a 12,000-row stream took four times as long as
to a new one, and a program of 50,000 trainees has a stream of 100,000 rows and more. These
tests count the rows (PostgreSQL) or the virtual-machine steps (SQLite) a look-up takes, never
the time; on a long stream they must stay those of a short one.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import psycopg
import pytest
from sqlalchemy import Connection, text
from sqlalchemy.engine import make_url

from eventlog import EventStore, server_chain
from eventlog.engine import make_engine, migrate
from eventlog.reading import newest_versions
from tests.eventlog.conftest import postgres_schema
from tests.eventlog.support import new_event

LONG = 3000
SHORT = 2


def _fill(store: EventStore, stream: str, count: int, version: int = 0) -> None:
    """``count`` events more on ``stream`` (now at ``version``), 500 an append."""
    for start in range(0, count, 500):
        events = [new_event("Filled", {"k": start + k}) for k in range(min(500, count - start))]
        store.append(stream, version + start, events)


def _work(conn: Connection, look_up: Callable[[], Any]) -> int:
    """How much reading ``look_up`` took on ``conn`` (in its transaction): on PostgreSQL the
    rows and index entries read from ``events``; on SQLite the virtual machine's steps."""
    if conn.dialect.name == "sqlite":
        steps = [0]

        def count() -> int:
            steps[0] += 1
            return 0

        raw: Any = conn.connection.driver_connection
        raw.set_progress_handler(count, 1)
        try:
            look_up()
        finally:
            raw.set_progress_handler(None, 1)
        return steps[0]
    read = text(
        "SELECT sum(pg_stat_get_xact_tuples_returned(oid)) FROM pg_class"
        " WHERE oid = 'events'::regclass"
        " OR oid IN (SELECT indexrelid FROM pg_index WHERE indrelid = 'events'::regclass)"
    )
    before = int(conn.execute(read).scalar_one())
    look_up()
    return int(conn.execute(read).scalar_one()) - before


def test_a_long_streams_version_reads_what_a_short_ones_does(store: EventStore) -> None:
    _fill(store, "long", LONG)
    _fill(store, "short", SHORT)
    with store.engine.begin() as conn:
        # Planned for real first (a look-up of each, five times: what a prepared plan sees).
        for _ in range(6):
            assert newest_versions(conn, {"long", "short", "none"}) == {
                "long": LONG,
                "short": SHORT,
            }
        short = _work(conn, lambda: newest_versions(conn, {"short"}))
        long = _work(conn, lambda: newest_versions(conn, {"long"}))
        both = _work(conn, lambda: newest_versions(conn, {"long", "short"}))
    assert short > 0
    # A scan of the stream reads 3,000 rows (PostgreSQL) or takes 30,000 and more steps (SQLite).
    assert long <= short * 2 + 10, (short, long)
    assert both <= short * 4 + 20, (short, both)
    assert store.stream_version("long") == LONG
    assert store.stream_version("none") == 0


def _scan_rows(plan: dict[str, Any]) -> list[int]:
    """The rows each scan node of an ``auto_explain`` JSON plan returned."""
    node = plan.get("Plan", plan)
    rows = [int(node["Actual Rows"])] if "Scan" in node.get("Node Type", "") else []
    for child in node.get("Plans", []):
        rows += _scan_rows(child)
    return rows


@pytest.mark.postgres
def test_the_append_procedure_checks_a_long_stream_by_one_probe() -> None:
    """The connection that appends is kept for a process's life; PL/pgSQL prepared the version
    check once on it, while the log was nearly empty, and that plan read the whole stream.
    (PostgreSQL's alone: SQLite has no procedure, its appends check by ``newest_versions``.)"""
    with postgres_schema() as url:
        engine = make_engine(url)
        try:
            migrate(engine)
            _append_to_a_long_stream_through_the_procedure(EventStore(engine), url)
        finally:
            engine.dispose()


def _append_to_a_long_stream_through_the_procedure(store: EventStore, url: str) -> None:
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as pg:
        version = 0
        for _ in range(8):  # the procedure's plans are made now, on an almost empty table
            written = server_chain.append_one(pg, "one", version, new_event(), store._clock())
            assert written is not None
            version += 1
        _fill(store, "one", LONG, version)
        version += LONG
        notices: list[str] = []
        pg.add_notice_handler(lambda diagnostic: notices.append(diagnostic.message_primary or ""))
        for setting in (
            "LOAD 'auto_explain'",
            "SET auto_explain.log_min_duration = 0",
            "SET auto_explain.log_nested_statements = on",
            "SET auto_explain.log_analyze = on",
            "SET auto_explain.log_format = json",
            "SET client_min_messages = log",
        ):
            pg.execute(setting)
        assert server_chain.append_one(pg, "one", version, new_event(), store._clock())
        pg.execute("SET client_min_messages = notice")
    plans = [json.loads(n[n.index("{") :]) for n in notices if "{" in n]
    scanned = [rows for plan in plans for rows in _scan_rows(plan)]
    assert plans and scanned, notices
    assert max(scanned) <= 2, scanned
    assert store.stream_version("one") == version + 1
