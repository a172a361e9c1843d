"""A projector nothing can wedge: a poisoned event is set aside and the rest project; a failed
rebuild leaves the old read models serving; quarantined events fold again after a fix."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import Connection, Table, select
from sqlalchemy.exc import OperationalError

from domain.events import event_payload
from domain.program import start
from eventlog import EventStore, NewEvent
from projections import queries
from projections.base import Batch
from projections.catalog import ALL_PROJECTIONS
from projections.programs import ProgramProjection
from projections.runner import DECODING, ProjectionRunner
from services.database import Database
from tests.projections.history import generate
from tests.projections.support import snapshot


def _append(store: EventStore, stream: str, event_type: str, payload: dict[str, Any]) -> int:
    result = store.append(
        stream,
        0,
        [
            NewEvent(
                event_id=uuid4(),
                event_type=event_type,
                payload=payload,
                occurred_at=datetime.now(UTC),
                metadata={"actor": "someone", "role": "specialist"},
            )
        ],
    )
    return result.last_position


def _plan_payload(program_id: str, title: str) -> dict[str, Any]:
    from tests.plans import one_session
    from tests.projections.history import T0

    plan = one_session(program_id, "placeholder", T0, ("e1",), actor="spec.li", approvers=())
    payload = event_payload(start(plan))
    payload["title"] = title  # what a writer without the edge checks could have recorded
    return payload


def test_a_poisoned_event_is_quarantined_and_later_events_project(backend_db: Database) -> None:
    db = backend_db
    generate(db.store, programs=3)
    undecodable = _append(db.store, "program-bad", "ProgramPlanned", {"nonsense": True})
    later = _append(db.store, "program-after", "ProgramPlanned", _plan_payload("after", "OK"))
    db.projector.catch_up()

    status = db.projector.status()
    assert status.position == status.head and status.lag == 0
    assert [(e.projection, e.position) for e in status.events] == [(DECODING, undecodable)]
    assert "ValidationError" in status.events[0].error
    assert queries.program_summary(db.engine, "after") is not None
    assert later == status.head

    # A rebuild goes through the same event the same way, and ends complete.
    assert db.projector.rebuild() == status.head
    again = db.projector.status()
    assert [(e.projection, e.position) for e in again.events] == [(DECODING, undecodable)]
    assert queries.program_summary(db.engine, "after") is not None


@pytest.mark.parametrize("backend_db", ["postgresql"], indirect=True)
def test_a_nul_character_the_database_refuses_is_quarantined(backend_db: Database) -> None:
    """PostgreSQL text cannot hold NUL: the program read model refuses the event, the
    evaluation read models fold it, the projector goes on."""
    db = backend_db
    poisoned = _append(db.store, "program-nul", "ProgramPlanned", _plan_payload("nul", "a\x00b"))
    _append(db.store, "program-fine", "ProgramPlanned", _plan_payload("fine", "Fine"))
    db.projector.catch_up()
    status = db.projector.status()
    assert status.lag == 0
    assert [(e.projection, e.position) for e in status.events] == [("programs", poisoned)]
    assert "\x00" not in status.events[0].error
    assert queries.program_summary(db.engine, "fine") is not None
    assert queries.program_summary(db.engine, "nul") is None


class Flaky:
    """A projection with a bug for one event type, until ``fixed``."""

    name = "flaky"
    tables: tuple[Table, ...] = ()

    def __init__(self) -> None:
        self.fixed = False
        self.folded: list[int] = []

    def apply_batch(self, conn: Connection, batch: Batch) -> None:
        for recorded, _ in batch:
            if recorded.event_type == "ProgramSubmitted" and not self.fixed:
                raise KeyError("a bug")
            self.folded.append(recorded.position)


def test_quarantined_events_fold_again_after_a_fix(backend_db: Database) -> None:
    db = backend_db
    generate(db.store, programs=4)
    flaky = Flaky()
    runner = ProjectionRunner(db.store, projections=(ProgramProjection(), flaky))
    runner.catch_up()
    stuck = runner.status()
    assert stuck.lag == 0 and stuck.quarantined > 0
    assert {e.projection for e in stuck.events} == {"flaky"}
    assert {e.event_type for e in stuck.events} == {"ProgramSubmitted"}
    assert runner.retry() == (0, stuck.quarantined)
    assert runner.status().events[0].attempts == 2

    flaky.fixed = True
    assert runner.retry() == (stuck.quarantined, 0)
    assert runner.status().quarantined == 0
    assert {e.position for e in stuck.events} <= set(flaky.folded)


class Unplugged(ProgramProjection):
    """The database goes away in the middle of a rebuild."""

    def __init__(self, after: int) -> None:
        self.left = after

    def apply_batch(self, conn: Connection, batch: Batch) -> None:
        self.left -= len(batch)
        if self.left < 0:
            raise OperationalError("INSERT", {}, Exception("server closed the connection"))
        super().apply_batch(conn, batch)


def test_a_failed_rebuild_leaves_the_old_read_models_serving(backend_db: Database) -> None:
    db = backend_db
    generate(db.store, programs=6)
    db.projector.catch_up()
    before = snapshot(db)
    position = db.projector.position()
    others = tuple(p for p in ALL_PROJECTIONS if p.name != "programs")
    broken = ProjectionRunner(db.store, batch_size=10, projections=(Unplugged(25), *others))
    with pytest.raises(OperationalError):
        broken.rebuild()
    assert snapshot(db) == before
    assert db.projector.position() == position
    with db.engine.connect() as conn:
        assert conn.execute(select(ProgramProjection.tables[0])).first() is not None
