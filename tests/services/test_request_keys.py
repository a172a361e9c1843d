"""A keyed request's first answer, read back from the log after its program continued as new."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import uuid4

import pytest

from eventlog import NewEvent
from services import request_keys
from services.database import Database
from services.errors import Conflict
from services.request_keys import first_answer


def _event(event_type: str, metadata: dict[str, object]) -> NewEvent:
    return NewEvent(
        event_id=uuid4(),
        event_type=event_type,
        payload={},
        occurred_at=datetime.now(UTC),
        metadata={"actor": "spec.li", "role": "specialist", **metadata},
    )


def _proof(nonce: str) -> dict[str, object]:
    return {"proof": {"assertion": {"nonce": nonce}, "command": {}}}


def test_the_first_answer_is_found_pages_back_with_the_events_it_proves(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(request_keys, "PAGE", 7)  # several pages back
    store, stream = database.store, "program-keyed"
    store.append(stream, 0, [_event("ProgramPlanned", _proof("p" * 32))])
    first = _event("ProgramPublished", _proof("k" * 32))
    proved = _event("SessionScheduled", {"proved_by": str(first.event_id)})
    store.append(stream, 1, [first, proved])
    for n in range(40):  # later actions of others
        store.append(stream, 3 + n, [_event("TraineeEnrolled", _proof(f"{n:032x}"))])

    found = first_answer(database, "keyed", "spec.li", "k" * 32, datetime.now(UTC))

    assert [r.event_type for r in found] == ["ProgramPublished", "SessionScheduled"]
    assert [r.stream_version for r in found] == [2, 3]
    with pytest.raises(Conflict):  # the same nonce under another name is not this request
        first_answer(database, "keyed", "mgr.wang", "k" * 32, datetime.now(UTC))


def test_a_request_whose_first_try_recorded_nothing_is_said_decided(database: Database) -> None:
    database.store.append("program-bare", 0, [_event("ProgramPlanned", _proof("p" * 32))])

    with pytest.raises(Conflict) as said:
        first_answer(database, "bare", "spec.li", "k" * 32, datetime.now(UTC))
    assert said.value.key == "error.request_decided"
