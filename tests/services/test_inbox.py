"""The approver's inbox filter the page and the JSON API share: a search over program id,
title and specialist, and overdue or on time by the same due rule as the inbox itself."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert

from projections.tables import inbox
from services.database import Database
from services.inbox import open_tasks

NOW = datetime.now(UTC)
DUE_DAYS = 3


def task(task_id: str, person: str = "appr.wu", **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "task_id": task_id,
        "person": person,
        "relation": "assigned",
        "program_id": f"prog-{task_id}",
        "step_id": "manager",
        "step_name": "Manager",
        "task_group": None,
        "owner": person,
        "title": "Forklift safety",
        "specialist": "spec.li",
        "department": None,
        "budget": "1000",
        "planned_date": date(2027, 3, 1),
        "revision": 1,
        "trainees": 4,
        "sessions": 1,
        "requested_at": NOW - timedelta(hours=1),
        "due_at": None,
    }
    return row | fields


def fill(database: Database, *rows: dict[str, Any]) -> None:
    with database.engine.begin() as conn:
        conn.execute(insert(inbox), list(rows))


def ids(tasks: list[dict[str, Any]]) -> list[str]:
    return [t["task_id"] for t in tasks]


def test_search_matches_program_title_or_specialist_in_any_case(database: Database) -> None:
    fill(
        database,
        task("a1", program_id="Q3-WELDING"),
        task("a2", title="First aid refresher"),
        task("a3", specialist="spec.welder"),
        task("a4"),
        task("b1", person="appr.other", title="Welding for someone else"),
    )
    found = open_tasks(database.engine, "appr.wu", DUE_DAYS, search="  weld ")
    assert sorted(ids(found)) == ["a1", "a3"]
    assert ids(open_tasks(database.engine, "appr.wu", DUE_DAYS, search="FIRST AID")) == ["a2"]
    assert sorted(ids(open_tasks(database.engine, "appr.wu", DUE_DAYS))) == [
        "a1",
        "a2",
        "a3",
        "a4",
    ]


def test_overdue_follows_the_deadline_or_the_default_due_days(database: Database) -> None:
    fill(
        database,
        task("late", due_at=NOW - timedelta(hours=2)),
        task("soon", due_at=NOW + timedelta(days=1)),
        task("old", requested_at=NOW - timedelta(days=DUE_DAYS + 1)),  # no deadline of its own
        task("new", requested_at=NOW - timedelta(days=DUE_DAYS - 1)),
    )
    overdue = open_tasks(database.engine, "appr.wu", DUE_DAYS, overdue=True)
    on_time = open_tasks(database.engine, "appr.wu", DUE_DAYS, overdue=False)
    assert sorted(ids(overdue)) == ["late", "old"]
    assert sorted(ids(on_time)) == ["new", "soon"]
    both = open_tasks(database.engine, "appr.wu", DUE_DAYS, overdue=True, search="prog-old")
    assert ids(both) == ["old"]


def test_a_task_has_the_fields_the_command_line_heads_its_csv_with(database: Database) -> None:
    """``trainops inbox -o csv`` names its columns from ``domain.listings.TASK_FIELDS`` (the
    same header for an empty inbox): a task read here has exactly those fields."""
    from domain.listings import TASK_FIELDS

    fill(database, task("f1"))
    [found] = open_tasks(database.engine, "appr.wu", DUE_DAYS)
    assert sorted(found) == sorted(TASK_FIELDS)


def test_a_plan_without_a_budget_reads_as_none_given_not_zero(database: Database) -> None:
    fill(database, task("a1", budget="0"), task("a2", budget="1200.5"))
    tasks = {t["task_id"]: t for t in open_tasks(database.engine, "appr.wu", DUE_DAYS)}
    assert (tasks["a1"]["budget"], tasks["a1"]["cost_per_trainee"]) == (None, None)
    assert (tasks["a2"]["budget"], tasks["a2"]["cost_per_trainee"]) == ("1200.50", "300.13")
