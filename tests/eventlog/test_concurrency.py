"""Concurrent writers and a tailing reader: no event is skipped, duplicated or reordered.

Eight writer threads each append to streams of their own and, in lock-step rounds, race for the
same stream with the version they all just read: exactly one wins each round, the others must get
``StreamVersionConflict``. Meanwhile a reader polls ``read_page(after, size)`` and must see every
committed event exactly once, at contiguous positions. The group commit lives in an EventStore
instance, so the variant with several stores (separate engines and pools) stands in for several
processes writing the same log.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from functools import partial
from uuid import UUID

import pytest

from eventlog import EventStore, RecordedEvent, StreamVersionConflict
from eventlog.verify import verify_log
from tests.eventlog.conftest import LogDatabase, StoreFactory
from tests.eventlog.support import new_event

WRITERS = 8
ROUNDS = 20
OWN_STREAMS = 3
PAGE_SIZE = 7
TIME_LIMIT = 120.0  # seconds; the whole run normally takes one or two


@pytest.mark.parametrize(
    ("instances", "staged"),
    [(1, False), (3, False), (3, True)],
    ids=["one-store", "three-stores", "three-stores-inbox"],
)
def test_writers_and_tailing_reader(
    make_store: StoreFactory, log_db: LogDatabase, instances: int, staged: bool
) -> None:
    """``staged``: on PostgreSQL every append goes through the inbox (as when processes write
    at once), so the sequencer's checks decide the race."""
    stores = [make_store(separate_engine=index > 0) for index in range(instances)]
    if staged:
        if log_db.backend != "postgresql":
            pytest.skip("the inbox is PostgreSQL's: SQLite has one writer at a time")
        for store in stores:
            store._group_commit = True
            store._shared_until = float("inf")
    reader_store = stores[-1]
    deadline = time.monotonic() + TIME_LIMIT
    barrier = threading.Barrier(WRITERS, timeout=TIME_LIMIT)
    lock = threading.Lock()
    committed: dict[UUID, tuple[int, str, int]] = {}  # event id -> position, stream, version
    refused: set[UUID] = set()
    wins: list[tuple[int, int]] = []  # (round, writer)
    conflicts: list[tuple[int, int, StreamVersionConflict]] = []
    errors: list[str] = []
    writers_done = threading.Event()
    seen: list[RecordedEvent] = []

    def remember(stream_id: str, first_position: int, version: int, ids: list[UUID]) -> None:
        first_version = version - len(ids) + 1
        with lock:
            for offset, event_id in enumerate(ids):
                committed[event_id] = (first_position + offset, stream_id, first_version + offset)

    def write(writer: int) -> None:
        store = stores[writer % instances]
        own_versions = [0] * OWN_STREAMS
        for round_no in range(ROUNDS):
            # Streams of its own: nobody else writes them, so never a conflict.
            slot = round_no % OWN_STREAMS
            stream_id = f"own-{writer}-{slot}"
            batch = [
                new_event("Own", {"writer": writer, "round": round_no, "i": i})
                for i in range(1 + (writer + round_no) % 3)
            ]
            result = store.append(stream_id, own_versions[slot], batch)
            own_versions[slot] = result.stream_version
            remember(
                stream_id, result.first_position, result.stream_version, [e.event_id for e in batch]
            )

            # The race: everyone reads the same version, then everyone appends at it.
            barrier.wait()
            version = store.stream_version("shared")
            barrier.wait()
            claim = new_event("Claimed", {"writer": writer, "round": round_no})
            try:
                result = store.append("shared", version, [claim])
            except StreamVersionConflict as exc:
                with lock:
                    conflicts.append((round_no, writer, exc))
                    refused.add(claim.event_id)
            else:
                remember("shared", result.first_position, result.stream_version, [claim.event_id])
                with lock:
                    wins.append((round_no, writer))

    def read() -> None:
        after = 0
        while True:
            finished = writers_done.is_set()  # read before the page: then an empty page is final
            page = reader_store.read_page(after, PAGE_SIZE)
            for event in page:
                if event.position != after + 1:
                    errors.append(f"reader expected position {after + 1}, got {event.position}")
                seen.append(event)
                after = event.position
            if not page:
                if finished:
                    return
                if time.monotonic() > deadline:
                    errors.append("reader ran out of time")
                    return
                time.sleep(0.001)

    def guarded(target: Callable[[], None], name: str) -> Callable[[], None]:
        def run() -> None:
            try:
                target()
            except BaseException as exc:
                errors.append(f"{name}: {exc!r}")
                barrier.abort()

        return run

    reader = threading.Thread(target=guarded(read, "reader"), name="reader")
    writers = [
        threading.Thread(target=guarded(partial(write, w), f"writer-{w}"), name=f"writer-{w}")
        for w in range(WRITERS)
    ]
    reader.start()
    for thread in writers:
        thread.start()
    for thread in writers:
        thread.join(max(0.0, deadline - time.monotonic()))
    writers_done.set()
    reader.join(max(0.0, deadline - time.monotonic()) + 5)
    assert not any(t.is_alive() for t in [*writers, reader]), "threads did not finish in time"
    assert errors == []

    # The race: one winner per round, every other writer refused with the versions it saw.
    assert sorted(r for r, _ in wins) == list(range(ROUNDS))
    assert len(conflicts) == ROUNDS * (WRITERS - 1)
    for round_no, _, conflict in conflicts:
        assert (conflict.stream_id, conflict.expected, conflict.actual) == (
            "shared",
            round_no,
            round_no + 1,
        )

    # The reader saw every committed event exactly once, in order, and nothing else.
    head_position, _ = reader_store.head()
    assert [e.position for e in seen] == list(range(1, head_position + 1))
    assert len({e.event_id for e in seen}) == len(seen) == len(committed)
    assert {e.event_id: (e.position, e.stream_id, e.stream_version) for e in seen} == committed
    assert refused.isdisjoint(e.event_id for e in seen)
    assert len(seen) >= 200

    # Each stream's versions run 1, 2, 3… in position order.
    versions: dict[str, list[int]] = {}
    for event in seen:
        versions.setdefault(event.stream_id, []).append(event.stream_version)
    assert all(v == list(range(1, len(v) + 1)) for v in versions.values())
    assert len(versions["shared"]) == ROUNDS
    assert len(versions) == 1 + WRITERS * OWN_STREAMS

    report = verify_log(reader_store)
    assert report.ok, report.problems
    assert report.checked == len(seen)


def test_every_store_sees_the_same_log(make_store: StoreFactory) -> None:
    """Stores on separate engines append alternately: one log, one chain, no gaps."""
    first, second = make_store(), make_store(separate_engine=True)
    positions = []
    for index in range(6):
        store: EventStore = (first, second)[index % 2]
        result = store.append("shared", index, [new_event(payload={"i": index})])
        positions.append(result.first_position)
    assert positions == [1, 2, 3, 4, 5, 6]
    assert list(first.read_all()) == list(second.read_all())
    assert verify_log(second).ok
