"""The database going away during an import is a clear message, never a traceback: the
command line says so on stderr with a non-zero exit, the API answers 503."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import structlog
from sqlalchemy.exc import OperationalError
from typer.testing import CliRunner

from runtime.settings import get_settings
from services.database import CannotOpen, NoDatabase, open_database
from tests.api.live import live_api
from tests.imports.test_history import history_files
from tests.projections.evaluation_log import write_csv
from trainops.cli import app


def gone(*_: Any, **__: Any) -> Any:
    raise OperationalError(
        "INSERT INTO events", None, Exception("server closed the connection unexpectedly")
    )


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    url = f"sqlite:///{tmp_path / 'log.db'}"
    open_database(url).close()  # the server's database: an import never creates one
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", url)
    get_settings.cache_clear()
    saved = structlog.get_config()
    yield CliRunner()
    structlog.configure(**saved)
    get_settings.cache_clear()


def test_migrate_while_the_database_goes_away(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [str(p) for p in history_files(tmp_path / "history")]
    monkeypatch.setattr("trainops.data_cli.migrate_history", gone)
    result = cli.invoke(app, ["data", "migrate", *files, "--accept-valid"])
    assert result.exit_code == 2 and isinstance(result.exception, SystemExit)
    said = " ".join(result.stderr.split())
    assert "server closed the connection unexpectedly" in said
    assert "nothing was imported" in said and "Traceback" not in result.output


def test_migrate_without_a_database(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", "postgresql+psycopg://nobody@127.0.0.1:9/none")
    get_settings.cache_clear()
    files = [str(p) for p in history_files(tmp_path / "history")]
    result = cli.invoke(app, ["data", "migrate", *files])
    # The command line's entry says it in one line, exit 78 (tests/test_startup.py).
    assert isinstance(result.exception, CannotOpen), result.output


def test_migrate_never_creates_a_database(cli: CliRunner, tmp_path: Path) -> None:
    """Run from another folder, the default SQLite URL names a file that is not there: the
    import is refused instead of landing in a new, empty database that no server reads."""
    elsewhere = tmp_path / "elsewhere" / "trainops.db"
    files = [str(p) for p in history_files(tmp_path / "history")]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TRAINOPS_DATABASE_URL", f"sqlite:///{elsewhere}")
        get_settings.cache_clear()
        result = cli.invoke(app, ["data", "migrate", *files, "--accept-valid"])
    get_settings.cache_clear()
    assert isinstance(result.exception, NoDatabase), result.output
    assert not elsewhere.exists()


def test_the_api_answers_503_and_a_failed_load_says_why(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    database = open_database(get_settings().database_url)
    path = write_csv(tmp_path / "people.csv", [{"employee_id": "e1"}])
    with live_api(database) as live:
        live.users.create_user("adm", "a long admin password", ["admin"])
        token = live.users.issue_token("adm", "cli")[1]
        monkeypatch.setattr(live.app.state.services.import_jobs, "loader", gone)
        monkeypatch.setenv("TRAINOPS_SERVER", live.url)
        monkeypatch.setenv("TRAINOPS_TOKEN", token)
        result = cli.invoke(app, ["data", "load", "employees", str(path)])
        said = " ".join(result.stderr.split())
        assert result.exit_code == 5 and "database is unavailable" in said
        assert "nothing was loaded" in said and "Traceback" not in result.output
        monkeypatch.setattr("api.rest.data.check_upload", gone)
        answer = httpx.post(
            f"{live.url}/api/v1/data/employees",
            files={"file": ("people.csv", path.read_bytes(), "text/csv")},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 503 and "nothing was changed" in answer.json()["detail"]
    database.close()


def test_names_in_the_report_are_printed_verbatim(cli: CliRunner, tmp_path: Path) -> None:
    files = history_files(tmp_path / "history")
    sessions = tmp_path / "history" / "sessions.csv"
    sessions.write_text(
        sessions.read_text(encoding="utf-8") + "[b]nope[/b],s1,2026-01-15T09:30,2\n",
        encoding="utf-8",
    )
    result = cli.invoke(app, ["data", "migrate", *map(str, files)])
    assert result.exit_code == 1
    assert "[b]nope[/b]" in result.stdout  # not "nope" in bold: rich markup is escaped
