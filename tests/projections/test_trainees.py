"""Who each program is for, per trainee: named on the plan (a revision may drop someone),
enrolled once it is published, one row per person however the log is cut into batches."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count
from typing import Any

from domain import commands as c
from domain.events import Session
from domain.program import ProgramState, decide, evolve, fold, role_for, start
from projections import trainee_queries
from services.database import Database
from tests.projections.history import _append

T0 = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)


class Script:
    """One program's commands decided by the real rules and appended to the log."""

    def __init__(self, db: Database, plan: c.PlanProgram) -> None:
        self.db, self.ids, self.tasks = db, count(1), count(1)
        first = start(plan)
        self.version = _append(
            db.store, plan.program_id, 0, [first], plan.actor, "specialist", T0, self.ids
        )
        self.state: ProgramState = evolve(None, first)

    def act(self, *commands: Any) -> None:
        for command in commands:
            decided = decide(self.state, command, T0, lambda: f"task-{next(self.tasks)}")
            self.version = _append(
                self.db.store,
                self.state.program_id,
                self.version,
                decided,
                command.actor,
                role_for(command),
                T0,
                self.ids,
            )
            self.state = fold(decided, self.state) or self.state


def mine(db: Database, person: str) -> dict[str, bool]:
    db.projector.catch_up()
    return {
        e.summary["program_id"]: e.enrolled
        for e in trainee_queries.enrolments(db.engine, person, enrolled_only=False)
    }


def test_named_then_enrolled_and_dropped_by_a_revision(database: Database) -> None:
    sessions = (Session(session_id="s1", starts_at=T0 + timedelta(days=10)),)
    plan = c.PlanProgram(
        program_id="p1",
        actor="spec",
        approvers=("boss",),
        title="Safety",
        planned_date=date(2027, 3, 20),
        sessions=sessions,
        trainees=("a", "b"),
    )
    script = Script(database, plan)
    assert mine(database, "a") == {"p1": False} and mine(database, "b") == {"p1": False}

    script.act(
        c.ReviseProgram(
            actor="spec",
            title="Safety",
            planned_date=plan.planned_date,
            sessions=sessions,
            trainees=("a", "c"),
        )
    )
    assert mine(database, "b") == {}  # dropped from the plan: no longer theirs
    assert trainee_queries.program_ids_of(database.engine, "c") == set()  # named, unpublished
    assert trainee_queries.enrolments(database.engine, "a") == []  # named, not enrolled yet

    script.act(
        c.SubmitProgram(actor="spec"),
        c.ApproveProgram(actor="boss"),
        c.PublishProgram(actor="spec"),
        c.EnrollTrainee(actor="spec", trainee="d"),
    )
    assert mine(database, "a") == {"p1": True} and mine(database, "d") == {"p1": True}
    assert trainee_queries.program_ids_of(database.engine, "c") == {"p1"}  # enrolled: theirs
    [enrolment] = trainee_queries.enrolments(database.engine, "c", "p1")
    assert enrolment.state.status.value == "published" and enrolment.summary["title"] == "Safety"
    assert trainee_queries.enrolments(database.engine, "c", "p2") == []
