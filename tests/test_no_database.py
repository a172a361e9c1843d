"""The operator's commands that read what a running trainops keeps (``log verify``, ``keys
list``, ...) refuse a database that is not there, in one line and exit 78,
instead of creating an empty one and reporting on it ("log intact: 0 events"): an SQLite file
that does not exist, and a PostgreSQL schema never migrated (no table is created in it).
(``config`` asks the server, wherever the shell is: ``tests/test_config_cli.py``.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from eventlog.engine import make_engine
from tests.eventlog.conftest import POSTGRES_URL, postgres_schema

TRAINOPS = str(Path(sys.executable).with_name("trainops"))


def _run(
    args: list[str], cwd: Path, database_url: str | None = None
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINOPS_")}
    if database_url is not None:
        env["TRAINOPS_DATABASE_URL"] = database_url
    return subprocess.run(
        [TRAINOPS, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


READ_ONLY = [
    ["log", "verify"],
    ["keys", "list"],
    ["projections", "status"],
]


@pytest.mark.parametrize("command", READ_ONLY, ids=" ".join)
def test_a_missing_database_is_named_not_created(command: list[str], tmp_path: Path) -> None:
    done = _run(command, tmp_path)
    assert done.returncode == 78, done.stderr
    assert done.stdout == "" and "Traceback" not in done.stderr
    assert (
        done.stderr.startswith("error: no trainops database at ")
        and len(done.stderr.splitlines()) == 1
    )
    assert str(tmp_path / ".trainops" / "trainops.db") in done.stderr
    assert not (tmp_path / ".trainops").exists()


def test_in_chinese_with_the_language_before_the_command(tmp_path: Path) -> None:
    done = _run(["--lang", "zh-CN", "log", "verify"], tmp_path)
    assert done.returncode == 78 and "没有 trainops 数据库" in done.stderr, done.stderr
    assert not (tmp_path / ".trainops").exists()


def test_a_postgresql_schema_never_migrated_is_named_not_migrated(tmp_path: Path) -> None:
    with postgres_schema() as url:
        for command in READ_ONLY:
            done = _run(command, tmp_path, database_url=url)
            assert done.returncode == 78, (command, done.stderr)
            assert done.stdout == "" and "Traceback" not in done.stderr
            assert done.stderr.startswith("error: no trainops database at postgresql")
            assert len(done.stderr.splitlines()) == 1
        engine = make_engine(url)
        try:
            assert inspect(engine).get_table_names() == []  # nothing created
        finally:
            engine.dispose()


def test_a_database_that_cannot_be_opened_is_one_line(tmp_path: Path) -> None:
    """A mistyped database name, a server that is down, a file that is not a database: one
    line naming where and why, the configuration exit status, never a traceback."""
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"not a database, " * 64)
    unopenable = {
        f"sqlite:///{junk}": "file is not a database",
        make_url(POSTGRES_URL)
        .set(database="no_such_trainops_db")
        .render_as_string(hide_password=False): "does not exist",
    }
    for url, why in unopenable.items():
        done = _run(["log", "verify"], tmp_path, database_url=url)
        assert done.returncode == 78, done.stderr
        assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1
        assert why in done.stderr
        assert "cannot open the trainops database at" in done.stderr
        assert "attempt" not in done.stderr  # one try, no waiting: nothing to count


@pytest.mark.parametrize("service", ["projector", "worker"])
def test_a_service_pointed_at_a_file_that_is_no_database_says_so_in_one_line(
    tmp_path: Path, service: str
) -> None:
    """A trial: `trainops projector`, `worker` and `up` on a file that is not a database
    printed 150 lines of traceback; they stop as the read-only commands do."""
    junk = tmp_path / "picture.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 512)
    done = _run([service], tmp_path, database_url=f"sqlite:///{junk}")
    assert done.returncode == 78, done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert "cannot open the trainops database at" in done.stderr, done.stderr


@pytest.mark.parametrize(
    "command",
    [["db", "migrate"], ["db", "grant-app-role", "app"], ["db", "backup", "out"]],
)
def test_the_owners_commands_on_a_file_that_is_no_database_say_so_in_one_line(
    tmp_path: Path, command: list[str]
) -> None:
    """A trial: `db migrate`, `db backup`, `db grant-app-role` and `db restore` printed a
    traceback for a file that is no database; one line and exit 78, as the others."""
    junk = tmp_path / "picture.png"
    junk.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 512)
    done = _run(command, tmp_path, database_url=f"sqlite:///{junk}")
    assert done.returncode == 78, done.stderr
    assert "Traceback" not in done.stderr and len(done.stderr.splitlines()) == 1, done.stderr
    assert "cannot open the trainops database at" in done.stderr


def test_a_backup_of_a_database_that_is_not_there_creates_nothing(tmp_path: Path) -> None:
    """A trial: `db backup` of a mistyped SQLite path created an empty database and reported
    a backup of it."""
    missing = tmp_path / "mistyped.db"
    done = _run(["db", "backup", "out"], tmp_path, database_url=f"sqlite:///{missing}")
    assert done.returncode == 78, done.stderr
    assert "no trainops database at" in done.stderr
    assert not missing.exists() and not (tmp_path / "out").exists()
