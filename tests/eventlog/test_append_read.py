"""Appending and reading: order, round-trips, optimistic concurrency, idempotency, paging."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise

import pytest
from sqlalchemy import Engine, select

from eventlog import (
    DuplicateEventError,
    EventLogError,
    EventStore,
    NewEvent,
    RecordedEvent,
    StreamVersionConflict,
)
from eventlog.fast_append import BULK_THRESHOLD
from eventlog.schema import log_head
from eventlog.verify import verify_log
from tests.eventlog.conftest import StoreFactory
from tests.eventlog.support import exact_json, new_event, new_events, row_count

RECORDED_AT = datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC)


def _assert_matches(recorded: RecordedEvent, sent: NewEvent) -> None:
    assert recorded.event_id == sent.event_id
    assert recorded.event_type == sent.event_type
    assert recorded.schema_version == sent.schema_version
    assert exact_json(recorded.payload) == exact_json(sent.payload)
    assert exact_json(recorded.metadata) == exact_json(sent.metadata)
    assert recorded.occurred_at == sent.occurred_at
    assert recorded.occurred_at.utcoffset() == timedelta(0)
    assert recorded.occurred_at.microsecond == sent.occurred_at.microsecond
    assert recorded.recorded_at == RECORDED_AT
    assert recorded.recorded_at.utcoffset() == timedelta(0)


# ---------------------------------------------------------------- 1. append and read back


def test_append_to_new_stream_and_read_back_exactly(make_store: StoreFactory) -> None:
    store = make_store(clock=lambda: RECORDED_AT)
    india = timezone(timedelta(hours=5, minutes=30))
    first = [
        new_event(
            "ProgramPlanned",
            {
                "title": "GDPR basics",
                "seats": 12,
                "mandatory": True,
                "score": 2.5,
                "tags": ["legal", "eu"],
                "notes": None,
                "nested": {"z": 1, "a": [1, 1.0, {"deep": False}]},
            },
            occurred_at=datetime(2024, 1, 1, 0, 0, 0, 1, tzinfo=UTC),
            metadata={
                "actor": "spec.li",
                "role": "specialist",
                "workflow_id": "program-7",
                "run_id": "4f1c1a52-7f43-4bd5-9a55-6a4cba1f0e11",
                "activity_id": "3",
            },
        ),
        new_event(
            "ProgramApproved",
            {"by": "Zoë Ñúñez — “manager” 🚆 上海", "empty": {}, "list": []},
            occurred_at=datetime(2024, 6, 30, 12, 0, 0, 123456, tzinfo=india),
            metadata={},
            schema_version=2,
        ),
        new_event(
            "SessionHeld",
            {},
            occurred_at=datetime(1999, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
        ),
    ]
    result = store.append("program-7", 0, first)
    assert (result.stream_id, result.stream_version) == ("program-7", 3)
    assert (result.first_position, result.last_position, result.replayed) == (1, 3, False)

    other = new_events(2)
    result = store.append("program-8", 0, other)
    assert (result.first_position, result.last_position, result.stream_version) == (4, 5, 2)

    stream = store.read_stream("program-7")
    assert [e.position for e in stream] == [1, 2, 3]
    assert [e.stream_version for e in stream] == [1, 2, 3]
    assert {e.stream_id for e in stream} == {"program-7"}
    for recorded, sent in zip(stream, first, strict=True):
        _assert_matches(recorded, sent)
    assert stream[1].occurred_at == datetime(2024, 6, 30, 6, 30, 0, 123456, tzinfo=UTC)

    assert [e.stream_version for e in store.read_stream("program-7", after_version=1)] == [2, 3]
    assert store.read_stream("program-7", after_version=3) == []
    assert store.read_stream("no-such-stream") == []

    everything = list(store.read_all())
    assert [e.position for e in everything] == [1, 2, 3, 4, 5]
    assert [(e.stream_id, e.stream_version) for e in everything[3:]] == [
        ("program-8", 1),
        ("program-8", 2),
    ]
    for recorded, sent in zip(everything, first + other, strict=True):
        _assert_matches(recorded, sent)
    assert everything[:3] == stream

    assert store.head() == (5, everything[-1].hash)
    assert everything[0].prev_hash == "0" * 64
    assert all(b.prev_hash == a.hash for a, b in pairwise(everything))
    assert store.stream_version("program-7") == 3
    assert store.stream_version("program-8") == 2
    assert store.stream_version("no-such-stream") == 0
    assert verify_log(store).ok


def test_refuses_malformed_appends_and_writes_nothing(store: EventStore, engine: Engine) -> None:
    with pytest.raises(EventLogError, match="at least one event"):
        store.append("s", 0, [])
    with pytest.raises(EventLogError, match="expected_version"):
        store.append("s", -1, new_events(1))
    twice = new_event()
    with pytest.raises(DuplicateEventError, match="twice"):
        store.append("s", 0, [twice, twice])
    naive = new_event(occurred_at=datetime(2024, 1, 1, 12, 0))
    with pytest.raises(EventLogError, match="timezone"):
        store.append("s", 0, [naive])
    assert row_count(engine) == 0
    assert store.head() == (0, "0" * 64)


# ---------------------------------------------------------------- 2. version conflicts


def test_version_conflict_is_clear_and_writes_nothing(store: EventStore, engine: Engine) -> None:
    store.append("program-1", 0, new_events(2))
    store.append("program-2", 0, new_events(1))
    head_before = store.head()

    losers = new_events(2)
    for expected in (0, 1, 5):
        with pytest.raises(StreamVersionConflict) as caught:
            store.append("program-1", expected, losers)
        conflict = caught.value
        assert (conflict.stream_id, conflict.expected, conflict.actual) == (
            "program-1",
            expected,
            2,
        )
        message = str(conflict)
        assert "'program-1'" in message
        assert "version 2" in message
        assert f"expected {expected}" in message
        assert "another writer" in message

    with pytest.raises(StreamVersionConflict) as caught:
        store.append("brand-new", 1, new_events(1))
    assert (caught.value.expected, caught.value.actual) == (1, 0)

    assert store.head() == head_before
    assert row_count(engine) == 3
    assert store.stream_version("program-1") == 2
    assert store.stream_version("brand-new") == 0

    # No gap: the next append takes the very next position; the refused ids were never stored,
    # so the same events can now be appended for real (not a replay).
    result = store.append("program-1", 2, losers)
    assert (result.first_position, result.last_position, result.stream_version) == (4, 5, 4)
    assert result.replayed is False
    assert [e.position for e in store.read_all()] == [1, 2, 3, 4, 5]
    assert verify_log(store).ok


# ---------------------------------------------------------------- 3. idempotent retries


def test_retry_with_same_event_ids_is_a_replay(store: EventStore, engine: Engine) -> None:
    batch = new_events(3)
    original = store.append("program-1", 0, batch)
    store.append("program-2", 0, new_events(2))
    head_before = store.head()

    retry = store.append("program-1", 0, batch)
    assert retry.replayed is True
    assert (retry.stream_id, retry.stream_version) == ("program-1", 3)
    assert (retry.first_position, retry.last_position) == (
        original.first_position,
        original.last_position,
    )
    assert store.head() == head_before
    assert row_count(engine) == 5

    # Still a replay once the stream has moved on, and still the original positions.
    store.append("program-1", 3, new_events(1))
    again = store.append("program-1", 0, batch)
    assert (again.replayed, again.stream_version) == (True, 3)
    assert (again.first_position, again.last_position) == (1, 3)
    assert row_count(engine) == 6
    assert verify_log(store).ok


def test_partly_stored_batch_is_refused_and_writes_nothing(
    store: EventStore, engine: Engine
) -> None:
    batch = new_events(3)
    store.append("program-1", 0, batch)
    head_before = store.head()
    fresh = new_events(2)

    # Stale expected version (the stream is at 3) and at the current version (3): both refused.
    for expected in (0, 3):
        with pytest.raises(DuplicateEventError, match="2 of 4 event ids"):
            store.append("program-1", expected, [batch[0], fresh[0], batch[2], fresh[1]])
    # The same events sent to another stream are not a retry either.
    with pytest.raises(DuplicateEventError):
        store.append("program-9", 0, batch)

    assert store.head() == head_before
    assert row_count(engine) == 3
    assert store.stream_version("program-9") == 0
    result = store.append("program-1", 3, fresh)
    assert (result.first_position, result.replayed) == (4, False)
    assert verify_log(store).ok


# ------------------------------------------- group commit: a refused append fails on its own


def _wait_until(condition: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.002)


def _bad_append(store: EventStore, kind: str) -> tuple[str, int, list[NewEvent]]:
    if kind == "partial-duplicate":
        stored = new_events(2)
        store.append("program-dup", 0, stored)
        return "program-dup", 0, [stored[0], new_event()]
    if kind == "version-conflict":
        store.append("program-taken", 0, new_events(1))
        return "program-taken", 0, new_events(1)
    assert kind == "unencodable-payload"
    return "program-bad", 0, [new_event(payload={"when": object()})]


@pytest.mark.parametrize("kind", ["version-conflict", "partial-duplicate", "unencodable-payload"])
def test_refused_append_in_a_group_commit_fails_alone(
    store: EventStore, engine: Engine, kind: str
) -> None:
    """The store groups appends that queue up behind a busy writer into one transaction: a
    refused append must get its own error while the others of its group are committed."""
    bad_stream, bad_expected, bad_events = _bad_append(store, kind)
    rows_before = row_count(engine)
    outcomes: dict[str, object] = {}

    def run(name: str, stream_id: str, expected: int, events: list[NewEvent]) -> None:
        try:
            outcomes[name] = store.append(stream_id, expected, events)
        except BaseException as exc:
            outcomes[name] = exc

    good = new_events(2)
    with engine.connect() as blocker:
        # Take the log's write lock, so that the next writer leads a batch and waits in it.
        blocker.begin()
        blocker.execute(select(log_head.c.position).with_for_update()).all()
        threads = [threading.Thread(target=run, args=("leader", "program-a", 0, new_events(1)))]
        threads[0].start()
        _wait_until(lambda: store._leading and not store._queue, "the leader holds its batch")
        threads.append(threading.Thread(target=run, args=("good", "program-b", 0, good)))
        threads[1].start()
        _wait_until(lambda: len(store._queue) == 1, "the good append queues")
        threads.append(
            threading.Thread(target=run, args=("bad", bad_stream, bad_expected, bad_events))
        )
        threads[2].start()
        _wait_until(lambda: len(store._queue) == 2, "the bad append queues")
        blocker.rollback()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()

    assert not isinstance(outcomes["leader"], BaseException), outcomes["leader"]
    assert not isinstance(outcomes["good"], BaseException), outcomes["good"]
    assert isinstance(outcomes["bad"], (EventLogError, TypeError, ValueError)), outcomes["bad"]
    assert [e.event_id for e in store.read_stream("program-b")] == [e.event_id for e in good]
    stored_ids = {e.event_id for e in store.read_all()}
    already_stored = bad_events[:1] if kind == "partial-duplicate" else []
    assert [e for e in bad_events if e.event_id in stored_ids] == already_stored
    assert row_count(engine) == rows_before + 3
    report = verify_log(store)
    assert report.ok, report.problems


# ---------------------------------------------------------------- 7. read_all paging


@pytest.mark.parametrize(
    ("after", "limit", "page_size", "expected"),
    [
        (0, None, 5, range(1, 24)),
        (0, None, 1, range(1, 24)),
        (0, None, 23, range(1, 24)),
        (0, None, 2000, range(1, 24)),
        (0, 7, 3, range(1, 8)),
        (0, 6, 3, range(1, 7)),
        (0, 23, 4, range(1, 24)),
        (0, 100, 4, range(1, 24)),
        (10, None, 4, range(11, 24)),
        (10, 5, 2, range(11, 16)),
        (22, None, 5, range(23, 24)),
        (23, None, 5, range(0)),
        (0, 0, 5, range(0)),
    ],
)
def test_read_all_pages_return_everything_once(
    store: EventStore,
    after: int,
    limit: int | None,
    page_size: int,
    expected: range,
) -> None:
    sent: list[NewEvent] = []
    for stream, count in [("a", 4), ("b", 1), ("c", 7), ("a", 3), ("b", 8)]:
        batch = new_events(count)
        store.append(stream, store.stream_version(stream), batch)
        sent.extend(batch)
    assert store.head()[0] == 23

    got = list(store.read_all(after, limit=limit, page_size=page_size))
    assert [e.position for e in got] == list(expected)
    assert [e.event_id for e in got] == [sent[p - 1].event_id for p in expected]


# ------------------------------------------------------ numbers in payloads round-trip exactly


@pytest.mark.parametrize(
    "value",
    [0.1 + 0.2, 1e-7, 1.0, 2**70, -(2**63), 1e16, 1.5e300, -0.0],
    ids=repr,
)
def test_numbers_round_trip_and_verify(store: EventStore, value: float) -> None:
    """The log keeps JSON text as written (json, not jsonb), so hashes verify after a read."""
    sent = new_event(payload={"value": value, "list": [value]}, metadata={"value": value})
    store.append("numbers", 0, [sent])
    [recorded] = store.read_stream("numbers")
    assert exact_json(recorded.payload) == exact_json(sent.payload)
    assert exact_json(recorded.metadata) == exact_json(sent.metadata)
    report = verify_log(store)
    assert report.ok, report.problems


def test_a_partial_duplicate_after_several_appends_is_refused_and_writes_nothing(
    store: EventStore, engine: Engine
) -> None:
    """Once a store knows the head it appends optimistically; a stored event id must still be
    refused clearly, and the store must go on appending afterwards."""
    first = new_event()
    store.append("known", 0, [first])
    store.append("known", 1, new_events(2))
    before = store.head()
    with pytest.raises(DuplicateEventError):
        store.append("other", 0, [first, new_event()])
    assert store.head() == before and row_count(engine) == 3
    assert store.append("known", 0, [first]).replayed
    assert store.append("known", 3, [new_event()]).first_position == 4
    assert verify_log(store).ok


def test_bulk_appends_keep_every_rule(make_store: StoreFactory, engine: Engine) -> None:
    """Batches from ``BULK_THRESHOLD`` rows take PostgreSQL's array path, chained onto the head
    the store last wrote: conflicts, retries, partial duplicates and a head moved by another
    store must behave as for small batches, each one tried right after a successful append."""
    store, other = make_store(), make_store(separate_engine=True)
    size = BULK_THRESHOLD + 5
    first = new_events(size)
    store.append("bulk", 0, first)
    refusals: list[tuple[str, int, list[NewEvent], type[Exception]]] = [
        ("bulk", size + 5, new_events(size), StreamVersionConflict),  # ahead of the stream
        ("bulk", 1, new_events(size), StreamVersionConflict),  # behind it
        ("elsewhere", 0, [first[3], *new_events(size - 1)], DuplicateEventError),
    ]
    for number, (stream_id, expected, batch, refusal) in enumerate(refusals):
        store.append(f"ok-{number}", 0, [new_event()])
        before = store.head()
        with pytest.raises(refusal):
            store.append(stream_id, expected, batch)
        assert store.head() == before and row_count(engine) == size + number + 1
    store.append("ok-retry", 0, [new_event()])
    assert store.append("bulk", 0, first).replayed

    other.append("moved", 0, new_events(size))  # the head this store knows is now stale
    result = store.append("bulk", size, new_events(size))
    assert (result.first_position, result.stream_version) == (2 * size + 5, 2 * size)
    assert [e.position for e in store.read_all()] == list(range(1, 3 * size + 5))
    assert verify_log(store).ok
