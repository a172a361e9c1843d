"""The released schemas stored under ``releases/``, loaded into a database of a test."""

from __future__ import annotations

import gzip
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, inspect, text

from eventlog.engine import make_engine
from tests.eventlog.conftest import empty_database_url

RELEASES = sorted((Path(__file__).parent / "releases").glob("v*"))
VERSION_TABLES = (
    "eventlog_schema_version",
    "outbox_schema_version",
    "read_models_schema_version",
    "api_schema_version",
)


def _dump(release: Path, backend: str) -> str:
    return gzip.decompress((release / f"{backend}.sql.gz").read_bytes()).decode()


@contextmanager
def empty_database(backend: str, tmp_path: Path, name: str) -> Iterator[Engine]:
    """An empty database of ``backend`` (a SQLite file, or a PostgreSQL schema of its own)."""
    with empty_database_url(backend, tmp_path, name) as url:
        engine = make_engine(url)
        try:
            yield engine
        finally:
            engine.dispose()


def load_release(engine: Engine, release: Path) -> None:
    """Restore a release's snapshot (schema, rows, version tables) into the empty ``engine``."""
    backend = engine.dialect.name
    script = _dump(release, backend)
    if backend == "sqlite":
        database = engine.url.database
        assert database is not None
        with sqlite3.connect(database) as conn:
            conn.executescript(script)
        return
    schema = inspect(engine).default_schema_name
    assert schema is not None
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(script.replace("__SCHEMA__", schema))
        cursor.close()
        raw.commit()
    finally:
        raw.close()
        engine.dispose()  # the dump emptied the session's search_path: no reuse of it


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table: int(conn.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one())
            for table in inspect(engine).get_table_names()
            if table not in VERSION_TABLES
        }


def revisions(engine: Engine) -> dict[str, list[str]]:
    with engine.connect() as conn:
        return {
            table: sorted(r[0] for r in conn.execute(text(f"SELECT version_num FROM {table}")))
            for table in VERSION_TABLES
        }
