"""A PostgreSQL-backed trainops for fault tests: its own schema on the test server (reached
directly by the test, and by the services through a proxy or directly), users and a token, the
API's signing key made and published beforehand (so a worker started first trusts it)."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from accounts.users import UserStore
from audit.signing_keys import publish_key
from eventlog.engine import make_engine
from runtime.settings import Settings
from services.database import Database, open_database
from services.signing import load_signer
from tests.eventlog.conftest import POSTGRES_URL, postgres_schema
from tests.plans import TZ, plan_json

PEOPLE = {
    "spec.li": ["specialist"],
    "mgr.wang": ["approver"],
    "emp.1": ["trainee"],  # the plan's trainees: a plan names only known people
    "emp.2": ["trainee"],
}
PASSWORD = "correct horse battery staple"


@dataclass
class Backend:
    tmp_path: Path
    database: Database
    schema: str
    application_name: str
    tokens: dict[str, str]
    task_queue: str

    def url(self, port: int = 5432) -> str:
        """The schema's URL through ``port`` (a proxy, or the server itself), tagged with an
        application name so the test can find these services' connections and only those."""
        options = quote(f"-csearch_path={self.schema}")
        base = make_url(POSTGRES_URL).set(port=port).render_as_string(hide_password=False)
        return f"{base}?application_name={self.application_name}&options={options}"

    def terminate_connections(self) -> int:
        """``pg_terminate_backend`` on every connection of these services (never a restart of
        the shared server); how many were cut."""
        admin = make_engine(POSTGRES_URL)
        try:
            with admin.begin() as conn:
                return len(
                    conn.execute(
                        text(
                            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                            "WHERE application_name = :name"
                        ),
                        {"name": self.application_name},
                    ).all()
                )
        finally:
            admin.dispose()

    def events(self, program_id: str) -> list[str]:
        return [r.event_type for r in self.database.store.read_stream(f"program-{program_id}")]


@pytest.fixture
def backend(tmp_path: Path) -> Iterator[Backend]:
    with postgres_schema() as url:
        schema = url.rsplit("%3D", 1)[1]
        database = open_database(url)
        try:
            users = UserStore(database.engine)
            tokens = {}
            for username, roles in PEOPLE.items():
                users.create_user(username, PASSWORD, roles)
                tokens[username] = users.issue_token(username, "fault test")[1]
            signer = load_signer(None, tmp_path / "signing-key.pem", create=True)
            publish_key(database.store, signer.trusted_key())
            yield Backend(
                tmp_path,
                database,
                schema,
                f"faults_{secrets.token_hex(5)}",
                tokens,
                f"faults-{secrets.token_hex(4)}",
            )
        finally:
            database.close()


def plan_body(program_id: str, **changes: Any) -> dict[str, Any]:
    """A valid plan with its session 20 days from now (wall clock, as the API checks)."""
    local = datetime.now(ZoneInfo(TZ)) + timedelta(days=20)
    start = local.replace(hour=10, minute=0, second=0, microsecond=0)
    return plan_json(program_id, start, **changes)


def settings_for(backend: Backend) -> Settings:
    return Settings(database_url=backend.url(), task_queue=backend.task_queue)
