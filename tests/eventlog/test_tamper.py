"""Tamper evidence: rows changed behind the store's back with plain SQL are found and located.

The database refuses these changes (migration 0005), so each test first gets the triggers out
of the way as an attacker with the owner's rights would (``support.tampering``): what is tested
here is that ``verify`` still finds what such an attacker did."""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import Engine, select, text, update

from eventlog import EventStore
from eventlog.schema import events
from eventlog.verify import ChainReport, verify_log
from tests.eventlog.support import new_event, swap_positions, tamper, tampering

EVENTS = 10


@pytest.fixture
def log(store: EventStore) -> EventStore:
    """Ten events over three interleaved streams: positions 1..10."""
    layout = ["a", "a", "b", "a", "c", "b", "b", "c", "a", "b"]
    for index, stream in enumerate(layout, start=1):
        store.append(
            f"program-{stream}",
            store.stream_version(f"program-{stream}"),
            [new_event(f"Type{index % 3}", {"amount": index * 100, "index": index})],
        )
    assert store.head()[0] == EVENTS
    return store


def _execute(engine: Engine, statement: Any, **params: Any) -> int:
    return tamper(engine, statement, **params)


def _problems(report: ChainReport) -> list[tuple[str, int]]:
    return [(p.kind, p.position) for p in report.problems]


def test_clean_log_verifies(log: EventStore) -> None:
    report = verify_log(log)
    assert report.ok, report.problems
    assert report.first_problem is None
    assert (report.checked, report.last_position) == (EVENTS, EVENTS)
    assert (report.last_position, report.last_hash) == log.head()


def test_altered_payload_is_located(log: EventStore, engine: Engine) -> None:
    # What someone with psql would type; the payload column is JSON on PostgreSQL.
    cast = "CAST(:payload AS JSON)" if engine.dialect.name == "postgresql" else ":payload"
    changed = _execute(
        engine,
        text(f"UPDATE events SET payload = {cast} WHERE position = :position"),
        payload=json.dumps({"amount": 9900, "index": 4}),
        position=4,
    )
    assert changed == 1

    report = verify_log(log)
    assert not report.ok
    assert report.first_problem is not None
    assert (report.first_problem.kind, report.first_problem.position) == ("altered", 4)
    assert _problems(report) == [("altered", 4)]


def test_altered_metadata_and_time_are_located(log: EventStore, engine: Engine) -> None:
    _execute(
        engine,
        update(events).where(events.c.position == 2).values(metadata={"actor": "mallory"}),
    )
    _execute(
        engine,
        update(events).where(events.c.position == 7).values(stream_id="program-z"),
    )
    report = verify_log(log)
    assert report.first_problem is not None
    assert (report.first_problem.kind, report.first_problem.position) == ("altered", 2)
    assert ("altered", 7) in _problems(report)


def test_deleted_middle_row_is_reported_missing(log: EventStore, engine: Engine) -> None:
    assert _execute(engine, text("DELETE FROM events WHERE position = :p"), p=5) == 1

    report = verify_log(log)
    assert report.first_problem is not None
    assert (report.first_problem.kind, report.first_problem.position) == ("missing", 5)
    assert "5" in report.first_problem.detail


def test_swapped_contents_are_detected(log: EventStore, engine: Engine) -> None:
    with tampering(engine) as conn:
        rows = {
            row.position: row
            for row in conn.execute(
                select(events.c.position, events.c.payload, events.c.event_type).where(
                    events.c.position.in_([3, 8])
                )
            )
        }
        for here, there in ((3, 8), (8, 3)):
            conn.execute(
                update(events)
                .where(events.c.position == here)
                .values(payload=rows[there].payload, event_type=rows[there].event_type)
            )

    report = verify_log(log)
    assert not report.ok
    assert report.first_problem is not None
    assert report.first_problem.position in {3, 8}
    assert {position for _, position in _problems(report)} <= {3, 8}


def test_swapped_positions_are_detected(log: EventStore, engine: Engine) -> None:
    swap_positions(engine, 3, 8)

    report = verify_log(log)
    assert not report.ok
    assert report.first_problem is not None
    assert report.first_problem.position in {3, 8}


def test_truncated_tail_is_detected(log: EventStore, engine: Engine) -> None:
    assert _execute(engine, text("DELETE FROM events WHERE position > :p"), p=7) == 3

    report = verify_log(log)
    assert report.first_problem is not None
    assert (report.first_problem.kind, report.first_problem.position) == ("truncated", 8)
    assert _problems(report) == [("truncated", 8)]
    assert report.last_position == 7


def test_appending_after_verification_keeps_the_chain(log: EventStore) -> None:
    log.append("program-a", log.stream_version("program-a"), [new_event()])
    report = verify_log(log)
    assert report.ok, report.problems
    assert report.checked == EVENTS + 1


def test_the_same_json_in_another_layout_still_verifies(log: EventStore, engine: Engine) -> None:
    """Verify hashes the stored text as it is only when that is the canonical encoding; text
    written by another encoder (spaces, other key order) is decoded and encoded canonically."""
    cast = "CAST(:payload AS JSON)" if engine.dialect.name == "postgresql" else ":payload"
    relaid = _execute(
        engine,
        text(f"UPDATE events SET payload = {cast} WHERE position = :position"),
        payload='{ "index": 4,  "amount": 400 }',
        position=4,
    )
    assert relaid == 1
    report = verify_log(log)
    assert report.ok, report.problems
    assert report.checked == EVENTS
