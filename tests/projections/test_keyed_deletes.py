"""Keyed deletes (``projections.bulk.delete_keys``) delete exactly the rows of the keys named,
and on PostgreSQL look each key up in the index even when the table's statistics say it is
empty (analysed after its rows were deleted, as a rebuild's tables may be): the plan that
scanned the whole table against every key made a 1M-event rebuild spend 22 s there."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text

from projections.bulk import delete_keys, insert_rows, keyed_delete
from projections.evaluation import responses
from services.database import Database

KEYS = ("program_id", "trainee", "kind")


def _rows(count: int) -> list[dict[str, Any]]:
    return [
        {
            "program_id": f"p{n % 7}",
            "trainee": f"emp.{n}",
            "kind": kind,
            "dimension": dimension,
            "score": 80.0,
            "event_type": "SurveySubmitted",
            "position": n,
        }
        for n in range(count)
        for kind, dimension in (("survey", "overall"), ("survey", "venue"), ("exam", ""))
    ]


def test_a_keyed_delete_removes_the_rows_of_its_keys_only(backend_db: Database) -> None:
    gone = [(f"p{n % 7}", f"emp.{n}", "survey") for n in range(0, 300, 3)]
    with backend_db.engine.begin() as conn:
        insert_rows(conn, responses, _rows(300))
        delete_keys(conn, responses, KEYS, gone)
    with backend_db.engine.connect() as conn:
        left = {tuple(r) for r in conn.execute(select(*(responses.c[k] for k in KEYS)))}
    assert len(left) == 300 * 2 - len(gone)
    assert not left & set(gone)


def test_a_keyed_delete_looks_keys_up_in_the_index_whatever_the_statistics(
    backend_db: Database,
) -> None:
    if backend_db.engine.dialect.name != "postgresql":
        return  # SQLite plans by its own rules; its keyed delete names the keys in IN lists
    with backend_db.engine.begin() as conn:
        insert_rows(conn, responses, _rows(3000))
        conn.execute(responses.delete())
    with backend_db.engine.connect() as conn:
        conn.execute(text("COMMIT"))
        conn.execute(text(f"ANALYZE {responses.name}"))  # empty, its pages not yet reclaimed
    with backend_db.engine.begin() as conn:
        conn.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        insert_rows(conn, responses, _rows(3000))
        keys = [(f"p{n % 7}", f"emp.{n}", "survey") for n in range(0, 3000, 10)]
        driver = conn.connection.driver_connection
        assert driver is not None
        plan = "\n".join(
            str(row[0])
            for row in driver.execute(
                "EXPLAIN " + keyed_delete(conn, responses, KEYS),
                [list(column) for column in zip(*keys, strict=True)],
            )
        )
        conn.rollback()
    assert "Index Cond" in plan, plan
    assert "Join Filter" not in plan, plan
