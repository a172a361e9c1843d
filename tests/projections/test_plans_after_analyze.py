"""Read models rebuilt after their tables were analysed while empty (as after a restore or a
`vacuumdb -z`) fold with plans made for the tables as they are, and come out the same."""

from __future__ import annotations

from sqlalchemy import text

from projections.catalog import ALL_PROJECTIONS
from services.database import Database
from tests.projections.history import generate


def test_a_rebuild_after_analysing_empty_tables_plans_per_statement(backend_db: Database) -> None:
    db = backend_db
    generate(db.store, programs=4)
    db.projector.catch_up()
    with db.engine.connect() as conn:
        before = {
            t.name: sorted(map(tuple, conn.execute(t.select()).all()))
            for p in ALL_PROJECTIONS
            for t in p.tables
        }
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
    with db.engine.connect() as conn:
        after = {
            t.name: sorted(map(tuple, conn.execute(t.select()).all()))
            for p in ALL_PROJECTIONS
            for t in p.tables
        }
    assert after == before
    if postgres:
        assert seen and set(seen) == {"force_custom_plan"}
