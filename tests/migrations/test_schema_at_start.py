"""A service started on a schema it cannot use stops with one line and exit status 78 (a
restart would fail the same way, so the orchestrator shows the message instead of a crash loop):
a schema older than the code that the application's role may not migrate, and a schema newer
than the code."""

from __future__ import annotations

import secrets
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from eventlog.engine import make_engine
from runtime.db_roles import grant_app_role
from services.database import migrate_all
from tests.eventlog.conftest import POSTGRES_URL, postgres_schema
from tests.faults.processes import service_env
from tests.migrations.releases import RELEASES, load_release, revisions

ROOT = Path(__file__).parents[2]
SERVICES = {
    "api": [sys.executable, "-m", "api"],
    "worker": [sys.executable, "worker.py"],
    "projector": [str(Path(sys.executable).parent / "trainops"), "projector"],
}


def _start(command: list[str], url: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # The settings' own Temporal address and task queue: it stops before it would reach them.
    env = service_env(
        tmp_path,
        url,
        "127.0.0.1:7233",
        "trainops-programs",
        TRAINOPS_TEMPORAL_CONNECT_WAIT_SECONDS="1",
    )
    return subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)


def _stopped_with(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 78, (done.returncode, done.stderr[-2000:])
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and words in errors[0], done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_on_a_schema_newer_than_its_code_stops_with_one_line(
    service: str, tmp_path: Path
) -> None:
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    engine = make_engine(url)
    migrate_all(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE eventlog_schema_version SET version_num = '0099'"))
    engine.dispose()

    done = _start(SERVICES[service], url, tmp_path)

    _stopped_with(done, "the database's schema is newer than this trainops")
    assert "eventlog_schema_version is at 0099" in done.stderr


@pytest.fixture
def old_schema_as_app_role() -> Iterator[str]:
    """The oldest release's schema and data in a PostgreSQL schema, and a URL as a restricted
    role that may use what is there (as after `db grant-app-role`) but not migrate it."""
    role = f"trainops_app_{secrets.token_hex(5)}"
    admin = make_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f"CREATE ROLE {role} LOGIN"))
        with postgres_schema() as owner_url:
            owner = make_engine(owner_url)
            load_release(owner, RELEASES[0])
            with owner.begin() as conn:
                grant_app_role(conn, role)
            owner.dispose()
            yield (make_url(owner_url).set(username=role).render_as_string(hide_password=False))
            with admin.begin() as conn:
                conn.execute(text(f"DROP OWNED BY {role}"))
        with admin.begin() as conn:
            conn.execute(text(f"DROP ROLE {role}"))
    finally:
        admin.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("service", sorted(SERVICES))
def test_a_service_on_an_older_schema_it_may_not_migrate_stops_with_one_line(
    service: str, old_schema_as_app_role: str, tmp_path: Path
) -> None:
    done = _start(SERVICES[service], old_schema_as_app_role, tmp_path)

    _stopped_with(done, "the database's schema is older than this trainops")
    assert "TRAINOPS_MIGRATION_DATABASE_URL" in done.stderr
    engine = make_engine(old_schema_as_app_role)
    try:
        assert revisions(engine)["eventlog_schema_version"] == ["0003"]  # nothing half-done
    finally:
        engine.dispose()
