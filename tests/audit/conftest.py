"""Fixtures of the audit tests.

The event-log fixtures (``log_db``, ``engine``, ``store``…: SQLite and PostgreSQL, each test in
its own database or schema) come from the event-log conformance suite. The demo quarter runs
once per session; each test that uses it gets its own copy of the demo's SQLite file.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import Engine

from eventlog import EventStore
from projections.runner import ProjectionRunner
from projections.tables import migrate_read_models
from services.database import Database, open_database
from tests.eventlog.conftest import (  # noqa: F401  (fixtures, used by name)
    LogDatabase,
    bare_engine,
    engine,
    log_db,
    make_store,
    store,
)
from trainops.demo import run_demo

DEMO_PROGRAMS = 6


@dataclass
class Live:
    """A log with its live read models, on either backend."""

    engine: Engine
    store: EventStore
    projector: ProjectionRunner


@pytest.fixture
def live(engine: Engine, store: EventStore) -> Live:  # noqa: F811
    migrate_read_models(engine)
    return Live(engine, store, ProjectionRunner(store))


@pytest_asyncio.fixture(scope="session")
async def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    summary = await run_demo(database_url=f"sqlite:///{path}", programs=DEMO_PROGRAMS)
    assert summary["log_intact"]
    return path


def copy_sqlite(source: Path, target: Path) -> None:
    """A consistent copy of a SQLite database (WAL included)."""
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """This test's own copy of the demo's database: log and caught-up read models."""
    copy = tmp_path / "demo.db"
    copy_sqlite(demo_file, copy)
    database = open_database(f"sqlite:///{copy}")
    yield database
    database.close()
