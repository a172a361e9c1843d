"""An approver's open tasks narrowed to what they look for: the one filter the inbox page and
the JSON API share (``reads.inbox_for`` decides what is open and when it is due)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from services import reads


def open_tasks(
    engine: Engine,
    approver: str,
    due_days: int,
    *,
    search: str = "",
    overdue: bool | None = None,
) -> list[dict[str, Any]]:
    """``approver``'s open tasks, soonest due first; only the overdue ones (``overdue`` True)
    or those on time (False), and only those whose program id, title or specialist contain
    ``search`` in any case."""
    tasks = reads.inbox_for(engine, approver, due_days)
    if overdue is not None:
        tasks = [t for t in tasks if t["overdue"] is overdue]
    needle = search.strip().lower()
    if needle:
        tasks = [
            t
            for t in tasks
            if needle in f"{t['program_id']} {t['title']} {t['specialist']}".lower()
        ]
    return tasks


def left_tasks(engine: Engine, username: str, lang: str) -> list[str]:
    """The open approval tasks that only ``username`` can decide (assigned or delegated to
    them, not offered to a group), said as warnings once they may no longer decide them: each
    waits on no one until it is reassigned."""
    from projections.queries import approver_inbox, program_read
    from services.error_texts import say

    def key(program_id: str) -> str:
        """Reassigning needs an admin the program's route names (its policy's when it was
        submitted): without one, the command would only be refused."""
        found = program_read(engine, program_id)
        route = (found.state.get("route") or {}) if found is not None else {}
        admins = route.get("admins") if isinstance(route, dict) else None
        return "error.task_left_waiting" if admins else "error.task_left_waiting_no_admin"

    mine = [row for row in approver_inbox(engine, username) if row["relation"] != "candidate"]
    return [
        say(
            key(row["program_id"]),
            {"username": username, "task_id": row["task_id"], "program_id": row["program_id"]},
            lang,
        )
        or ""
        for row in mine
    ]
