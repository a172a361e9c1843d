"""Property: whatever appends, retries and stale appends happen, the log stays gap-free and sound.

Runs on SQLite only: a fresh database file per example (hypothesis cannot reuse a
function-scoped fixture across examples).
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from uuid import UUID

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from eventlog import DuplicateEventError, EventStore, NewEvent, StreamVersionConflict
from eventlog.engine import make_engine, migrate
from eventlog.verify import verify_log
from tests.eventlog.support import new_event

STREAMS = ["program-a", "program-b", "program-c"]

# ("append", stream, size): a new batch at the right version;
# ("retry", -, -): the previous successful batch sent again (must be a replay);
# ("stale", stream, size): a new batch at a version that is one behind (must conflict).
operations = st.lists(
    st.tuples(
        st.sampled_from(["append", "append", "append", "retry", "stale"]),
        st.integers(0, len(STREAMS) - 1),
        st.integers(1, 6),
    ),
    min_size=1,
    max_size=15,
)


@settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(ops=operations)
def test_positions_stay_contiguous_and_the_chain_verifies(
    ops: list[tuple[str, int, int]],
) -> None:
    with tempfile.TemporaryDirectory() as directory:
        engine = make_engine(f"sqlite:///{Path(directory) / 'events.db'}")
        try:
            migrate(engine)
            store = EventStore(engine)
            expected: list[tuple[UUID, str, int]] = []  # (event id, stream, version) by position
            versions = dict.fromkeys(STREAMS, 0)
            last: tuple[str, int, list[NewEvent], int] | None = None

            for kind, stream_index, size in ops:
                stream_id = STREAMS[stream_index]
                batch = [new_event(payload={"size": size, "i": i}) for i in range(size)]
                if kind == "retry" and last is not None:
                    retry_stream, retry_expected, retry_batch, first_position = last
                    result = store.append(retry_stream, retry_expected, retry_batch)
                    assert result.replayed
                    assert result.first_position == first_position
                elif kind == "stale" and versions[stream_id] > 0:
                    try:
                        store.append(stream_id, versions[stream_id] - 1, batch)
                    except StreamVersionConflict:
                        pass
                    else:
                        raise AssertionError("a stale append was accepted")
                else:
                    result = store.append(stream_id, versions[stream_id], batch)
                    assert not result.replayed
                    assert result.first_position == len(expected) + 1
                    last = (stream_id, versions[stream_id], batch, result.first_position)
                    for event in batch:
                        versions[stream_id] += 1
                        expected.append((event.event_id, stream_id, versions[stream_id]))
                    assert result.last_position == len(expected)
                    assert result.stream_version == versions[stream_id]

            if last is not None:  # a mixed batch is never half-written
                try:
                    store.append(last[0], versions[last[0]], [last[2][0], new_event()])
                except DuplicateEventError:
                    pass
                else:
                    raise AssertionError("a partly stored batch was accepted")

            stored = list(store.read_all(page_size=4))
            assert [e.position for e in stored] == list(range(1, len(expected) + 1))
            assert [(e.event_id, e.stream_id, e.stream_version) for e in stored] == expected
            assert store.head()[0] == len(expected)
            report = verify_log(store)
            assert report.ok, report.problems
            assert report.checked == len(expected)
        finally:
            engine.dispose()
