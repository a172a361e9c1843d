"""The schema is created by the Alembic migrations, and running them again changes nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

import eventlog.engine
from eventlog import EventStore
from eventlog.engine import migrate
from eventlog.verify import verify_log
from tests.eventlog.conftest import LogDatabase
from tests.eventlog.support import new_events

VERSION_TABLE = "eventlog_schema_version"


def _head_revision() -> str:
    scripts = ScriptDirectory(str(Path(eventlog.engine.__file__).parent / "migrations"))
    head = scripts.get_current_head()
    assert head is not None
    return head


def _snapshot(engine: Engine) -> dict[str, Any]:
    inspector = inspect(engine)
    tables = sorted(inspector.get_table_names())
    with engine.connect() as conn:
        return {
            "tables": tables,
            "columns": {
                table: sorted(column["name"] for column in inspector.get_columns(table))
                for table in tables
            },
            "versions": conn.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).all(),
            "head": conn.execute(text("SELECT id, position, hash FROM log_head")).all(),
            "events": conn.execute(text("SELECT count(*) FROM events")).scalar_one(),
        }


def test_migrate_creates_the_schema_and_is_idempotent(
    log_db: LogDatabase, bare_engine: Engine
) -> None:
    assert inspect(bare_engine).get_table_names() == []
    if log_db.schema is not None:  # PostgreSQL: the tables land in this test's own schema
        assert inspect(bare_engine).default_schema_name == log_db.schema

    migrate(bare_engine)
    first = _snapshot(bare_engine)
    assert {"events", "log_head", VERSION_TABLE} <= set(first["tables"])
    assert first["versions"] == [(_head_revision(),)]
    assert first["head"] == [(1, 0, "0" * 64)]
    assert first["events"] == 0

    migrate(bare_engine)
    assert _snapshot(bare_engine) == first

    # A store works on the migrated schema, and migrating again leaves its rows alone.
    store = EventStore(bare_engine)
    store.append("program-1", 0, new_events(3))
    with_rows = _snapshot(bare_engine)
    migrate(bare_engine)
    migrate(log_db.new_engine())  # another process starting up against the same database
    assert _snapshot(bare_engine) == with_rows
    assert with_rows["events"] == 3
    assert store.head()[0] == 3


def test_event_ids_become_native_uuids_and_the_chain_still_verifies(
    log_db: LogDatabase, bare_engine: Engine
) -> None:
    """0003 retypes a populated log on PostgreSQL; the ids, and so every hash, are unchanged."""
    migrate(bare_engine, target="0002")
    before = new_events(4)
    EventStore(bare_engine).append("program-1", 0, before)
    migrate(bare_engine)

    column = next(c for c in inspect(bare_engine).get_columns("events") if c["name"] == "event_id")
    expected_type = "UUID" if log_db.backend == "postgresql" else "VARCHAR(36)"
    assert str(column["type"]) == expected_type
    store = EventStore(bare_engine)
    assert [e.event_id for e in store.read_all()] == [e.event_id for e in before]
    store.append("program-1", 4, new_events(30))  # both append paths on the new column type
    assert store.append("program-1", 0, before).replayed
    assert verify_log(store).ok
