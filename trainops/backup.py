"""Backups of the database that keeps the log, and their restore.

PostgreSQL: ``pg_dump --format=custom`` (a consistent snapshot while the stack runs) and
``pg_restore --single-transaction`` into an empty database, so a failed restore leaves nothing
half-restored. SQLite: the online backup API, then a copy into place. Ownership and grants are
left out of the dump: after a restore, run ``trainops db grant-app-role`` on the new server.

A restore is checked before it is called done: the hash chain verifies from the first event to
the head, and the read models are rebuilt from the restored log (they are derived data: a
PostgreSQL backup leaves their rows out, and no backup's copy of them is trusted). Events
recorded after the backup are not in it; ``trainops log verify --witness`` says so by position,
because the witness holds seals newer than the backup.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import make_url

from eventlog.engine import make_engine
from trainops.api_client import EXIT_BAD_INPUT, EXIT_REFUSED
from trainops.language import t

#: Read models are derived from the log: their rows are not backed up (the restore rebuilds
#: them), only their tables.
DERIVED_TABLES = ("rm_*", "projection_quarantine")
#: Backups kept by ``db backup --keep``, newest first, named ``trainops-<UTC stamp>.<ext>``.
PREFIX = "trainops-"


class BackupError(Exception):
    """A backup or restore that did not happen; the message says why, in the reader's
    language; ``exit_code`` as every command's (2 bad input, 3 refused, 1 otherwise)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as libpq understands it (no ``+psycopg`` driver suffix), and the
    environment carrying its password: a password on the command line is readable by every
    local user in the process list."""
    parsed = make_url(url).set(drivername="postgresql")
    environment = dict(os.environ)
    if parsed.password is not None:
        environment["PGPASSWORD"] = str(parsed.password)
    without = parsed._replace(password=None)  # URL.set ignores None: it cannot clear a field
    return without.render_as_string(hide_password=False), environment


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _run(command: list[str], what: str, environment: dict[str, str]) -> None:
    try:
        done = subprocess.run(
            command, capture_output=True, text=True, check=False, timeout=3600, env=environment
        )
    except FileNotFoundError as exc:
        raise BackupError(f"{command[0]} is not installed (install the PostgreSQL client)") from exc
    if done.returncode != 0:
        detail = (done.stderr or done.stdout).strip().splitlines()
        raise BackupError(f"{what} failed: {detail[-1] if detail else 'no output'}")


def backup(url: str, target: Path) -> Path:
    """Write a backup of the database at ``url`` to ``target`` (a file; parents are created)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    if make_url(url).get_backend_name() == "sqlite":
        source = sqlite3.connect(_sqlite_path(url))
        try:
            copy = sqlite3.connect(partial)
            try:
                source.backup(copy)
            finally:
                copy.close()
        finally:
            source.close()
    else:
        target_url, environment = _libpq(url)
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges",
             *(f"--exclude-table-data={table}" for table in DERIVED_TABLES),
             "--file", str(partial), target_url],
            "pg_dump",
            environment,
        )  # fmt: skip
    os.replace(partial, target)  # a backup file is either whole or absent
    return target


def is_empty(url: str) -> bool:
    """Whether the database at ``url`` holds no event log yet (a restore never overwrites)."""
    engine = make_engine(url)
    try:
        return not inspect(engine).has_table("events")
    finally:
        engine.dispose()


def restore(url: str, source: Path) -> None:
    """Restore ``source`` into the empty database at ``url``, all or nothing."""
    if not source.is_file():
        raise BackupError(t("no backup at {path}", path=source), EXIT_BAD_INPUT)
    if not is_empty(url):
        raise BackupError(
            t(
                "the target database already holds an event log: restore into an empty "
                "database (a restore never overwrites a log)"
            ),
            EXIT_REFUSED,
        )
    if make_url(url).get_backend_name() == "sqlite":
        _check_sqlite_backup(source)
        target = _sqlite_path(url)
        partial = target.with_name(target.name + ".restoring")
        shutil.copyfile(source, partial)
        for leftover in (Path(f"{target}-wal"), Path(f"{target}-shm")):
            leftover.unlink(missing_ok=True)
        os.replace(partial, target)
        return
    target_url, environment = _libpq(url)
    _run(
        ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
         "--exit-on-error", "--dbname", target_url, str(source)],
        "pg_restore",
        environment,
    )  # fmt: skip


def _check_sqlite_backup(source: Path) -> None:
    """A file that is not a whole SQLite database holding an event log is refused before
    anything is copied."""
    try:
        with contextlib.closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as conn:
            (verdict,) = conn.execute("PRAGMA integrity_check").fetchone()
            has_log = conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'events'"
            ).fetchone()
    except sqlite3.DatabaseError as exc:
        said = t("{path} is not a trainops backup ({reason})", path=source, reason=exc)
        raise BackupError(said, EXIT_BAD_INPUT) from exc
    if verdict != "ok" or not has_log:
        said = t("{path} is not a whole trainops backup ({reason})", path=source, reason=verdict)
        raise BackupError(said, EXIT_BAD_INPUT)


def stamped_name(url: str, now: datetime | None = None) -> str:
    moment = (now or datetime.now(UTC)).strftime("%Y%m%dT%H%M%SZ")
    extension = "sqlite" if make_url(url).get_backend_name() == "sqlite" else "dump"
    return f"{PREFIX}{moment}.{extension}"


def prune(directory: Path, keep: int) -> list[Path]:
    """Delete all but the ``keep`` newest backups in ``directory``; returns the deleted."""
    backups = sorted(
        (p for p in directory.glob(f"{PREFIX}*") if not p.name.endswith(".partial")),
        key=lambda p: p.name,
        reverse=True,
    )
    gone = backups[keep:]
    for path in gone:
        path.unlink()
    return gone
