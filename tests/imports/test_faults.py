"""An import is all or nothing: a fault half way through writing leaves nothing of it, and
running it again imports everything exactly once. On PostgreSQL the fault is real: the
import's connections are terminated mid-transaction, as a database restart would."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from eventlog.schema import events
from imports.reference import load_reference
from services.database import Database, open_database
from tests.eventlog.conftest import POSTGRES_URL, postgres_schema
from tests.projections.evaluation_log import write_csv

ROWS = 2500


class Fault(Exception):
    pass


def employees(folder: Path) -> Path:
    rows = [{"employee_id": f"e{k:05d}", "department": "ops"} for k in range(ROWS)]
    return write_csv(folder / "employees.csv", rows)


def stored(db: Database) -> int:
    with db.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def while_writing(act: Callable[[], None]) -> Callable[[int, int], None]:
    """A progress callback that acts once, after the first chunk of rows is inserted (inside
    the import's transaction): checking calls it once per row first, up to the total."""
    seen = {"checked": False, "acted": False}

    def progress(done: int, total: int) -> None:
        if not seen["checked"]:
            seen["checked"] = done == total
            return
        if not seen["acted"]:
            seen["acted"] = True
            assert done < total  # half way through writing
            act()

    return progress


def test_a_fault_half_way_leaves_nothing_and_a_rerun_imports_once(
    backend_db: Database, tmp_path: Path
) -> None:
    db, path = backend_db, employees(tmp_path)

    def fault() -> None:
        raise Fault("the disk is full")

    with pytest.raises(Fault):
        load_reference(db.store, "employees", path, progress=while_writing(fault))
    assert stored(db) == 0 and db.store.head() == (0, db.store.head()[1])
    report = load_reference(db.store, "employees", path)
    assert report.events_appended == ROWS and stored(db) == ROWS
    assert load_reference(db.store, "employees", path).events_appended == 0
    assert stored(db) == ROWS


@pytest.fixture
def named_pg() -> Iterator[tuple[Database, str]]:
    """A PostgreSQL database whose connections carry an application name of their own."""
    name = f"trainops-import-{secrets.token_hex(4)}"
    with postgres_schema() as url:
        db = open_database(url, connect_args={"application_name": name})
        try:
            yield db, name
        finally:
            db.close()


@pytest.mark.postgres
def test_connections_killed_mid_import_leave_nothing_and_the_rerun_completes_once(
    named_pg: tuple[Database, str], tmp_path: Path
) -> None:
    db, name = named_pg
    path = employees(tmp_path)
    killed: list[int] = []

    def restart() -> None:
        killed.append(terminate(name))

    with pytest.raises(OperationalError):
        load_reference(db.store, "employees", path, progress=while_writing(restart))
    assert killed, "the import's connections were terminated"
    # The same engine again: pre-ping replaces the dead connections in its pool.
    assert stored(db) == 0
    report = load_reference(db.store, "employees", path)
    assert report.imported and report.events_appended == ROWS
    assert stored(db) == ROWS
    assert load_reference(db.store, "employees", path).events_appended == 0
    # A restart between two loads: the pooled connections are dead, the next load works.
    assert terminate(name) > 0
    later = write_csv(tmp_path / "later.csv", [{"employee_id": "new.one", "department": "hr"}])
    assert load_reference(db.store, "employees", later).events_appended == 1


def terminate(application_name: str) -> int:
    """Terminate every backend of ``application_name`` from another connection."""
    admin = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(admin, autocommit=True) as other:
        rows = other.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND application_name = %s",
            [application_name],
        ).fetchall()
    return sum(1 for row in rows if row[0])
