"""The program page read on the driver's own connection (``projections.driver_reads``): the
same values, of the same types, as through SQLAlchemy, on SQLite and PostgreSQL, and the pooled
connection handed back as it came, after a read and after a failed one."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from projections import queries
from projections.driver_reads import driver_cursor
from projections.tables import programs, timeline
from services.database import Database

T0 = datetime(2026, 3, 2, 9, 30, 15, 123456, tzinfo=UTC)


def _seed(database: Database) -> None:
    with database.engine.begin() as conn:
        conn.execute(
            programs.insert(),
            [
                {
                    "program_id": "p1",
                    "title": "Course “p1”",
                    "specialist": "spec",
                    "approvers": ["boss", {"group": "hr"}],
                    "status": "executed",
                    "timezone": "Asia/Shanghai",
                    "planned_date": date(2026, 4, 1),
                    "period": "2026-Q2",
                    "revision": 3,
                    "session_count": 2,
                    "planned_trainees": 2,
                    "enrolled": 2,
                    "attended": 1,
                    "approved": True,
                    "executed": True,
                    "executed_on": date(2026, 4, 2),
                    "on_time": False,
                    "reminders_sent": 0,
                    "state": {"state": {"program_id": "p1", "budget": 1.5e16, "x": None}},
                    "last_position": 9,
                    # written in another zone: read back in UTC
                    "updated_at": T0.astimezone(timezone(timedelta(hours=8))),
                }
            ],
        )
        conn.execute(
            timeline.insert(),
            [
                {
                    "position": position,
                    "program_id": "p1",
                    "stream_version": position,
                    "occurred_at": T0 + timedelta(seconds=position),
                    "event_type": "ProgramPlanned",
                    "actor": "ann",
                    "role": "specialist",
                    "summary": f"line {position}",
                    "message": None if position % 2 else '[["event.x", {}]]',
                }
                for position in (7, 3, 9)
            ],
        )


def _typed(row: dict[str, Any]) -> list[tuple[str, Any, type]]:
    return [(key, value, type(value)) for key, value in row.items()]


def test_program_read_gives_sqlalchemys_values_and_types(database: Database) -> None:
    _seed(database)
    read = queries.program_read(database.engine, "p1")
    assert read is not None
    with database.engine.connect() as conn:
        row = conn.execute(select(programs).where(programs.c.program_id == "p1")).one()._asdict()
        lines = [
            r._asdict()
            for r in conn.execute(
                select(timeline).where(timeline.c.program_id == "p1").order_by(timeline.c.position)
            )
        ]
    view = row.pop("state")
    del row["department"]  # the KPI report's, never part of a summary
    assert _typed(read.summary) == _typed(row)
    assert read.summary["updated_at"].tzinfo is UTC
    assert read.state == view["state"]
    assert [_typed(line) for line in read.timeline] == [_typed(line) for line in lines]
    assert [line["position"] for line in read.timeline] == [3, 7, 9]
    assert read.timeline[0]["occurred_at"] == T0 + timedelta(seconds=3)


def _pooled_is_clean(database: Database) -> None:
    """The connection the read used (the pool's only one) is back as it came."""
    raw = database.engine.raw_connection()
    try:
        conn = raw.driver_connection
        assert conn is not None
        if database.engine.dialect.name == "sqlite":
            assert not conn.in_transaction
        else:
            assert conn.autocommit is False
    finally:
        raw.close()


def test_a_read_hands_its_connection_back_as_it_came(database: Database) -> None:
    _seed(database)
    database.engine.dispose()
    assert queries.program_read(database.engine, "p1") is not None
    assert queries.program_read(database.engine, "p9") is None
    _pooled_is_clean(database)


def test_a_failed_read_raises_sqlalchemys_error_and_resets_the_connection(
    database: Database,
) -> None:
    database.engine.dispose()
    with pytest.raises(DBAPIError), driver_cursor(database.engine) as cursor:
        cursor.execute("SELECT no_such_column FROM rm_programs")
    _pooled_is_clean(database)
    # and the connection still reads
    with driver_cursor(database.engine) as cursor:
        assert cursor.execute("SELECT count(*) FROM rm_programs").fetchall() == [(0,)]
