"""Record a released schema, with data, as the fixtures ``test_release_upgrades`` upgrades.

    python -m tests.migrations.snapshot VERSION COMMIT     # e.g. 0.3 c92ae5d

The release's files are taken from git (``git archive COMMIT``), its own migrations create the
schema on SQLite and on PostgreSQL (the test server, a schema of its own), its own code fills it
(``populate.py``), and each database is dumped as SQL into ``releases/v<VERSION>/``:
``sqlite.sql.gz`` (SQLite's ``iterdump``) and ``postgresql.sql.gz`` (``pg_dump --inserts`` with
the schema's name replaced by ``__SCHEMA__``). A release adds its snapshot once; it never
changes afterwards. (``populate.py`` runs ``tests/workflows/histories/capture.py`` of today's
tree with the release's code; the snapshots of releases before runtime/ and services/ existed
were made with the capture.py of their layout, at commit d2864db.)
"""

from __future__ import annotations

import gzip
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

from tests.eventlog.conftest import fresh_schema

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
PLACEHOLDER = "__SCHEMA__"
PG_DUMP = ["pg_dump", "-h", "127.0.0.1", "-U", "postgres", "-d", "test", "--no-owner"]
PG_DUMP += ["--no-privileges", "--inserts"]


def _checkout(commit: str, into: Path) -> None:
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)


def _populate(release: Path, url: str, home: Path) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(release),
        "TRAINOPS_SIGNING_KEY_FILE": str(home / "signing-key.pem"),
        "TRAINOPS_SEAL_KEY_FILE": str(home / "seal-key.pem"),
        "TRAINOPS_WITNESS_DIR": str(home / "witness"),
    }
    subprocess.run(
        [sys.executable, str(HERE / "populate.py"), url], cwd=release, env=env, check=True
    )


def _pg_dump(schema: str) -> str:
    dump = subprocess.run(
        [*PG_DUMP, "-n", schema],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    lines = [
        line
        for line in dump.splitlines()
        if not line.startswith("\\") and line != f"CREATE SCHEMA {schema};"
    ]
    return "\n".join(lines).replace(schema, PLACEHOLDER) + "\n"


def snapshot(version: str, commit: str) -> Path:
    out = HERE / "releases" / f"v{version}"
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="trainops-snapshot-"))
    release = work / "release"
    release.mkdir()
    _checkout(commit, release)

    sqlite_file = work / "release.db"
    _populate(release, f"sqlite:///{sqlite_file}", work / "sqlite-home")
    with sqlite3.connect(sqlite_file) as conn:
        dump = "\n".join(conn.iterdump()) + "\n"
    (out / "sqlite.sql.gz").write_bytes(gzip.compress(dump.encode(), mtime=0))

    with fresh_schema("snapshot", POSTGRES_URL) as schema:
        _populate(release, f"{POSTGRES_URL}?options=-csearch_path%3D{schema}", work / "pg-home")
        dump = _pg_dump(schema)
    (out / "postgresql.sql.gz").write_bytes(gzip.compress(dump.encode(), mtime=0))
    full = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", commit], check=True, capture_output=True, text=True
    ).stdout.strip()
    (out / "release.json").write_text(
        json.dumps({"version": version, "commit": full}, indent=2) + "\n", encoding="utf-8"
    )
    return out


if __name__ == "__main__":
    print(snapshot(sys.argv[1], sys.argv[2]))
