"""The people's reads (inbox, program page) against the straightforward reads they replaced:
the same answer from one statement and one connection, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, select

from projections import queries
from projections.tables import inbox, programs, timeline
from services.database import Database

T0 = datetime(2026, 3, 2, 9, tzinfo=UTC)


def _task(task_id: str, person: str, program_id: str, due: int | None) -> dict[str, Any]:
    return {
        "task_id": task_id,
        "person": person,
        "relation": "assignee",
        "program_id": program_id,
        "step_id": "s1",
        "step_name": "Manager",
        "task_group": None,
        "owner": None,
        "title": f"Course {program_id}",
        "specialist": "spec",
        "department": "ops",
        "budget": "100",
        "planned_date": date(2026, 4, 1),
        "revision": 1,
        "trainees": 3,
        "sessions": 1,
        "requested_at": T0,
        "due_at": None if due is None else T0 + timedelta(days=due),
    }


def _event(position: int, program_id: str, event_type: str) -> dict[str, Any]:
    return {
        "position": position,
        "program_id": program_id,
        "stream_version": position,
        "occurred_at": T0 + timedelta(minutes=position),
        "event_type": event_type,
        "actor": f"actor{position}",
        "role": "approver",
        "summary": f"{event_type} at {position}",
        "message": None,
    }


def _seed(conn: Connection) -> None:
    conn.execute(
        inbox.insert(),
        [
            _task("t1", "boss", "p1", 3),
            _task("t2", "boss", "p1", 1),  # two tasks on one program share its decisions
            _task("t3", "boss", "p2", None),  # no decisions at all
            _task("t4", "other", "p1", 0),
            _task("t5", "boss", "p3", 2),
        ],
    )
    conn.execute(
        timeline.insert(),
        [
            _event(1, "p1", "ProgramSubmitted"),
            _event(2, "p1", "ApprovalGranted"),
            _event(3, "p3", "TaskDelegated"),
            _event(4, "p1", "ProgramPlanned"),
            _event(5, "p1", "ChangesRequested"),
            _event(6, "p2", "ProgramSubmitted"),
            _event(7, "p3", "ApprovalRejected"),
        ],
    )


def _inbox_as_before(db: Database, person: str, now: datetime) -> list[dict[str, Any]]:
    """The two-query inbox this replaced: the tasks, then each program's decisions."""
    with db.engine.connect() as conn:
        rows = [
            dict(r._mapping) for r in conn.execute(select(inbox).where(inbox.c.person == person))
        ]
        found: dict[str, list[dict[str, Any]]] = {}
        for r in conn.execute(
            select(timeline)
            .where(timeline.c.program_id.in_({row["program_id"] for row in rows}))
            .where(timeline.c.event_type.in_(queries.DECISION_EVENTS))
            .order_by(timeline.c.position)
        ):
            found.setdefault(r.program_id, []).append(
                {"at": r.occurred_at, "actor": r.actor, "event": r.event_type, "summary": r.summary}
            )
        zones = dict(conn.execute(select(programs.c.program_id, programs.c.timezone)).all())
    for row in rows:
        row["timezone"] = zones.get(row["program_id"])
        due = row["due_at"]
        row["overdue"] = due is not None and due < now
        row["due_soon"] = due is not None and now <= due < now + timedelta(days=1)
        row["decisions"] = found.get(row["program_id"], [])
    far = datetime.max.replace(tzinfo=UTC)
    return sorted(rows, key=lambda r: (r["due_at"] or far, r["requested_at"] or far, r["task_id"]))


def test_inbox_in_one_statement_equals_the_two_query_inbox(database: Database) -> None:
    with database.engine.begin() as conn:
        _seed(conn)
    now = T0 + timedelta(days=1, hours=12)
    mine = queries.approver_inbox(database.engine, "boss", now=now)
    assert mine == _inbox_as_before(database, "boss", now)
    assert [t["task_id"] for t in mine] == ["t2", "t5", "t1", "t3"]
    by_id = {t["task_id"]: t for t in mine}
    assert [d["event"] for d in by_id["t1"]["decisions"]] == ["ApprovalGranted", "ChangesRequested"]
    assert by_id["t2"]["decisions"] == by_id["t1"]["decisions"]
    assert by_id["t3"]["decisions"] == []
    assert [d["event"] for d in by_id["t5"]["decisions"]] == ["TaskDelegated", "ApprovalRejected"]
    assert queries.approver_inbox(database.engine, "nobody") == []


def _program_row(program_id: str) -> dict[str, Any]:
    """An ``rm_programs`` row (its ``state`` to be added)."""
    return {
        "program_id": program_id,
        "title": f"Course {program_id}",
        "specialist": "spec",
        "approvers": ["boss"],
        "status": "submitted",
        "timezone": "UTC",
        "planned_date": date(2026, 4, 1),
        "period": "2026-Q2",
        "revision": 1,
        "session_count": 1,
        "planned_trainees": 2,
        "enrolled": 2,
        "attended": 0,
        "approved": False,
        "executed": False,
        "executed_on": None,
        "on_time": False,
        "reminders_sent": 0,
        "last_position": 5,
        "updated_at": T0,
    }


def test_program_read_equals_its_three_separate_reads(database: Database) -> None:
    state = {"state": {"program_id": "p1", "enrolled": ["a", "b"], "timezone": "UTC"}}
    with database.engine.begin() as conn:
        _seed(conn)
        conn.execute(programs.insert(), [{**_program_row("p1"), "state": state}])
    read = queries.program_read(database.engine, "p1")
    assert read is not None
    assert read.summary == queries.program_summary(database.engine, "p1")
    assert "state" not in read.summary and read.summary["specialist"] == "spec"
    assert read.state == state["state"]
    assert read.timeline == queries.program_timeline(database.engine, "p1")
    assert [t["position"] for t in read.timeline] == [1, 2, 4, 5]
    assert queries.program_read(database.engine, "p9") is None
    assert queries.program_summary(database.engine, "p9") is None


def test_a_long_timeline_is_read_a_page_at_a_time(database: Database) -> None:
    """A program of 50,000 trainees has a timeline of 100,000 lines and more: a read takes the
    newest page and says where the older ones start; whether the viewer acted on the program is
    asked of the whole timeline, not the page."""
    lines = 2 * queries.TIMELINE_PAGE + 50
    state = {"state": {"program_id": "big", "timezone": "UTC"}}
    with database.engine.begin() as conn:
        _seed(conn)
        conn.execute(programs.insert(), [{**_program_row("big"), "state": state}])
        conn.execute(
            timeline.insert(), [_event(1000 + k, "big", "TraineeEnrolled") for k in range(lines)]
        )
    first = queries.program_read(database.engine, "big", viewer="actor1000")
    assert first is not None and first.actors == {"actor1000"}, "acted first, long ago"
    pages = [first.timeline]
    older = first.older
    while older is not None:
        page = queries.program_read(database.engine, "big", before=older)
        assert page is not None
        pages.insert(0, page.timeline)
        older = page.older
    assert [len(p) for p in pages] == [50, queries.TIMELINE_PAGE, queries.TIMELINE_PAGE]
    whole = [line for page in pages for line in page]
    assert whole == queries.program_timeline(database.engine, "big")
    assert [t["position"] for t in first.timeline][-1] == 1000 + lines - 1
    stranger = queries.program_read(database.engine, "big", viewer="nobody")
    assert stranger is not None and stranger.actors == frozenset()
    bare = queries.program_read(database.engine, "big", with_timeline=False)
    assert bare is not None and bare.timeline == [] and bare.state == state["state"]
