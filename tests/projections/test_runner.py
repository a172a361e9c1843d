"""The checkpointed projector: interrupted runs, crashes and rebuilds end in the same state."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from projections import queries
from projections.programs import ProgramProjection
from projections.runner import ProjectionRunner
from services.database import Database, open_database
from tests.projections.history import generate
from tests.projections.support import snapshot


@pytest.fixture
def two_databases(tmp_path: Path) -> Iterator[tuple[Database, Database]]:
    first = open_database(f"sqlite:///{tmp_path / 'a.db'}")
    second = open_database(f"sqlite:///{tmp_path / 'b.db'}")
    generate(first.store)
    generate(second.store)
    yield first, second
    first.close()
    second.close()


def test_stopping_mid_stream_and_restarting_equals_one_uninterrupted_run(
    two_databases: tuple[Database, Database],
) -> None:
    interrupted, uninterrupted = two_databases
    uninterrupted.projector.catch_up()
    head = interrupted.store.head()[0]
    done = 0
    while done < head:  # a new runner (a restarted process) for every 17 events
        done += ProjectionRunner(interrupted.store, batch_size=5).catch_up(max_events=17)
    assert interrupted.projector.position() == head
    assert snapshot(interrupted) == snapshot(uninterrupted)
    assert snapshot(interrupted)["rm_programs"], "the fixture must produce read models"


def test_a_crash_inside_a_batch_neither_loses_nor_doubles_events(
    two_databases: tuple[Database, Database], monkeypatch: pytest.MonkeyPatch
) -> None:
    crashed, clean = two_databases
    clean.projector.catch_up()
    runner = ProjectionRunner(crashed.store, batch_size=20)
    runner.run_once()
    original = ProgramProjection._write_trainees  # the batch's last write

    def explode(conn: Any, net: Any, existing: Any) -> None:
        original(conn, net, existing)  # the writes happen, then the process dies before commit
        raise SystemExit("power cut")  # not an Exception: nothing may catch and quarantine it

    monkeypatch.setattr(ProgramProjection, "_write_trainees", staticmethod(explode))
    with pytest.raises(SystemExit):
        runner.run_once()
    assert runner.position() == 20
    monkeypatch.undo()
    ProjectionRunner(crashed.store).catch_up()
    assert snapshot(crashed) == snapshot(clean)


def test_rebuild_equals_incremental(two_databases: tuple[Database, Database]) -> None:
    db, _ = two_databases
    db.projector.catch_up()
    before = snapshot(db)
    assert db.projector.rebuild() == db.store.head()[0]
    assert snapshot(db) == before


def test_read_models_answer_what_people_ask(two_databases: tuple[Database, Database]) -> None:
    db, _ = two_databases
    db.projector.catch_up()
    statuses = {p["program_id"]: p["status"] for p in queries.list_programs(db.engine)}
    assert statuses["g03"] == "rejected" and statuses["g04"] == "cancelled"
    assert statuses["g00"] == "evaluating" and statuses["g11"] == "published"
    assert queries.approver_inbox(db.engine, "boss") == []
    timeline = queries.program_timeline(db.engine, "g03")
    assert [t["event_type"] for t in timeline] == [
        "ProgramPlanned",
        "ProgramSubmitted",
        "ApprovalStepStarted",
        "ApprovalRequested",
        "ApprovalRejected",
    ]
    assert timeline[-1]["actor"] == "boss"
    # spec0 owns g00, g03 (rejected), g06, g09 (cancelled) in Q1: 3 approved, 2 executed.
    # After the quarter, all three are due: 2 of 3 completed.
    after = date(2027, 12, 31)
    report = {(k.specialist, k.period): k for k in queries.execution_report(db.engine, as_of=after)}
    spec0 = report[("spec0", "2027-Q1")]
    assert (spec0.plan_completion.numerator, spec0.plan_completion.denominator) == (2, 3)
    assert (spec0.planned, spec0.due, spec0.completed, spec0.on_track) == (3, 3, 2, 0)
    # g09 was cancelled weeks before its planned date: from then on it is due and not
    # completed (it lowers plan completion), never on track; the day before, it was on track.
    g09 = next(o for o in queries.program_outcomes(db.engine) if o.program_id == "g09")
    assert g09.cancelled_on is not None and g09.cancelled_on < g09.planned_date
    for as_of, expected in (
        (g09.cancelled_on - timedelta(days=1), ((2, 2), 1, 0)),  # g00, g06 executed early
        (g09.cancelled_on, ((2, 3), 0, 1)),
        (g09.planned_date - timedelta(days=1), ((2, 3), 0, 3)),
    ):
        report = {
            (k.specialist, k.period): k for k in queries.execution_report(db.engine, as_of=as_of)
        }
        mid = report[("spec0", "2027-Q1")]
        rate = (mid.plan_completion.numerator, mid.plan_completion.denominator)
        assert (rate, mid.on_track, mid.due) == expected, as_of
    # Due exactly on the as-of date counts.
    on_the_day = queries.execution_report(db.engine, as_of=g09.planned_date, specialist="spec0")
    assert [
        (k.plan_completion.numerator, k.plan_completion.denominator)
        for k in on_the_day
        if k.period == "2027-Q1"
    ] == [(2, 3)]
    # Executed on planned date + (n % 2) days: g00 and g06 (even) are on time.
    assert spec0.on_time.numerator == 2
