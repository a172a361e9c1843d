"""A PostgreSQL role per test, the way the application's restricted role is set up.

Roles are cluster-wide, so each test gets a uniquely named one, dropped at teardown after the
test's schema (which holds everything granted to it) is gone.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url

from eventlog.engine import make_engine
from tests.eventlog.conftest import POSTGRES_URL, LogDatabase


@dataclass
class AppRole:
    name: str
    url: str
    """The test database's URL, connecting as this role."""

    def engine(self, log_db: LogDatabase) -> Engine:
        """An engine as this role, on the test's schema (disposed with the test's engines)."""
        assert log_db.schema is not None
        engine = make_engine(self.url, connect_args={"options": f"-csearch_path={log_db.schema}"})
        log_db.engines.append(engine)
        return engine


@pytest.fixture
def app_role(log_db: LogDatabase) -> Iterator[AppRole]:
    """A fresh LOGIN role with no privileges yet (PostgreSQL only)."""
    if log_db.backend != "postgresql":
        pytest.skip("roles exist on PostgreSQL only")
    name = f"trainops_app_{secrets.token_hex(5)}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE ROLE {name} LOGIN"))
        url = make_url(POSTGRES_URL).set(username=name).render_as_string(hide_password=False)
        yield AppRole(name, url)
        log_db.dispose()  # no connection of the role may outlive it
        with admin.begin() as conn:
            if log_db.schema is not None:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {log_db.schema} CASCADE"))
            conn.execute(text(f"DROP OWNED BY {name}"))
            conn.execute(text(f"DROP ROLE {name}"))
    finally:
        admin.dispose()
