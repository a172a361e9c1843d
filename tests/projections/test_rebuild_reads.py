"""A rebuild reads the log its own way on PostgreSQL (one server-side cursor, the metadata's
actor and role only): its read models still equal those of the live projector, which reads
whole rows, whatever the metadata holds."""

from __future__ import annotations

import gc
from datetime import timedelta
from typing import Any
from uuid import uuid4

import pytest

from domain import commands as c
from domain.events import Session, TraineeEnrolled
from domain.program import start
from eventlog import NewEvent
from projections.runner import ProjectionRunner
from services.database import Database
from tests.projections.history import T0
from tests.projections.support import snapshot

#: Metadata as other writers may have left it: missing keys, a null, a number, nested values,
#: text that needs escaping in JSON.
ODD_METADATA: list[dict[str, Any]] = [
    {},
    {"actor": "spec.li"},
    {"role": "specialist"},
    {"actor": None, "role": "specialist"},
    {"actor": 7, "role": ["a", "b"]},
    {"actor": {"id": "x"}, "role": True},
    {"actor": 'quote " back \\ nl \n ü 培训', "role": "", "other": 1},
]


def planned(program_id: str, *trainees: str) -> NewEvent:
    """A program's first event, planned by spec.li with one session three days on."""
    plan = c.PlanProgram(
        program_id=program_id,
        actor="spec.li",
        title=f"Program {program_id}",
        planned_date=T0.date(),
        sessions=(Session(session_id="s1", starts_at=T0 + timedelta(days=3)),),
        trainees=trainees,
    )
    meta = {"actor": "spec.li", "role": "specialist"}
    return NewEvent.of(start(plan), event_id=uuid4(), occurred_at=T0, metadata=meta)


def test_a_rebuild_equals_the_live_projection_whatever_the_metadata(
    backend_db: Database,
) -> None:
    db = backend_db
    people = [f"emp.{n}" for n in range(len(ODD_METADATA))]
    events = [planned("odd", *people)]
    events += [
        NewEvent.of(
            TraineeEnrolled(trainee=person), event_id=uuid4(), occurred_at=T0, metadata=metadata
        )
        for person, metadata in zip(people, ODD_METADATA, strict=True)
    ]
    db.store.append("program-odd", 0, events)
    head = db.store.head()[0]
    assert ProjectionRunner(db.store, batch_size=3).catch_up() == head
    live = snapshot(db)
    assert len(live["rm_timeline"]) == len(events)
    for size in (head, 2):
        assert ProjectionRunner(db.store, rebuild_batch_size=size).rebuild() == head
        assert snapshot(db) == live, f"rebuilt in pages of {size}"


def test_a_rebuild_leaves_the_garbage_collector_as_it_found_it(backend_db: Database) -> None:
    """A rebuild sets everything alive before it aside from the collector (``gc.freeze``) and
    puts it back afterwards, also when it fails: a long-lived process keeps collecting it."""
    db = backend_db
    assert gc.get_freeze_count() == 0
    db.projector.rebuild()
    assert gc.get_freeze_count() == 0

    def failing(conn: Any, batch: Any, *rest: Any) -> None:
        assert gc.get_freeze_count() > 0  # set aside while folding
        raise RuntimeError("disk full")

    db.store.append("program-gc", 0, [planned("gc", "emp.1")])
    db.projector._fold = failing  # type: ignore[method-assign]
    with pytest.raises(RuntimeError, match="disk full"):
        db.projector.rebuild()
    assert gc.get_freeze_count() == 0
