"""Fixtures of the event-log conformance suite: every test runs on SQLite and on PostgreSQL.

SQLite: a fresh database file in the test's temporary directory.
PostgreSQL: the server at ``TRAINOPS_TEST_POSTGRES_URL``; each test gets its own schema
(``t_<random>``, reached through ``search_path``) that is dropped at teardown, so tests may run
in parallel against one server. The PostgreSQL half is skipped, with the reason, only when no
server answers at that address; any other failure (authentication, missing database) fails.
"""

from __future__ import annotations

import functools
import os
import secrets
import socket
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from eventlog import EventStore
from eventlog.engine import make_engine, migrate

DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
POSTGRES_URL = os.environ.get("TRAINOPS_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@functools.cache
def postgres_unavailable() -> str | None:
    """Why the PostgreSQL tests cannot run, or None when a server answers."""
    url = make_url(POSTGRES_URL)
    shown = url.render_as_string(hide_password=True)
    if url.host and not url.host.startswith("/"):
        port = url.port or 5432
        try:
            socket.create_connection((url.host, port), timeout=3).close()
        except OSError as exc:
            return (
                f"no PostgreSQL server answers at {url.host}:{port} ({exc}); set "
                f"TRAINOPS_TEST_POSTGRES_URL (now {shown}) to run the PostgreSQL half"
            )
        return None
    # A Unix-domain socket: only a failed connection tells us that nobody is listening.
    import psycopg

    try:
        with psycopg.connect(url.set(drivername="postgresql").render_as_string(False)):
            return None
    except psycopg.OperationalError as exc:
        return f"no PostgreSQL server answers at {shown}: {exc}"


BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
]


@dataclass
class LogDatabase:
    """One test's database: hands out engines that all see the same (isolated) tables."""

    backend: str
    url: str
    schema: str | None = None
    engines: list[Engine] = field(default_factory=list)

    def psql_env(self) -> dict[str, str]:
        """This process's environment, pointing psql (and so the standalone verifiers in the
        docs) at this database and schema."""
        url = make_url(self.url)
        env = {
            **os.environ,
            "PGHOST": url.host or "",
            "PGPORT": str(url.port or 5432),
            "PGUSER": url.username or "",
            "PGDATABASE": url.database or "",
            "PGOPTIONS": f"-csearch_path={self.schema}",
        }
        if url.password:
            env["PGPASSWORD"] = url.password
        return env

    def new_engine(self) -> Engine:
        """A separate engine (own pool, as a separate process would have), not yet migrated."""
        if self.schema is None:
            engine = make_engine(self.url)
        else:
            engine = make_engine(self.url, connect_args={"options": f"-csearch_path={self.schema}"})
        self.engines.append(engine)
        return engine

    def dispose(self) -> None:
        for engine in self.engines:
            engine.dispose()


@contextmanager
def fresh_schema(prefix: str, server: str = POSTGRES_URL) -> Iterator[str]:
    """A schema of its own on the PostgreSQL ``server`` (its name starts with ``prefix``),
    dropped afterwards: its name."""
    schema = f"{prefix}_{secrets.token_hex(6)}"
    admin = make_engine(server)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        try:
            yield schema
        finally:
            with admin.begin() as conn:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
    finally:
        admin.dispose()


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL of the test server whose search path is a fresh schema, dropped afterwards."""
    reason = postgres_unavailable()
    if reason is not None:
        pytest.fail(reason)
    with fresh_schema("t") as schema:
        yield f"{POSTGRES_URL}?options=-csearch_path%3D{schema}"


def empty_database_url(kind: str, folder: Path, name: str) -> AbstractContextManager[str]:
    """The URL of an empty database of ``kind``: SQLite, a file ``name``.db in ``folder``;
    PostgreSQL, a schema of its own (dropped afterwards)."""
    if kind == "sqlite":
        return nullcontext(f"sqlite:///{folder / f'{name}.db'}")
    return postgres_schema()


@pytest.fixture(params=BACKENDS)
def log_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[LogDatabase]:
    if request.param == "sqlite":
        db = LogDatabase("sqlite", f"sqlite:///{tmp_path / 'events.db'}")
        try:
            yield db
        finally:
            db.dispose()
        return

    reason = postgres_unavailable()
    if reason is not None:
        pytest.fail(reason)  # CI never skips PostgreSQL: an unreachable server is a failure
    with fresh_schema("t") as schema:
        db = LogDatabase("postgresql", POSTGRES_URL, schema)
        try:
            yield db
        finally:
            db.dispose()


@pytest.fixture
def bare_engine(log_db: LogDatabase) -> Engine:
    """An engine on the test's empty database: no tables yet."""
    return log_db.new_engine()


@pytest.fixture
def engine(bare_engine: Engine) -> Engine:
    """An engine on the test's database, migrated to the newest schema."""
    migrate(bare_engine)
    return bare_engine


StoreFactory = Callable[..., EventStore]


@pytest.fixture
def make_store(log_db: LogDatabase, engine: Engine) -> StoreFactory:
    """``make_store(clock=None, separate_engine=False)``: another EventStore on the same log;
    with ``separate_engine`` it has its own engine and pool, like a store in another process."""

    def factory(
        *, clock: Callable[[], datetime] | None = None, separate_engine: bool = False
    ) -> EventStore:
        return EventStore(log_db.new_engine() if separate_engine else engine, clock=clock)

    return factory


@pytest.fixture
def store(make_store: StoreFactory) -> EventStore:
    return make_store()
