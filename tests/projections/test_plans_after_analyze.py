"""Read models rebuilt after their tables were analysed while empty (as after a restore or a
`vacuumdb -z`) fold with plans made for the tables as they are, and come out the same."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from projections.catalog import ALL_PROJECTIONS
from services.database import Database
from tests.projections.evaluation_log import build
from tests.projections.support import snapshot


def test_a_rebuild_after_analysing_empty_tables_plans_per_statement(
    backend_db: Database, tmp_path: Path
) -> None:
    db = backend_db
    build(db.store, tmp_path)  # programs, approvals, enrolments, surveys, exams, reference data
    db.projector.catch_up()
    before = snapshot(db)
    postgres = db.engine.dialect.name == "postgresql"
    with db.engine.begin() as conn:
        for projection in ALL_PROJECTIONS:
            for table in projection.tables:
                conn.execute(table.delete())
                conn.execute(text(f"ANALYZE {table.name}"))
    seen: list[str] = []
    if postgres:
        original = db.projector._fold

        def watching(conn, batch):  # type: ignore[no-untyped-def]
            seen.append(str(conn.execute(text("SHOW plan_cache_mode")).scalar()))
            return original(conn, batch)

        db.projector._fold = watching  # type: ignore[method-assign]
    db.projector.rebuild()
    assert snapshot(db) == before
    if postgres:
        assert seen and set(seen) == {"force_custom_plan"}


def test_a_rebuild_leaves_statistics_of_the_rebuilt_tables(
    backend_db: Database, tmp_path: Path
) -> None:
    """Plans right after a rebuild are made for the rebuilt tables, not the emptied ones."""
    db = backend_db
    if db.engine.dialect.name != "postgresql":
        pytest.skip("statistics are PostgreSQL's")
    build(db.store, tmp_path)
    names = ("rm_timeline", "rm_trainees", "rm_eval_responses", "rm_programs")
    with db.engine.begin() as conn:
        for projection in ALL_PROJECTIONS:
            for table in projection.tables:
                conn.execute(table.delete())
                conn.execute(text(f"ANALYZE {table.name}"))
    db.projector.rebuild()
    with db.engine.connect() as conn:
        for name in names:
            rows = conn.execute(text(f"SELECT count(*) FROM {name}")).scalar()
            estimate = conn.execute(
                text("SELECT reltuples FROM pg_class WHERE oid = to_regclass(:name)"),
                {"name": name},
            ).scalar()
            assert rows and estimate == rows, name
