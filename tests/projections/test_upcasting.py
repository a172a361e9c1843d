"""Schema evolution: a payload written in an older shape is upcast when read, by the domain and
by the projector, and the stored row is never rewritten (its hash still verifies)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from domain.events import UPCASTERS, ProgramPlanned, ReminderSent, load_event
from eventlog import NewEvent
from eventlog.verify import verify_log
from projections import queries
from services.database import Database
from tests.projections.test_quarantine import _plan_payload

#: How ReminderSent looked in "version 0": one recipient under another name, no notifications.
OLD_REMINDER = {
    "reminder_id": "s1:attend_session:20270101T090000Z",
    "kind": "attend_session",
    "session_id": "s1",
    "due_at": "2027-01-01T08:00:00+00:00",
    "recipient": "e1",
}


def _from_version_0(old: dict[str, Any]) -> dict[str, Any]:
    new = {k: v for k, v in old.items() if k != "recipient"}
    new["recipients"] = [old["recipient"]]
    new["notification_ids"] = []
    return new


@pytest.fixture
def upcaster(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(UPCASTERS, ("ReminderSent", 0), _from_version_0)


def test_an_old_payload_is_upcast_on_read(upcaster: None) -> None:
    event = load_event("ReminderSent", 0, OLD_REMINDER)
    assert isinstance(event, ReminderSent)
    assert event.recipients == ("e1",) and event.notification_ids == ()
    with pytest.raises(ValueError):  # without its upcaster, the old shape is refused
        load_event("ReminderSent", 1, OLD_REMINDER)


def test_the_projector_folds_an_upcast_event_and_the_log_keeps_the_old_bytes(
    upcaster: None, backend_db: Database
) -> None:
    db = backend_db
    stream = "program-old"
    db.store.append(
        stream,
        0,
        [
            NewEvent(
                event_id=uuid4(),
                event_type="ProgramPlanned",
                payload=_plan_payload("old", "Old shapes"),
                occurred_at=datetime.now(UTC),
                metadata={"actor": "spec.li", "role": "specialist"},
            ),
            NewEvent(
                event_id=uuid4(),
                event_type="ReminderSent",
                schema_version=0,
                payload=OLD_REMINDER,
                occurred_at=datetime.now(UTC),
                metadata={"actor": "system", "role": "system"},
            ),
        ],
    )
    db.projector.catch_up()
    assert db.projector.status().quarantined == 0
    timeline = queries.program_timeline(db.engine, "old")
    assert [t["event_type"] for t in timeline][-1] == "ReminderSent"
    assert "sent to 1" in timeline[-1]["summary"]
    stored = db.store.read_stream(stream)[-1]
    assert stored.schema_version == 0 and stored.payload == OLD_REMINDER  # never rewritten
    assert verify_log(db.store).ok
    assert isinstance(
        load_event("ProgramPlanned", 1, db.store.read_stream(stream)[0].payload), ProgramPlanned
    )
