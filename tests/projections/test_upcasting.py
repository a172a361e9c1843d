"""Schema evolution: a payload written in an older shape is upcast when read, by the domain, the
projector and the auditor's history, and the stored row is never rewritten (its hash still
verifies).

The upcaster is the real one: ``NotificationAttempted`` version 1 named the notification
``key``; version 2 calls it ``idempotency_key`` (``domain.system_events``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest

from audit.history import HistoryFilter, iter_history
from domain.event_base import UPCASTERS, event_payload, schema_version_of, upcasts
from domain.events import NotificationAttempted, load_event
from eventlog import NewEvent
from eventlog.verify import verify_log
from services.database import Database

#: A delivery attempt exactly as version 1 wrote it.
VERSION_1: dict[str, Any] = {
    "key": "program-p1:s1:attend_session:20270101T090000Z:e1",
    "program_id": "p1",
    "recipient": "e1",
    "channel": "email",
    "attempt": 2,
    "outcome": "failed",
    "error": "mailbox full",
}


def test_a_version_1_payload_reads_as_version_2() -> None:
    event = load_event("NotificationAttempted", 1, VERSION_1)
    assert isinstance(event, NotificationAttempted)
    assert event.idempotency_key == VERSION_1["key"]
    assert (event.recipient, event.attempt, event.outcome) == ("e1", 2, "failed")
    # What a new attempt writes is version 2, and reads back unchanged.
    assert schema_version_of(event) == 2
    assert load_event("NotificationAttempted", 2, event_payload(event)) == event


def test_an_attempt_the_old_outbox_labelled_version_1_in_the_new_shape_still_reads() -> None:
    """Until 0.4.0 the outbox wrote its attempts as version 1 with the version 2 payload: those
    rows stay in logs (never rewritten) and must keep reading."""
    mislabelled = {("idempotency_key" if k == "key" else k): v for k, v in VERSION_1.items()}
    event = load_event("NotificationAttempted", 1, mislabelled)
    assert isinstance(event, NotificationAttempted)
    assert event.idempotency_key == VERSION_1["key"]


def test_without_its_upcaster_the_old_shape_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(UPCASTERS, ("NotificationAttempted", 1))
    with pytest.raises(ValueError):
        load_event("NotificationAttempted", 1, VERSION_1)


def test_one_version_has_one_upcaster() -> None:
    with pytest.raises(ValueError, match="has an upcaster already"):
        upcasts("NotificationAttempted", 1)(dict)
    assert UPCASTERS[("NotificationAttempted", 1)] is not dict


def test_a_new_payload_in_the_old_shape_is_refused() -> None:
    """A version 2 payload must use the new name: the upcaster runs only for version 1."""
    with pytest.raises(ValueError):
        load_event("NotificationAttempted", 2, VERSION_1)


def test_the_projector_and_the_auditor_read_the_old_event_and_the_log_keeps_its_bytes(
    backend_db: Database,
) -> None:
    db = backend_db
    stream = "notification-old"
    db.store.append(
        stream,
        0,
        [
            NewEvent(
                event_id=uuid4(),
                event_type="NotificationAttempted",
                schema_version=1,
                payload=VERSION_1,
                occurred_at=datetime.now(UTC),
                metadata={"actor": "system", "role": "system"},
            )
        ],
    )
    db.projector.catch_up()
    assert db.projector.status().quarantined == 0  # read, not quarantined as undecodable
    (entry,) = iter_history(
        db.store, HistoryFilter(event_types=frozenset({"NotificationAttempted"}))
    )
    assert VERSION_1["key"] in entry.summary and "failed" in entry.summary
    stored = db.store.read_stream(stream)[-1]
    assert stored.schema_version == 1 and stored.payload == VERSION_1  # never rewritten
    assert verify_log(db.store).ok
