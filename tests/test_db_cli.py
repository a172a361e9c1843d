"""The application runs as a role that can only append; the owner migrates (``trainops db``)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from typer.testing import CliRunner

from accounts.users import UserStore
from audit.seal_keys import publish_seal_key
from domain.streams import MAINTENANCE_STREAM
from runtime.settings import get_settings
from services.database import MigrationRefused, NoDatabase, open_database
from services.signing import Signer
from tests.eventlog.conftest import LogDatabase, log_db  # noqa: F401  (fixtures, used by name)
from tests.eventlog.roles import AppRole, app_role  # noqa: F401
from tests.eventlog.support import new_events
from trainops.db_cli import db_app

on_postgres = pytest.mark.parametrize("log_db", ["postgresql"], indirect=True)


def _in_schema(url: str, db: LogDatabase) -> str:
    """``url`` reaching the test's schema by itself, as an operator's URL would."""
    return f"{url}?options={quote(f'-csearch_path={db.schema}')}"


@pytest.fixture
def settings_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()


@on_postgres
def test_the_owner_migrates_and_the_app_role_only_appends(
    log_db: LogDatabase,  # noqa: F811
    app_role: AppRole,  # noqa: F811
) -> None:
    owner, app = _in_schema(log_db.url, log_db), _in_schema(app_role.url, log_db)
    with pytest.raises(MigrationRefused, match="TRAINOPS_MIGRATION_DATABASE_URL"):
        open_database(app).close()  # an empty schema, and the role may not create tables

    database = open_database(app, migration_url=owner)  # migrates as owner, then grants
    try:
        assert make_url(str(database.engine.url)).username == app_role.name
        for _ in range(3):
            publish_seal_key(database.store, Signer.generate().trusted_key())
        assert database.projector.catch_up() == 3  # read models are the application's
        users = UserStore(database.engine)
        users.create_user("admin.zhou", "a long enough password", roles=["admin"])
        users.set_roles("admin.zhou", ["admin", "auditor"])
        with pytest.raises(DBAPIError, match="permission denied"), database.engine.begin() as c:
            c.execute(text("DELETE FROM events"))
        assert database.store.head()[0] == 3
    finally:
        database.close()

    again = open_database(app)  # at head: the restricted role starts without the owner
    try:
        assert again.store.head()[0] == 3
    finally:
        again.close()


@pytest.fixture
def app_and_owner(
    log_db: LogDatabase,  # noqa: F811
    app_role: AppRole,  # noqa: F811
    settings_env: pytest.MonkeyPatch,
) -> str:
    """The settings name the app role, and the owner to migrate (both reaching the test's
    schema): the app role's URL."""
    app = _in_schema(app_role.url, log_db)
    settings_env.setenv("TRAINOPS_DATABASE_URL", app)
    settings_env.setenv("TRAINOPS_MIGRATION_DATABASE_URL", _in_schema(log_db.url, log_db))
    return app


@on_postgres
def test_the_settings_name_the_owner(app_and_owner: str) -> None:
    database = open_database(app_and_owner)
    try:
        database.store.append("program-a", 0, new_events(1))
    finally:
        database.close()


@on_postgres
@pytest.mark.usefixtures("app_and_owner")
def test_grant_app_role_command(
    log_db: LogDatabase,  # noqa: F811
    app_role: AppRole,  # noqa: F811
) -> None:
    cli = CliRunner()
    assert cli.invoke(db_app, ["migrate"]).exit_code == 0
    granted = cli.invoke(db_app, ["grant-app-role", app_role.name, "--json"])
    assert granted.exit_code == 0, granted.output
    tables = json.loads(granted.stdout)["tables"]
    assert tables["events"] == tables["log_seals"] == ["SELECT", "INSERT"]
    assert tables["log_head"] == ["SELECT", "UPDATE"]
    assert tables["rm_programs"] == ["SELECT", "INSERT", "UPDATE", "DELETE"]
    assert _may_create_schemas(log_db, app_role.name)  # audit replay's scratch schemas
    narrower = cli.invoke(db_app, ["grant-app-role", app_role.name, "--no-replay-schemas"])
    assert narrower.exit_code == 0, narrower.output
    assert not _may_create_schemas(log_db, app_role.name)
    refused = cli.invoke(db_app, ["grant-app-role", "postgres"])
    assert refused.exit_code == 2 and "superuser" in refused.output


def _may_create_schemas(db: LogDatabase, role: str) -> bool:
    engine = db.new_engine()
    with engine.connect() as conn:
        query = text("SELECT has_database_privilege(:r, current_database(), 'CREATE')")
        return bool(conn.execute(query, {"r": role}).scalar_one())


def test_record_maintenance_appends_why_first(
    tmp_path: Path, settings_env: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    settings_env.setenv("TRAINOPS_DATABASE_URL", url)
    cli = CliRunner()
    nowhere = cli.invoke(
        db_app, ["record-maintenance", "--reason", "a court order", "--as", "o", "--statement", "x"]
    )
    assert isinstance(nowhere.exception, NoDatabase)  # maintenance of a log that is not there
    assert not (tmp_path / "log.db").exists()
    open_database(url).close()
    missing = cli.invoke(db_app, ["record-maintenance", "--reason", "a court order", "--as", "o"])
    assert missing.exit_code == 2 and "--statement" in missing.output
    short = cli.invoke(
        db_app, ["record-maintenance", "--reason", "why", "--as", "o", "--statement", "x"]
    )
    assert short.exit_code == 2 and "reason" in short.output
    recorded = cli.invoke(
        db_app,
        [
            "record-maintenance",
            "--reason",
            "court order 12/2027: erase a free-text comment",
            "--as",
            "dba.zhou",
            "--ticket",
            "CHG-42",
            "--statement",
            "UPDATE events SET payload = '{}' WHERE position = 1",
        ],
    )
    assert recorded.exit_code == 0, recorded.output
    assert "position 1" in recorded.output
    database = open_database(url)
    try:
        [event] = database.store.read_stream(MAINTENANCE_STREAM)
    finally:
        database.close()
    assert event.event_type == "LogMaintenance" and event.metadata["actor"] == "dba.zhou"
    assert event.payload["ticket"] == "CHG-42" and event.payload["head_position"] == 0
