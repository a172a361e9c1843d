"""The program page's diagrams read the log and the state as they are: the lifecycle's planned
and actual instants (late as the domain decided), and where the program stands on its route."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from api.pages.charts import lifecycle_chart
from domain.streams import program_stream
from eventlog.records import NewEvent, RecordedEvent
from services.approval_route import route_steps
from services.database import Database
from services.lifecycle import milestones, program_milestones

T0 = datetime(2027, 3, 1, 9, tzinfo=UTC)
ZONE = ZoneInfo("Asia/Shanghai")


def event(n: int, event_type: str, at: datetime, **payload: Any) -> RecordedEvent:
    return RecordedEvent(
        n, "program-p", n, uuid.uuid4(), event_type, 1, payload, {}, at, at, "", ""
    )


STATE: dict[str, Any] = {
    "planned_date": "2027-03-10",
    "sessions": {
        "s2": {"session_id": "s2", "starts_at": (T0 + timedelta(days=6)).isoformat()},
        "s1": {
            "session_id": "s1",
            "starts_at": (T0 + timedelta(days=5)).isoformat(),
            "duration_hours": 3,
        },
    },
    "evaluation_closes_at": (T0 + timedelta(days=20)).isoformat(),
}


def test_milestones_pair_each_plan_with_what_happened() -> None:
    log = [
        event(1, "ProgramPlanned", T0),
        event(2, "ProgramSubmitted", T0 + timedelta(hours=1)),
        event(3, "ProgramApproved", T0 + timedelta(days=1)),
        event(4, "SessionCompleted", T0 + timedelta(days=5, hours=4), session_id="s1"),
        event(5, "SessionCompleted", T0 + timedelta(days=9), session_id="s2", late_entered=True),
        event(6, "ProgramExecuted", T0 + timedelta(days=12), on_time=False),
    ]
    found = {(m.key, m.subject): m for m in milestones(STATE, log, ZONE)}
    assert [k for k, _ in found][:3] == ["planned", "submitted", "approved"]
    assert ("published", "") not in found, "not published yet: no milestone invented"
    s1, s2 = found[("session", "s1")], found[("session", "s2")]
    assert s1.planned_start == T0 + timedelta(days=5)
    assert s1.planned_end == T0 + timedelta(days=5, hours=3)
    assert (s1.late, s2.late) == (False, True)
    executed = found[("executed", "")]
    assert executed.late is True, "late as ProgramExecuted.on_time says"
    assert executed.planned_start == datetime(2027, 3, 10, 23, 59, tzinfo=ZONE)
    evaluated = found[("evaluated", "")]
    assert evaluated.actual is None and evaluated.planned_start == T0 + timedelta(days=20)
    chart = lifecycle_chart(list(found.values()), ZONE, T0 + timedelta(days=13))
    assert chart is not None
    states = {r.milestone.key + r.milestone.subject: r.state for r in chart.rows}
    assert states["sessions1"] == "ontime" and states["sessions2"] == "late"
    assert states["evaluated"] == "planned" and states["planned"] == "done"
    xs = [r.actual_x for r in chart.rows if r.actual_x is not None]
    assert all(10 <= x <= chart.width - 10 for x in xs), "every mark inside the drawing"


def test_no_chart_without_a_single_instant() -> None:
    assert lifecycle_chart([], ZONE, T0) is None


ROUTE = {
    "policy": "default",
    "steps": [
        {"step_id": "a", "name": "Manager", "candidates": ["mgr.wang"], "quorum": 1},
        {
            "step_id": "b",
            "name": "Finance",
            "candidates": [],
            "group": "finance",
            "quorum": 2,
            "sla_working_days": 2,
            "escalate_to": "cfo",
        },
        {"step_id": "c", "name": "HR", "candidates": ["hr.zhao"]},
    ],
}


def test_the_route_says_where_the_program_stands() -> None:
    deciding = route_steps(
        {"route": ROUTE, "status": "submitted", "step_index": 1, "step_approvals": {"b": ["f.1"]}}
    )
    assert [s.state for s in deciding] == ["done", "current", "waiting"]
    assert deciding[1].deciders == ("finance",) and deciding[1].approvals == ("f.1",)
    assert deciding[1].sla_working_days == 2 and deciding[1].escalate_to == "cfo"
    rejected = route_steps({"route": ROUTE, "status": "rejected", "step_index": 2})
    assert [s.state for s in rejected] == ["done", "done", "rejected"]
    approved = route_steps({"route": ROUTE, "status": "published", "step_index": 2})
    assert {s.state for s in approved} == {"done"}
    assert route_steps({"status": "draft"}) == [], "no route before it is submitted"


def test_the_step_being_decided_names_who_holds_it_now() -> None:
    """Issue 16: after a reassignment the diagram still named the policy's candidate."""
    tasks = {
        "t1": {"task_id": "t1", "step_id": "a", "assignee": "mgr.li"},  # reassigned from wang
        "t0": {"task_id": "t0", "step_id": "c", "assignee": "hr.zhao"},  # another step's
    }
    deciding = route_steps({"route": ROUTE, "status": "submitted", "step_index": 0, "tasks": tasks})
    assert deciding[0].deciders == ("mgr.li",)
    assert deciding[2].deciders == ("hr.zhao",)  # a step still to come keeps its candidates
    group = {"t2": {"task_id": "t2", "step_id": "b", "assignee": None}}  # offered, unclaimed
    offered = route_steps({"route": ROUTE, "status": "submitted", "step_index": 1, "tasks": group})
    assert offered[1].deciders == ("finance",)


def test_the_chart_reads_only_the_events_that_mark_a_milestone(database: Database) -> None:
    """Enrolments and answers (a big program's stream is mostly those) are never read for the
    chart; the milestones are the ones the whole stream gives."""
    store = database.store
    log = [
        NewEvent(uuid.uuid4(), "ProgramPlanned", {}, T0),
        *(NewEvent(uuid.uuid4(), "TraineeEnrolled", {"trainee": f"t{k}"}, T0) for k in range(50)),
        NewEvent(uuid.uuid4(), "SessionCompleted", {"session_id": "s1"}, T0 + timedelta(days=5)),
        NewEvent(uuid.uuid4(), "ProgramExecuted", {"on_time": True}, T0 + timedelta(days=9)),
    ]
    store.append(program_stream("p"), 0, log)
    read, seen = store.read_stream, list[str]()

    def read_stream(*args: Any, **kwargs: Any) -> list[RecordedEvent]:
        rows = read(*args, **kwargs)
        seen.extend(r.event_type for r in rows)
        return rows

    whole = milestones(STATE, store.read_stream(program_stream("p")), ZONE)
    store.read_stream = read_stream  # type: ignore[method-assign]
    assert program_milestones(store, "p", STATE, ZONE) == whole
    assert seen == ["ProgramPlanned", "SessionCompleted", "ProgramExecuted"]
