"""The restore drill, on SQLite and PostgreSQL: back up a populated log, destroy it, restore
it; the chain verifies and the read models rebuilt from the restored log equal the originals.
A restore never overwrites a log, and a damaged backup is refused with a clear error."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from audit.comparison import compare_read_models
from audit.verify import verify_audit
from runtime.settings import get_settings
from services.database import open_database
from tests.eventlog.conftest import POSTGRES_URL
from trainops.cli import app
from trainops.demo import run_demo


class Databases:
    """Fresh, empty databases of one backend, dropped afterwards."""

    def __init__(self, backend: str, tmp_path: Path) -> None:
        self.backend, self.tmp_path = backend, tmp_path
        self.made: list[str] = []

    def new(self) -> str:
        name = f"drill_{secrets.token_hex(4)}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.tmp_path / name}.db"
        with self._server() as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        self.made.append(name)
        return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)

    def destroy(self, url: str) -> None:
        if self.backend == "sqlite":
            Path(make_url(url).database or "").unlink()
            return
        name = make_url(url).database
        with self._server() as conn:
            conn.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')

    def _server(self) -> psycopg.Connection[object]:
        plain = make_url(POSTGRES_URL).set(drivername="postgresql")
        return psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True)

    def drop_all(self) -> None:
        for name in self.made:
            with self._server() as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def databases(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Databases]:
    made = Databases(request.param, tmp_path)
    yield made
    made.drop_all()


def _cli(url: str, monkeypatch: pytest.MonkeyPatch, *args: str) -> tuple[int, str]:
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", url)
    monkeypatch.delenv("TRAINOPS_MIGRATION_DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, list(args))
    finally:
        get_settings.cache_clear()
    try:
        errors = result.stderr
    except ValueError:  # stderr mixed into output
        errors = ""
    return result.exit_code, result.output + errors


async def test_back_up_destroy_restore_then_the_log_verifies_and_read_models_match(
    databases: Databases, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = databases.new()
    await run_demo(database_url=original, programs=3)
    code, output = _cli(original, monkeypatch, "db", "backup", str(tmp_path / "backups"))
    assert code == 0, output
    (dump,) = (tmp_path / "backups").iterdir()

    # Restored elsewhere: the rebuilt read models equal the live ones, row for row.
    elsewhere = databases.new()
    code, output = _cli(elsewhere, monkeypatch, "db", "restore", str(dump))
    assert code == 0, output
    assert "log intact" in output and "restored" in output
    live, restored = open_database(original), open_database(elsewhere)
    try:
        with live.engine.connect() as left, restored.engine.connect() as right:
            comparison = compare_read_models(left, right)
        assert comparison.differences == [], comparison.differences[:3]
        assert sum(t.live_rows for t in comparison.tables) > 50  # the demo filled them
        assert verify_audit(restored.store).ok
    finally:
        live.close()
        restored.close()

    # Destroyed, then restored in place.
    databases.destroy(original)
    code, output = _cli(original, monkeypatch, "db", "restore", str(dump))
    assert code == 0, output
    again = open_database(original)
    try:
        assert verify_audit(again.store).ok
        assert again.projector.status(limit=0).lag == 0
    finally:
        again.close()

    # A restore never overwrites a log.
    code, output = _cli(original, monkeypatch, "db", "restore", str(dump))
    assert code == 3 and "already holds an event log" in output  # refused
    # a backup that is not there is the person's mistake (a trial: exit 1)
    code, output = _cli(original, monkeypatch, "db", "restore", str(dump) + ".missing")
    assert code == 2 and "no backup at" in output


def test_a_damaged_backup_is_refused_and_leaves_the_database_empty(
    databases: Databases, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    damaged = tmp_path / "trainops-20260101T000000Z.dump"
    damaged.write_bytes(b"PGDMP\x00 not really a backup")
    target = databases.new()
    code, output = _cli(target, monkeypatch, "db", "restore", str(damaged))
    # SQLite's is checked before copying (bad input); pg_restore's own failure exits 1
    assert code == (2 if target.startswith("sqlite") else 1) and "error" in output, output
    assert "Traceback" not in output
    from trainops.backup import is_empty

    assert is_empty(target)


def test_old_backups_are_pruned_to_the_newest(tmp_path: Path) -> None:
    from trainops.backup import prune

    for stamp in ("20260101", "20260102", "20260103"):
        (tmp_path / f"trainops-{stamp}T000000Z.dump").write_bytes(b"x")
    removed = prune(tmp_path, keep=2)
    assert [p.name for p in removed] == ["trainops-20260101T000000Z.dump"]
    assert len(list(tmp_path.iterdir())) == 2


def test_the_password_goes_to_pg_dump_in_its_environment_never_on_its_command_line() -> None:
    from trainops.backup import _libpq

    url, environment = _libpq("postgresql+psycopg://owner:s3cret@db.example:5432/trainops")
    assert "s3cret" not in url and url.startswith("postgresql://owner@db.example:5432/")
    assert environment["PGPASSWORD"] == "s3cret"
