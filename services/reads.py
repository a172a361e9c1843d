"""Reads for the API and pages, all from the read models, and who may see what.

- an auditor sees every program;
- a specialist sees the programs they own;
- an approver sees the programs they approve (named on the plan, holding a task, or having acted);
- a trainee sees the programs they are named on or enrolled in, and of the answers given in
  them only their own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, select

from eventlog.engine import READ_ONLY
from projections import queries, trainee_queries
from projections.tables import programs
from services.people import Person

#: Timeline entries that carry one trainee's scores: others of the program's trainees never see
#: them (the specialist, its approvers and auditors do).
PRIVATE_EVENTS = frozenset({"SurveySubmitted", "ExamSubmitted", "ExamScorePending"})
#: State fields that carry trainees' scores (exam scores awaiting confirmation).
PRIVATE_STATE = frozenset({"pending_scores"})


def program_state(engine: Engine, program_id: str) -> dict[str, Any]:
    """The folded domain state the read model keeps for a program (as JSON), or ``{}``."""
    query = select(programs.c.state).where(programs.c.program_id == program_id)
    with engine.connect().execution_options(**READ_ONLY) as conn:
        view = conn.execute(query).scalar()
    if not isinstance(view, dict):
        return {}
    state = view.get("state", {})
    return state if isinstance(state, dict) else {}


def _people(value: Any) -> set[str]:
    if isinstance(value, dict):
        return {str(v) for v in value.values() if isinstance(v, str)} | {
            str(p) for v in value.values() if isinstance(v, list | tuple) for p in v
        }
    if isinstance(value, list | tuple | set | frozenset):
        return {str(v) for v in value}
    return set()


def _task_people(state: dict[str, Any]) -> set[str]:
    people = _people(state.get("open_tasks", {}))
    for task in _people_tasks(state):
        people |= {
            str(task.get(k)) for k in ("approver", "assignee", "delegate", "owner") if task.get(k)
        }
        people |= _people(task.get("candidates", []))  # members of the group it is offered to
    return people


def _people_tasks(state: dict[str, Any]) -> list[dict[str, Any]]:
    tasks = state.get("tasks")
    if isinstance(tasks, dict):
        return [t for t in tasks.values() if isinstance(t, dict)]
    if isinstance(tasks, list):
        return [t for t in tasks if isinstance(t, dict)]
    return []


def is_approver_of(
    user: Person, summary: dict[str, Any], state: dict[str, Any], actors: set[str]
) -> bool:
    if not user.has("approver"):
        return False
    named = _people(summary.get("approvers", [])) | _people(state.get("approvers", []))
    return user.username in named | _task_people(state) | actors


def can_read(
    user: Person, summary: dict[str, Any], state: dict[str, Any], actors: set[str] | None = None
) -> bool:
    if user.has("auditor") or summary.get("specialist") == user.username:
        return True
    if is_approver_of(user, summary, state, actors or set()):
        return True
    trainees = _people(state.get("enrolled", [])) | _people(state.get("trainees", []))
    return user.has("trainee") and user.username in trainees


def sees_scores(
    user: Person, summary: dict[str, Any], state: dict[str, Any], actors: set[str]
) -> bool:
    """Auditors, the program's specialist and its approvers see every trainee's scores."""
    return (
        user.has("auditor")
        or summary.get("specialist") == user.username
        or is_approver_of(user, summary, state, actors)
    )


def state_for(
    user: Person, summary: dict[str, Any], state: dict[str, Any], actors: set[str]
) -> dict[str, Any]:
    """The folded state as ``user`` may read it: without others' pending exam scores."""
    if sees_scores(user, summary, state, actors):
        return state
    return {k: v for k, v in state.items() if k not in PRIVATE_STATE}


def timeline_for(
    user: Person, summary: dict[str, Any], state: dict[str, Any], entries: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The timeline as ``user`` may read it: whoever reads a program only as one of its
    trainees sees their own survey and exam, never another trainee's scores."""
    actors = {str(t["actor"]) for t in entries}
    if sees_scores(user, summary, state, actors):
        return entries
    return [
        t for t in entries if t["event_type"] not in PRIVATE_EVENTS or t["actor"] == user.username
    ]


def visible_programs(engine: Engine, user: Person, **filters: str | None) -> list[dict[str, Any]]:
    rows = queries.list_programs(engine)
    if not user.has("auditor"):
        theirs = (
            {t["program_id"] for t in queries.approver_inbox(engine, user.username)}
            if user.has("approver")
            else set()
        )
        if user.has("trainee"):
            theirs |= trainee_queries.program_ids_of(engine, user.username)
        rows = [
            r
            for r in rows
            if r["specialist"] == user.username
            or (user.has("approver") and user.username in _people(r.get("approvers", [])))
            or r["program_id"] in theirs
        ]
    for key, value in filters.items():
        if value:
            rows = [r for r in rows if str(r.get(key)) == value]
    return rows


def due_at(requested_at: datetime, days: int) -> datetime:
    return requested_at + timedelta(days=days)


def inbox_for(engine: Engine, approver: str, due_days: int) -> list[dict[str, Any]]:
    """The approver's open tasks. A task is due when the read model says (the approval policy's
    deadline); without one, ``due_days`` after it was requested."""
    now = datetime.now(UTC)
    tasks = queries.approver_inbox(engine, approver)
    for task in tasks:
        if task.get("due_at") is None and task.get("requested_at") is not None:
            task["due_at"] = due_at(task["requested_at"], due_days)
        task["overdue"] = task.get("due_at") is not None and task["due_at"] < now
    return tasks
