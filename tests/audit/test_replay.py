"""Replay: the read models rebuilt from the log equal the live ones (demo data; both databases),
differences are reported row by row, and the replay as of a past position equals the read
models the live projector had at that position."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

from sqlalchemy import delete, inspect, update

from audit.comparison import compare_read_models
from audit.replay import (
    position_at,
    replay_and_compare,
    replay_as_of,
    replayed,
)
from eventlog import EventStore
from eventlog.engine import READ_ONLY
from projections import queries
from projections.catalog import ALL_PROJECTIONS
from projections.runner import CHECKPOINT
from projections.tables import checkpoints, programs, timeline
from services.database import Database, open_database
from tests.audit.conftest import Live
from tests.projections.history import generate


def test_replay_equals_live_on_the_demo(demo: Database) -> None:
    assert demo.projector.position() == demo.store.head()[0]
    seen: list[tuple[int, int | None]] = []
    comparison = replay_and_compare(demo.store, progress=lambda d, t: seen.append((d, t)))
    assert comparison.ok, comparison.differences
    assert comparison.replayed_position == comparison.live_position == demo.store.head()[0]
    rows = {t.table: (t.live_rows, t.replayed_rows) for t in comparison.tables}
    program_events = sum(1 for r in demo.store.read_all() if r.stream_id.startswith("program-"))
    assert rows["rm_timeline"] == (program_events, program_events)
    assert all(live == rebuilt for live, rebuilt in rows.values())
    assert rows["rm_programs"][0] > 0
    assert seen[-1] == (demo.store.head()[0], demo.store.head()[0])


def _scratch_schemas(live: Live) -> set[str]:
    if live.engine.dialect.name != "postgresql":
        return set()
    return {s for s in inspect(live.engine).get_schema_names() if s.startswith("audit_replay_")}


def test_replay_equals_live_on_both_databases(live: Live) -> None:
    generate(live.store, programs=8)
    live.projector.catch_up()
    before = _scratch_schemas(live)  # another run's (a killed one's) are not this one's
    comparison = replay_and_compare(live.store, batch_size=7)
    assert comparison.ok, comparison.differences
    assert comparison.replayed_position == live.store.head()[0]
    assert _scratch_schemas(live) <= before  # this replay's scratch schema is gone again


def test_replay_stops_where_the_live_projector_is(live: Live) -> None:
    generate(live.store, programs=4)
    live.projector.catch_up(max_events=9)
    comparison = replay_and_compare(live.store)
    assert comparison.ok, comparison.differences
    assert comparison.replayed_position == 9


def test_differences_are_reported_row_by_row(live: Live) -> None:
    generate(live.store, programs=6)
    live.projector.catch_up()
    # Someone edits the live read models behind the projector's back.
    with live.engine.begin() as conn:
        conn.execute(update(programs).where(programs.c.program_id == "g01").values(status="closed"))
        conn.execute(delete(timeline).where(timeline.c.position == 5))
        state = (
            conn.execute(programs.select().where(programs.c.program_id == "g02"))
            .one()
            ._mapping["state"]
        )
        conn.execute(
            update(programs)
            .where(programs.c.program_id == "g02")
            .values(state={**state, "state": {**state["state"], "title": "Forged"}})
        )
    comparison = replay_and_compare(live.store)
    assert not comparison.ok
    found = {(d.table, d.kind, tuple(d.key.values())): d for d in comparison.differences}
    status = found[("rm_programs", "different", ("g01",))]
    assert [(c.column, c.live) for c in status.columns] == [("status", "closed")]
    assert ("rm_timeline", "missing_in_live", (5,)) in found
    title = found[("rm_programs", "different", ("g02",))]
    assert [(c.column, c.replayed, c.live) for c in title.columns] == [
        ("state.state.title", "Program 2", "Forged")
    ]
    assert {t.table: t.differences for t in comparison.tables}["rm_programs"] == 2


def test_as_of_a_position_equals_the_read_models_captured_there(demo: Database) -> None:
    # Capture: the live projector, from scratch, stopped at position P (just before the
    # quarter's last program is executed, so the KPIs still change after P).
    executed = [r.position for r in demo.store.read_all() if r.event_type == "ProgramExecuted"]
    middle = executed[-1] - 1
    with demo.engine.begin() as conn:
        for projection in ALL_PROJECTIONS:
            for table in projection.tables:
                conn.execute(delete(table))
        conn.execute(update(checkpoints).where(checkpoints.c.name == CHECKPOINT).values(position=0))
    assert demo.projector.catch_up(max_events=middle) == middle
    captured_kpis = queries.execution_report(demo.engine)
    captured_programs = queries.list_programs(demo.engine)

    with (
        replayed(demo.store, up_to=middle) as replay,
        demo.engine.connect().execution_options(**READ_ONLY) as captured,
        replay.engine.connect().execution_options(**READ_ONLY) as rebuilt,
    ):
        comparison = compare_read_models(captured, rebuilt)
    assert comparison.ok, comparison.differences
    assert comparison.replayed_position == comparison.live_position == middle

    report = replay_as_of(demo.store, position=middle)
    assert (report.position, report.events) == (middle, middle)
    assert report.kpis == captured_kpis
    assert report.programs == captured_programs
    assert replay_as_of(demo.store).kpis != captured_kpis  # the quarter moved on after P


def test_as_of_an_instant_cuts_by_recorded_time(live: Live) -> None:
    start = datetime(2027, 1, 4, tzinfo=UTC)
    ticks = count()
    store = EventStore(live.engine, clock=lambda: start + timedelta(minutes=next(ticks)))
    generate(store, programs=3)
    head = store.head()[0]
    appends = next(ticks)  # one tick per append; each append holds one or more events
    assert position_at(store, start - timedelta(seconds=1)) == 0
    assert position_at(store, start + timedelta(days=1)) == head
    cut = position_at(store, start + timedelta(minutes=appends // 2, seconds=30))
    assert 0 < cut < head
    rows = list(store.read_all())
    assert rows[cut - 1].recorded_at <= start + timedelta(minutes=appends // 2, seconds=30)
    assert rows[cut].recorded_at > start + timedelta(minutes=appends // 2, seconds=30)

    by_instant = replay_as_of(store, instant=start + timedelta(minutes=appends // 2, seconds=30))
    by_position = replay_as_of(store, position=cut)
    assert by_instant.position == by_position.position == cut
    assert by_instant.programs == by_position.programs


def test_a_kept_as_of_replay_can_be_queried(demo: Database, tmp_path: Path) -> None:
    kept = tmp_path / "as-of.db"
    report = replay_as_of(demo.store, position=40, keep=kept)
    assert report.kept_at == str(kept)
    database = open_database(f"sqlite:///{kept}")
    try:
        assert database.projector.position() == 40
        assert queries.execution_report(database.engine) == report.kpis
    finally:
        database.close()
