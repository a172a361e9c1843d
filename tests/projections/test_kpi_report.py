"""The KPI report equals the oracle (the report as computed before it read only the facts it
uses) on realistic generated logs, on SQLite and PostgreSQL: cancelled programs, programs never
executed, missing surveys, exams, costs, metrics, an effect study and resources,
rated with thresholds set and as of several dates."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from bench.generate import generate
from domain.kpi_inputs import facts_of
from domain.ratings import Thresholds
from projections import kpi_queries
from projections.kpi_facts import program_facts
from services.database import Database
from tests.projections.evaluation_log import build
from tests.projections.kpi_oracle import kpi_inputs as oracle_inputs
from tests.projections.kpi_oracle import oracle_report

THRESHOLDS = Thresholds.with_overrides(
    {
        "satisfaction": {"meets": 75, "excellent": 85},
        "plan_completion": {"meets": 0.8, "excellent": 0.95},
        "response_rate": {"meets": 0.5, "excellent": 0.9},
    }
)
AS_OF = (date(2025, 3, 31), date(2026, 12, 1), date(2027, 6, 30))


def _assert_equal_to_oracle(db: Database, pass_mark: float = 60.0) -> int:
    """Every fact read equals the oracle's, and so does every scorecard as of fixed dates and
    the dates where a program's standing changes (its cancellation, the eve of its date)."""
    facts = oracle_inputs(db.engine)
    assert kpi_queries.kpi_inputs(db.engine) == facts
    with db.engine.connect() as conn:
        aggregated = program_facts(conn, pass_mark)
    assert aggregated == facts_of(facts, pass_mark)
    turns = {p.cancelled_on for p in facts.programs if p.cancelled_on is not None}
    turns |= {p.planned_date - timedelta(days=1) for p in facts.programs if p.cancelled_on}
    cards = 0
    for as_of in sorted({*AS_OF, *turns}):
        for thresholds in (THRESHOLDS, Thresholds.defaults()):
            mine = kpi_queries.kpi_report(db.engine, thresholds, pass_mark=pass_mark, as_of=as_of)
            expected = oracle_report(db.engine, thresholds, pass_mark=pass_mark, as_of=as_of)
            assert [c.model_dump() for c in mine] == [c.model_dump() for c in expected]
            cards += len(mine)
    return cards


def test_report_equals_the_oracle_on_a_generated_log(database: Database) -> None:
    generate(database.store, 3001, seed=11)  # the employees, then one chunk
    database.projector.catch_up()
    assert _assert_equal_to_oracle(database) > 50, "the log must make many scorecards"
    statuses = {c.kpi for card in kpi_queries.kpi_report(database.engine) for c in card.kpis}
    assert {"plan_completion", "satisfaction", "response_rate", "roi_percent"} <= statuses


@pytest.mark.parametrize("pass_mark", [60.0, 85.0])
def test_report_equals_the_oracle_with_studies_items_and_resources(
    database: Database, tmp_path: Path, pass_mark: float
) -> None:
    build(database.store, tmp_path)
    database.projector.catch_up()
    assert _assert_equal_to_oracle(database, pass_mark) > 0
    kpis = {c.kpi for card in kpi_queries.kpi_report(database.engine) for c in card.kpis}
    assert {
        "exam_pass_rate",
        "results_change",
        "instructor_utilisation",
        "venue_utilisation",
    } <= kpis
