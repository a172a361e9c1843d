"""One-event appends chained by PostgreSQL (``eventlog.server_chain``): the hash the database
computes is byte-for-byte the one ``eventlog.hashing`` gives, so ``log verify`` checks it.

Runs on both backends: SQLite keeps the Python path, and both must give the same chain."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from eventlog import EventStore, hashing, server_chain
from eventlog.errors import DuplicateEventError, StreamVersionConflict
from eventlog.server_chain import split_canonical
from eventlog.verify import verify_log
from tests.eventlog.support import new_event

#: Payloads that make splitting the canonical bytes around the position easy to get wrong.
AWKWARD: list[dict[str, Any]] = [
    {"position": 0, "recorded_at": "2026-01-01T00:00:00.000000Z"},
    {"note": ',"position":0,"recorded_at":', "zh": "培训计划", "emoji": "🎓"},
    {"nested": {"position": 12345678901234, "list": [1, 2.5, None, True]}},
    {},
]


def test_split_around_the_position_gives_the_canonical_bytes() -> None:
    recorded = datetime(2026, 12, 4, 20, 0, 0, 123456, tzinfo=UTC)
    for payload in AWKWARD:
        event = new_event("Awkward", payload, metadata={"position": 0})
        prefix, suffix, _ = split_canonical("s-1", 3, event, recorded)
        row = hashing.chained_row(987654, "s-1", 3, event, recorded, hashing.GENESIS)
        assert prefix + b"987654" + suffix == hashing.canonical(row)


def test_chain_from_the_database_verifies(store: EventStore) -> None:
    for index, payload in enumerate(AWKWARD * 3):
        stream = f"awkward-{index % 2}"
        store.append(stream, store.stream_version(stream), [new_event("Awkward", payload)])
    report = verify_log(store)
    assert report.ok, report.problems
    assert report.checked == len(AWKWARD) * 3
    rows = list(store.read_all())
    previous = hashing.GENESIS
    for row in rows:
        assert row.hash == hashing.chain(previous, hashing.canonical(row._asdict()))
        previous = row.hash
    assert store.head() == (rows[-1].position, rows[-1].hash)


def test_refusals_write_nothing(store: EventStore) -> None:
    event = new_event("Once")
    store.append("refused", 0, [event])
    head = store.head()
    with pytest.raises(StreamVersionConflict):
        store.append("refused", 0, [new_event("Twice")])
    with pytest.raises((DuplicateEventError, StreamVersionConflict)):
        store.append("other", 0, [event])
    assert store.head() == head
    assert verify_log(store).ok


def test_an_append_answers_only_after_a_synchronous_write_behind_it(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The append commits without waiting for its WAL flush (the head's lock is not held through
    it); a synchronously committed write after it, in the same call, is what the caller waits
    for, so the event is on disk when ``append`` answers. Without it, a crash could lose an
    acknowledged event. One statement is sent: the call."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite commits its own way: no head lock, no asynchronous commit")
    sent: list[Any] = []
    execute, send = psycopg.Connection.execute, server_chain._exec

    def recorded(self: psycopg.Connection[Any], query: Any, *args: Any, **kwargs: Any) -> Any:
        sent.append(query)
        return execute(self, query, *args, **kwargs)

    def recorded_call(pgconn: Any, query: bytes, params: list[bytes]) -> Any:
        sent.append(query)
        return send(pgconn, query, params)

    monkeypatch.setattr(psycopg.Connection, "execute", recorded)
    monkeypatch.setattr(server_chain, "_exec", recorded_call)
    store.append("durable", 0, [new_event("Durable")])
    assert sent == [server_chain._CALL]
    assert [row.event_type for row in store.read_all()] == ["Durable"]
    with store.engine.connect() as conn:
        body = conn.exec_driver_sql(
            "SELECT prosrc FROM pg_proc WHERE proname = 'trainops_append_one'"
            " AND pronamespace = to_regnamespace(current_schema())"  # other tests' schemas too
        ).scalar_one()
    steps = [
        "set_config('synchronous_commit', 'off', true)",  # this transaction only
        "FOR UPDATE",
        "INSERT INTO events",
        "COMMIT;",
        "pg_logical_emit_message(true,",  # transactional: a commit record, flushed
    ]
    places = [body.find(step) for step in steps]
    assert -1 not in places and places == sorted(places), places


def _cut(store: EventStore) -> None:
    """Ends the server side of the connection ``store`` keeps for appending, as a server
    restart, a failover or an idle timeout would (PostgreSQL only: SQLite keeps none)."""
    kept = store._append_pg
    if kept is None:
        return
    with store.engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_terminate_backend({kept.info.backend_pid})")


def test_a_cut_connection_is_replaced_and_the_append_sent_again(store: EventStore) -> None:
    """Appends keep one connection (no pool check-out, no ping each time); one found cut is
    replaced and the append sent again, one event or several, losing and doubling nothing."""
    store.append("kept", 0, [new_event("First")])
    kept = store._append_pg
    _cut(store)
    store.append("kept", 1, [new_event("One")])  # one event: chained by the server
    _cut(store)
    store.append("kept", 2, [new_event("Two"), new_event("Three")])  # several: the known head
    if store.engine.dialect.name == "postgresql":
        assert kept is not None and kept.closed and store._append_pg is not kept
    assert [row.event_type for row in store.read_all()] == ["First", "One", "Two", "Three"]
    assert store.stream_version("kept") == 4
    assert verify_log(store).ok


def test_an_append_cut_after_it_landed_is_stored_once(
    store: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The answer lost after the commit: sent again, the append finds its event id stored
    and is answered as the retry it is, with the same position, never a second row."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite appends in-process: there is no answer to lose")
    store.append("lost", 0, [new_event("Before")])
    append_one = server_chain.append_one
    calls: list[int] = []

    def landed_then_cut(pg: psycopg.Connection[Any], *args: Any) -> Any:
        calls.append(1)
        written = append_one(pg, *args)
        if len(calls) == 1:
            pg.close()
            raise psycopg.OperationalError("the connection was cut before the answer")
        return written

    monkeypatch.setattr(server_chain, "append_one", landed_then_cut)
    result = store.append("lost", 1, [new_event("Landed")])
    assert len(calls) == 2 and result.replayed
    assert [row.event_type for row in store.read_all()] == ["Before", "Landed"]
    assert (result.first_position, store.stream_version("lost")) == (2, 2)
    assert verify_log(store).ok


@pytest.mark.parametrize("stream, event_type", [("nul\x00after", "Fine"), ("fine", "Nul\x00")])
def test_a_nul_in_a_stream_or_type_is_refused_not_cut_short(
    store: EventStore, stream: str, event_type: str
) -> None:
    """libpq reads a text parameter up to its first NUL: sent as it is, ``nul\\x00after`` would
    land in stream ``nul``. PostgreSQL's text holds no NUL, so the append is refused whole."""
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's text may hold NUL: nothing is cut short there")
    store.append("fine", 0, [new_event("Before")])
    head = store.head()
    with pytest.raises(psycopg.DataError):
        store.append(stream, 0, [new_event(event_type)])
    assert store.head() == head
    assert store.stream_version("nul") == 0
    assert verify_log(store).ok
