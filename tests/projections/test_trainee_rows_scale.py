"""Publishing to many trainees projects in linear work: each enrolment touches its own row,
not every row of the program (which made a 50,000-trainee publish quadratic)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import event

from domain import commands as c
from domain.events import ProgramPublished, Session, TraineeEnrolled, event_payload, type_name
from domain.program import start
from eventlog import NewEvent
from projections import trainee_queries
from services.database import Database
from tests.projections.history import T0

TRAINEES = 300


def _new(kind: type[Any], payload: dict[str, Any]) -> NewEvent:
    return NewEvent(
        event_id=uuid4(),
        event_type=type_name(kind),
        payload=payload,
        occurred_at=datetime.now(UTC),
        metadata={"actor": "spec.li", "role": "specialist"},
    )


def test_each_enrolment_touches_one_row(backend_db: Database) -> None:
    db = backend_db
    people = tuple(f"emp.{n}" for n in range(TRAINEES))
    plan = c.PlanProgram(
        program_id="big",
        actor="spec.li",
        title="Everyone",
        planned_date=T0.date(),
        sessions=(Session(session_id="s1", starts_at=T0),),
        trainees=people,
    )
    events = [
        _new(type(start(plan)), event_payload(start(plan))),
        _new(ProgramPublished, event_payload(ProgramPublished())),
        *(_new(TraineeEnrolled, event_payload(TraineeEnrolled(trainee=p))) for p in people),
    ]
    db.store.append("program-big", 0, events)
    deleted = 0

    def count(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        nonlocal deleted
        if statement.lstrip().upper().startswith("DELETE FROM RM_TRAINEES"):
            deleted += max(cursor.rowcount, 0)

    event.listen(db.engine, "after_cursor_execute", count)
    try:
        db.projector.catch_up()
    finally:
        event.remove(db.engine, "after_cursor_execute", count)
    assert deleted <= 2 * TRAINEES  # was TRAINEES * TRAINEES: every row again per enrolment
    assert trainee_queries.program_ids_of(db.engine, "emp.299") == {"big"}
