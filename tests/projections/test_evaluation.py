"""The evaluation read models and scorecards: fold independent of batches, as-of replay equal to
what the live read models showed, drill-down to log positions."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine, select

from audit.replay import replayed
from domain.ratings import Rating
from projections import kpi_queries
from projections.evaluation import EvaluationProjection
from projections.runner import ProjectionRunner
from services.database import Database, open_database
from tests.projections.evaluation_log import build


def tables(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(repr(v) for v in row) for row in conn.execute(select(t)))
            for t in EvaluationProjection.tables
        }


@pytest.fixture(scope="module")
def logged(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Database]:
    """The generated log, not yet projected (each test projects as it needs)."""
    workdir = tmp_path_factory.mktemp("evaluation")
    db = open_database(f"sqlite:///{workdir / 'log.db'}")
    build(db.store, workdir)
    yield db
    db.close()


@pytest.fixture(scope="module")
def live(logged: Database) -> Database:
    logged.projector.catch_up()
    return logged


def card(cards: list[Any], scope: str, name: str, period: str = "2027-Q1") -> Any:
    return next(c for c in cards if (c.scope, c.name, c.period) == (scope, name, period))


def test_scorecards_from_the_read_models(live: Database) -> None:
    cards = kpi_queries.kpi_report(live.engine)
    org = {(k.kpi, k.subject): k for k in card(cards, "organisation", "all").kpis}
    thin = org[("results_change", "s1")]
    assert thin.value is None and thin.rating is Rating.NOT_RATED
    assert "too little data" in thin.note
    measured = org[("results_change", "s2")]
    assert measured.value is not None and measured.detail["trained"] == 8
    assert measured.detail["control"] == 8 and measured.interval is not None
    # g00 carries the worked example: 530.30 of costs against 1,284.00 of benefits
    spec0 = {(k.kpi, k.subject): k for k in card(cards, "specialist", "spec0").kpis}
    assert spec0[("roi_percent", "")].detail["roi_percent"] == "142.13"
    assert spec0[("roi_percent", "")].detail["bcr"] == "2.4213"
    assert org[("response_rate", "")].value == 1.0
    assert org[("instructor_utilisation", "i1")].denominator == 10
    for c in cards:
        for k in c.kpis:
            if k.unit == "rate" and k.value is not None:
                assert 0 <= k.value <= 1


def test_drill_down_names_the_events(live: Database) -> None:
    cards = kpi_queries.kpi_report(live.engine)
    row = next(k for k in card(cards, "specialist", "spec0").kpis if k.kpi == "satisfaction")
    rows = kpi_queries.evidence(live.engine, "satisfaction", row.programs)
    overall = [r for r in rows if r["dimension"] == "overall"]
    assert len(overall) == row.n
    assert sum(r["score"] for r in overall) / len(overall) == pytest.approx(row.value)
    positions = {r.position: r for r in live.store.read_all()}
    assert all(positions[r["position"]].event_type == "SurveySubmitted" for r in rows)
    roi = kpi_queries.evidence(live.engine, "roi_percent", ("g00",))
    assert {positions[r["position"]].event_type for r in roi} == {
        "ProgramCostRecorded",
        "ProgramBenefitRecorded",
    }


@settings(
    max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(batch=st.integers(1, 97))
def test_folding_is_independent_of_batches(live: Database, batch: int) -> None:
    with replayed(live.store, batch_size=batch) as replay:
        assert tables(replay.engine) == tables(live.engine)


def test_as_of_equals_what_live_showed_then(tmp_path: Path) -> None:
    """A live projector stopped at several positions: the replay to each position reports the
    same scorecards as the live read models did then; at the last position it equals live."""
    db = open_database(f"sqlite:///{tmp_path / 'live.db'}")
    try:
        build(db.store, tmp_path)
        head = db.store.head()[0]
        seen: dict[int, list[Any]] = {}
        runner = ProjectionRunner(db.store, batch_size=50)
        for target in sorted({head // 3, head // 2, head - 7, head}):
            runner.catch_up(max_events=target - runner.position())
            assert runner.position() == target
            seen[target] = kpi_queries.kpi_report(db.engine)
        for position, report in seen.items():
            with replayed(db.store, up_to=position) as replay:
                assert replay.position == position
                assert kpi_queries.kpi_report(replay.engine) == report
        assert seen[head] == kpi_queries.kpi_report(db.engine)
        assert seen[head] != seen[head // 3]
    finally:
        db.close()
