"""The evaluation read models on both backends: the migration, the fold, the report, and the
as-of replay into a scratch database (a temporary schema on PostgreSQL)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from audit.replay import replay_and_compare, replayed
from eventlog import EventStore
from projections import kpi_queries
from projections.runner import ProjectionRunner
from projections.tables import migrate_read_models
from tests.eventlog.conftest import (  # noqa: F401  (fixtures, used by name)
    bare_engine,
    engine,
    log_db,
    make_store,
    store,
)
from tests.projections.evaluation_log import build


def test_report_and_replay_on_each_backend(
    engine: Engine,  # noqa: F811
    store: EventStore,  # noqa: F811
    tmp_path: Path,
) -> None:
    migrate_read_models(engine)
    build(store, tmp_path)
    ProjectionRunner(store, batch_size=64).catch_up()
    live = kpi_queries.kpi_report(engine)
    org = next(c for c in live if c.scope == "organisation" and c.period == "2027-Q1")
    roi = next(k for k in org.kpis if k.kpi == "roi_percent")
    assert roi.value is not None and roi.detail["costs"] == "630.30"
    assert replay_and_compare(store).ok
    with replayed(store) as replay:
        assert kpi_queries.kpi_report(replay.engine) == live
