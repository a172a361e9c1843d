"""The database keeps the log append-only (migration 0005), on both backends.

Triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on ``events`` and ``log_seals``
for every role, the owner included; on PostgreSQL the application's role also lacks the
privileges (``runtime.db_roles``). Each refusal changes nothing, and appends and seals still
work.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.exc import DBAPIError

from audit.digest import insert_seal, read_seals
from eventlog import EventStore
from eventlog.schema import events
from runtime.db_roles import RoleError, app_privileges, grant_app_role, held_privileges
from tests.eventlog.conftest import LogDatabase
from tests.eventlog.roles import AppRole, app_role  # noqa: F401  (a fixture, used by name)
from tests.eventlog.support import new_events, tamper

CHANGES = [
    pytest.param("UPDATE events SET payload = payload WHERE position = 2", id="update-events"),
    pytest.param("UPDATE events SET position = position + 100", id="renumber-events"),
    pytest.param("DELETE FROM events WHERE position = 2", id="delete-one-event"),
    pytest.param("DELETE FROM events", id="delete-all-events"),
    pytest.param("UPDATE log_seals SET hash = prev_seal_hash", id="update-seals"),
    pytest.param("DELETE FROM log_seals", id="delete-seals"),
]
TRUNCATES = [
    pytest.param("TRUNCATE events", id="truncate-events"),
    pytest.param("TRUNCATE log_seals", id="truncate-seals"),
]


def _snapshot(engine: Engine) -> tuple[Any, ...]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT * FROM events ORDER BY position")).all()
        seals = conn.execute(text("SELECT * FROM log_seals ORDER BY seq")).all()
        head = conn.execute(text("SELECT position, hash FROM log_head")).all()
    return tuple(map(tuple, rows)), tuple(map(tuple, seals)), tuple(head)


@pytest.fixture
def filled(store: EventStore, engine: Engine) -> EventStore:
    """Six events and one seal."""
    store.append("program-a", 0, new_events(3))
    store.append("program-b", 0, new_events(3))
    insert_seal(engine, *store.head(), datetime.now(UTC))
    return store


def _refused(engine: Engine, statement: str) -> str:
    with pytest.raises(DBAPIError) as refused, engine.begin() as conn:
        conn.execute(text(statement))
    return str(refused.value.orig)


@pytest.mark.parametrize("statement", CHANGES)
def test_the_database_refuses_to_change_the_log(
    filled: EventStore, engine: Engine, statement: str
) -> None:
    before = _snapshot(engine)
    message = _refused(engine, statement)  # as the owner: the triggers refuse
    assert "append-only" in message and ("UPDATE" in message or "DELETE" in message)
    assert _snapshot(engine) == before


@pytest.mark.parametrize("statement", TRUNCATES)
def test_postgres_refuses_truncate(
    log_db: LogDatabase, filled: EventStore, engine: Engine, statement: str
) -> None:
    if log_db.backend != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE without WHERE is refused above")
    before = _snapshot(engine)
    assert "TRUNCATE on" in _refused(engine, statement)
    assert _snapshot(engine) == before


def test_appends_seals_and_the_head_still_move(filled: EventStore, engine: Engine) -> None:
    result = filled.append("program-a", 3, new_events(2))
    assert (result.first_position, result.last_position) == (7, 8)
    assert filled.head()[0] == 8
    insert_seal(engine, *filled.head(), datetime.now(UTC))
    assert [s.position for s in read_seals(engine)] == [6, 8]


def test_an_owner_who_disables_the_triggers_can_still_change_it(
    filled: EventStore, engine: Engine
) -> None:
    """What the triggers do not stop, and why seals and witnesses exist (docs/log-integrity.md)."""
    assert tamper(engine, text("DELETE FROM events WHERE position = 6")) == 1
    with engine.connect() as conn:
        last = conn.execute(select(events.c.position).order_by(events.c.position.desc())).first()
    assert last is not None and last[0] == 5
    assert filled.head()[0] == 6  # the head row still names the deleted row


# ---------------------------------------------------------------------- the application role

on_postgres = pytest.mark.parametrize("log_db", ["postgresql"], indirect=True)


@pytest.fixture
def granted(filled: EventStore, engine: Engine, app_role: AppRole) -> AppRole:  # noqa: F811
    with engine.begin() as conn:
        grant_app_role(conn, app_role.name)
    return app_role


@on_postgres
@pytest.mark.parametrize("statement", [*CHANGES, *TRUNCATES])
def test_the_application_role_may_not_change_the_log(
    log_db: LogDatabase, engine: Engine, granted: AppRole, statement: str
) -> None:
    app = granted.engine(log_db)
    before = _snapshot(engine)
    assert "permission denied" in _refused(app, statement)
    assert _snapshot(engine) == before


@on_postgres
def test_the_application_role_appends_reads_and_seals(
    log_db: LogDatabase, filled: EventStore, engine: Engine, granted: AppRole
) -> None:
    app = EventStore(granted.engine(log_db))
    result = app.append("program-c", 0, new_events(2))
    assert (result.first_position, result.last_position) == (7, 8)
    one = app.append("program-d", 0, new_events(1))  # one event: the server chains it
    assert one.first_position == 9
    app._group_commit = True
    app._shared_until = float("inf")  # as when other processes write: through the inbox
    assert app.append("program-c", 2, new_events(1)).first_position == 10
    app._shared_until = 0.0
    assert app.head() == filled.head() and len(list(app.read_all())) == 10
    insert_seal(app.engine, *app.head(), datetime.now(UTC))
    assert [s.seq for s in read_seals(app.engine)] == [1, 2]


def _held(conn: Connection, log_db: LogDatabase, role: str) -> dict[str, tuple[str, ...]]:
    """What ``role`` may do, table by table, in the test's schema."""
    assert log_db.schema is not None
    return {e.table: e.privileges for e in held_privileges(conn, role, log_db.schema)}


@on_postgres
def test_the_application_role_holds_exactly_its_privileges(
    log_db: LogDatabase, engine: Engine, granted: AppRole
) -> None:
    with engine.connect() as conn:
        held = _held(conn, log_db, granted.name)
    assert held["events"] == held["log_seals"] == ("SELECT", "INSERT")
    assert held["log_head"] == ("SELECT", "UPDATE")
    assert held["eventlog_schema_version"] == ("SELECT",)
    assert all(privileges == app_privileges(table) for table, privileges in held.items())


@on_postgres
def test_granting_again_takes_back_what_was_added(
    log_db: LogDatabase, engine: Engine, granted: AppRole
) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"GRANT DELETE, TRUNCATE ON events TO {granted.name}"))
        grant_app_role(conn, granted.name)
        held = _held(conn, log_db, granted.name)
    assert held["events"] == ("SELECT", "INSERT")


@on_postgres
def test_an_owner_or_superuser_cannot_be_the_application_role(
    engine: Engine, granted: AppRole
) -> None:
    with engine.begin() as conn, pytest.raises(RoleError, match="superuser"):
        grant_app_role(conn, "postgres")
    with engine.begin() as conn, pytest.raises(RoleError, match="no role"):
        grant_app_role(conn, "nobody_at_all_here")
