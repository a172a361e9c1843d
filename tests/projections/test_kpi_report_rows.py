"""The KPI report's memory does not grow with trainees or responses: the database aggregates
them, so hundreds more exams, graded answers and surveys leave the rows fetched into Python
unchanged (while the report counts them)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import cursor

from projections import kpi_queries
from projections.evaluation import items, responses
from services.database import Database
from tests.projections.evaluation_log import build

MORE = 300


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Rows the database hands to Python, counted where SQLAlchemy fetches them."""
    counter = [0]
    strategy = cursor.CursorFetchStrategy
    fetchone, fetchmany, fetchall = strategy.fetchone, strategy.fetchmany, strategy.fetchall

    def one(self: Any, result: Any, dbapi_cursor: Any, hard_close: bool = False) -> Any:
        row = fetchone(self, result, dbapi_cursor, hard_close)
        counter[0] += row is not None
        return row

    def many(self: Any, result: Any, dbapi_cursor: Any, size: int | None = None) -> Any:
        rows = fetchmany(self, result, dbapi_cursor, size)
        counter[0] += len(rows)
        return rows

    def every(self: Any, result: Any, dbapi_cursor: Any) -> Any:
        rows = fetchall(self, result, dbapi_cursor)
        counter[0] += len(rows)
        return rows

    monkeypatch.setattr(strategy, "fetchone", one)
    monkeypatch.setattr(strategy, "fetchmany", many)
    monkeypatch.setattr(strategy, "fetchall", every)
    yield counter


def _rows_read(db: Database, counter: list[int]) -> tuple[int, int]:
    """(rows fetched by one report, exams its organisation cards count)."""
    counter[0] = 0
    cards = kpi_queries.kpi_report(db.engine, as_of=date(2027, 6, 30))
    rows = counter[0]
    examined = sum(
        int(k.n)
        for card in cards
        if card.scope == "organisation"
        for k in card.kpis
        if k.kpi == "exam_pass_rate"
    )
    return rows, examined


def test_more_responses_fetch_no_more_rows(
    database: Database, tmp_path: Path, fetched: list[int]
) -> None:
    build(database.store, tmp_path)
    database.projector.catch_up()
    before, examined = _rows_read(database, fetched)
    with database.engine.begin() as conn:
        program_id, position = conn.execute(
            select(responses.c.program_id, responses.c.position)
            .where(responses.c.kind == "exam")
            .limit(1)
        ).one()
        people = [f"walk-in-{k}" for k in range(MORE)]
        conn.execute(
            insert(responses),
            [
                {
                    "program_id": program_id,
                    "trainee": person,
                    "kind": kind,
                    "dimension": dimension,
                    "score": 70.0,
                    "event_type": "test",
                    "position": position,
                }
                for person in people
                for kind, dimension in (("exam", ""), ("survey", "overall"))
            ],
        )
        conn.execute(
            insert(items),
            [
                {
                    "program_id": program_id,
                    "trainee": person,
                    "question_id": "q",
                    "knowledge_point": "walk-ins",
                    "correct": True,
                    "position": position,
                }
                for person in people
            ],
        )
    after, examined_after = _rows_read(database, fetched)
    assert examined_after == examined + MORE, "the report must count the new exams"
    # One more row: the new knowledge point's mastery.
    assert after == before + 1, f"{after - before} more rows fetched for {MORE} more trainees"
