"""Appends through the inbox (PostgreSQL, when several processes write): each one is decided
as it would be alone, the chain verifies, and a schema from before the inbox upgrades to it."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import Engine, text

from eventlog import DuplicateEventError, EventStore, StreamVersionConflict
from eventlog.engine import migrate
from eventlog.verify import verify_log
from tests.eventlog.conftest import LogDatabase, StoreFactory
from tests.eventlog.support import new_event, new_events


@pytest.fixture
def staged(log_db: LogDatabase, make_store: StoreFactory) -> EventStore:
    """A store that appends through the inbox, as when other processes are writing."""
    if log_db.backend != "postgresql":
        pytest.skip("the inbox is PostgreSQL's: SQLite has one writer at a time")
    store = make_store(separate_engine=True)
    store._group_commit = True
    store._shared_until = float("inf")
    return store


def _inbox_rows(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM event_inbox")).scalar_one())


def test_staged_appends_are_decided_one_by_one(staged: EventStore) -> None:
    first = staged.append("program-1", 0, new_events(3))
    assert (first.first_position, first.last_position, first.stream_version) == (1, 3, 3)
    events = new_events(2)
    assert staged.append("program-2", 0, events).first_position == 4

    retry = staged.append("program-2", 0, events)  # the same append again: a no-op
    assert retry.replayed and (retry.first_position, retry.last_position) == (4, 5)
    with pytest.raises(StreamVersionConflict) as conflict:
        staged.append("program-1", 1, [new_event()])
    assert (conflict.value.expected, conflict.value.actual) == (1, 3)
    with pytest.raises(DuplicateEventError):
        staged.append("program-3", 0, [events[0], new_event()])  # one id is already stored

    assert [e.position for e in staged.read_all()] == [1, 2, 3, 4, 5]
    assert staged.head()[0] == 5
    assert _inbox_rows(staged.engine) == 0  # nothing left behind, refused ones included
    report = verify_log(staged)
    assert report.ok, report.problems


def test_concurrent_staged_appends_share_commits_and_keep_the_chain(
    make_store: StoreFactory, staged: EventStore
) -> None:
    stores = [staged] + [make_store(separate_engine=True) for _ in range(3)]
    for store in stores:
        store._group_commit = True
        store._shared_until = float("inf")
    errors: list[BaseException] = []

    def write(index: int) -> None:
        try:
            for version in range(15):
                stores[index].append(f"s-{index}", version, [new_event(payload={"v": version})])
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(i,)) for i in range(len(stores))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    events = list(staged.read_all())
    assert [e.position for e in events] == list(range(1, 61))
    for index in range(len(stores)):
        assert [e.stream_version for e in events if e.stream_id == f"s-{index}"] == list(
            range(1, 16)
        )
    assert _inbox_rows(staged.engine) == 0
    assert verify_log(staged).ok


def test_an_append_the_log_cannot_hold_never_goes_to_the_inbox(staged: EventStore) -> None:
    """A too-long event type would fail every writer's shared transaction: it takes the
    locking path and fails alone."""
    with pytest.raises(Exception, match=r"(?i)too long"):
        staged.append("program-1", 0, [new_event("X" * 101)])
    assert staged.append("program-1", 0, [new_event()]).first_position == 1


def test_upgrade_from_the_schema_before_the_inbox(log_db: LogDatabase, bare_engine: Engine) -> None:
    migrate(bare_engine, target="0005")
    before = EventStore(bare_engine)
    before.append("program-1", 0, new_events(3))
    migrate(bare_engine)
    store = EventStore(log_db.new_engine())
    if log_db.backend == "postgresql":
        assert _inbox_rows(bare_engine) == 0
        store._group_commit = True
        store._shared_until = float("inf")
    result = store.append("program-1", 3, new_events(2))
    assert (result.first_position, result.last_position) == (4, 5)
    report = verify_log(store)
    assert report.ok and report.checked == 5
