"""Reads for the API and pages, all from the read models, and who may see what.

- an auditor sees every program;
- a specialist sees the programs they own;
- an approver sees the programs they approve (named on the plan, holding a task, or having acted);
- a trainee sees the programs they are enrolled in (from its publication on: a draft, or a plan
  under review that names them, is not theirs to see yet), and of the answers given in them
  only their own.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, select

from domain.money import in_cents
from domain.program import ProgramState, ProgramStatus
from domain.reminders import STARTED_GRACE, owed_reminders
from projections import queries, trainee_queries
from projections.event_texts import NAMED, decode, encode
from projections.tables import programs
from services.people import Person


def program_state(engine: Engine, program_id: str) -> dict[str, Any]:
    """The folded domain state the read model keeps for a program (as JSON), or ``{}``."""
    query = select(programs.c.state).where(programs.c.program_id == program_id)
    with queries.reading(engine) as conn:
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
    return user.has("trainee") and user.username in _people(state.get("enrolled", []))


def sees_scores(
    user: Person, summary: dict[str, Any], state: dict[str, Any], actors: set[str]
) -> bool:
    """Auditors, the program's specialist and its approvers see every trainee's scores."""
    return (
        user.has("auditor")
        or summary.get("specialist") == user.username
        or is_approver_of(user, summary, state, actors)
    )


#: What a person who reads a program only as one of its trainees sees of its state: when and
#: where it runs and their own facts, never its budget, approval route, approvers or who else
#: takes part (``_own_facts`` narrows the per-person fields to them).
TRAINEE_STATE = frozenset(
    {
        "program_id",
        "title",
        "specialist",
        "timezone",
        "region",
        "department",
        "external_instructor",
        "planned_date",
        "sessions",
        "evaluation_window_days",
        "fact_rules",
        "status",
        "completed_sessions",
        "evaluation_closes_at",
        "trainees",
        "enrolled",
        "attendance",
        "surveyed",
        "examined",
    }
)
#: Of the summary row, a trainee sees what the program is, not what it costs or who decides.
TRAINEE_SUMMARY = frozenset(
    {"program_id", "title", "specialist", "status", "planned_date", "timezone"}
)
#: Of the timeline, a trainee sees the program's public milestones and what they did themselves.
TRAINEE_TIMELINE = frozenset(
    {
        "ProgramPublished",
        "SessionScheduled",
        "SessionRescheduled",
        "SessionCompleted",
        "ProgramExecuted",
        "EvaluationOpened",
        "EvaluationClosed",
        "ProgramClosed",
        "ProgramCancelled",
    }
)


def reads_as_trainee_only(
    user: Person, summary: dict[str, Any], state: dict[str, Any], actors: set[str]
) -> bool:
    """Whether ``user`` reads this program only because they are one of its trainees."""
    return not sees_scores(user, summary, state, actors)


def _own_facts(state: dict[str, Any], username: str) -> dict[str, Any]:
    mine = {k: v for k, v in state.items() if k in TRAINEE_STATE}
    for key in ("trainees", "enrolled", "surveyed", "examined"):
        if key in mine:
            mine[key] = [username] if username in _people(mine[key]) else []
    attendance = mine.get("attendance")
    if isinstance(attendance, dict):
        mine["attendance"] = {
            session: [username] if username in _people(people) else []
            for session, people in attendance.items()
        }
    return mine


def state_for(
    user: Person, summary: dict[str, Any], state: dict[str, Any], actors: set[str]
) -> dict[str, Any]:
    """The folded state as ``user`` may read it: a trainee sees the program's schedule and their
    own facts only (no budget, route, approvers, other trainees or their scores)."""
    if sees_scores(user, summary, state, actors):
        return state
    return _own_facts(state, user.username)


def summary_for(
    user: Person, summary: dict[str, Any], state: dict[str, Any], actors: set[str]
) -> dict[str, Any]:
    """The summary row as ``user`` may read it (a trainee: not its budget or approvers)."""
    if sees_scores(user, summary, state, actors):
        return summary
    return {k: v for k, v in summary.items() if k in TRAINEE_SUMMARY}


def timeline_for(
    user: Person,
    summary: dict[str, Any],
    state: dict[str, Any],
    entries: list[dict[str, Any]],
    actors: set[str],
) -> list[dict[str, Any]]:
    """The timeline as ``user`` may read it: whoever reads a program only as one of its
    trainees sees their own survey and exam, never another trainee's scores."""
    entries = _steps_named(state, entries)
    if sees_scores(user, summary, state, actors):
        return entries
    return [
        t for t in entries if t["event_type"] in TRAINEE_TIMELINE or t["actor"] == user.username
    ]


def _steps_named(state: dict[str, Any], entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each "approval step completed" row's message with the step's name from the program's
    route beside its id, so it reads "approval step “Finance review” completed" rather than by
    an id (``event_texts.NAMED``); the stored row is untouched (its summary never changes)."""
    route = state.get("route")
    steps = route.get("steps") if isinstance(route, dict) else None
    names = {
        str(s.get("step_id")): str(s["name"])
        for s in steps or ()
        if isinstance(s, dict) and s.get("name")
    }
    if not names:
        return entries
    named = []
    for entry in entries:
        message = decode(entry.get("message")) if entry.get("message") else None
        if message and any(key in NAMED for key, _ in message):
            parts = [
                (key, {**params, NAMED[key][1]: names[params[NAMED[key][0]]]})
                if key in NAMED and params.get(NAMED[key][0]) in names
                else (key, params)
                for key, params in message
            ]
            entry = {**entry, "message": encode(parts)}
        named.append(entry)
    return named


def _sees_all_of(user: Person, row: dict[str, Any], approves: set[str]) -> bool:
    """The program's specialist and its approvers see its whole row; a trainee does not. An
    approver the plan names sees it from its submission on: a draft is its specialist's own
    work in progress, not yet anyone's to decide (issue 16: approvers' lists showed others'
    drafts)."""
    return (
        row["specialist"] == user.username
        or row["program_id"] in approves
        or (
            user.has("approver")
            and user.username in _people(row.get("approvers", []))
            and row.get("status") != ProgramStatus.DRAFT.value
        )
    )


def visible_programs(engine: Engine, user: Person, **filters: str | None) -> list[dict[str, Any]]:
    rows = queries.list_programs(engine)
    if not user.has("auditor"):
        approves = (
            {t["program_id"] for t in queries.approver_inbox(engine, user.username)}
            if user.has("approver")
            else set()
        )
        attends = (
            trainee_queries.program_ids_of(engine, user.username) if user.has("trainee") else set()
        )
        rows = [
            r if _sees_all_of(user, r, approves) else {k: r[k] for k in TRAINEE_SUMMARY if k in r}
            for r in rows
            if _sees_all_of(user, r, approves) or r["program_id"] in attends
        ]
    for key, value in filters.items():
        if value:
            rows = [r for r in rows if str(r.get(key)) == value]
    return rows


def due_at(requested_at: datetime, days: int) -> datetime:
    return requested_at + timedelta(days=days)


def budget_shown(budget: Any) -> str | None:
    """A plan's budget as people read it: two decimals, or None when the plan gives none (a
    budget of 0 is what a plan without one records)."""
    try:
        amount = Decimal(str(budget or 0))
    except (ArithmeticError, ValueError):
        return None
    return in_cents(amount) if amount else None


def _cost_per_trainee(budget: Any, trainees: int) -> str | None:
    try:
        amount = Decimal(str(budget or 0))
    except (ArithmeticError, ValueError):
        return None
    if not trainees or not amount:
        return None
    return in_cents(amount / trainees)


#: The states of a program that was approved: what an approver's "earlier programs" count
#: (never drafts, rejected or withdrawn plans, nor programs planned for after this one).
WENT_AHEAD = frozenset(
    s.value
    for s in (
        ProgramStatus.APPROVED,
        ProgramStatus.PUBLISHED,
        ProgramStatus.EXECUTING,
        ProgramStatus.EVALUATING,
        ProgramStatus.FEEDBACK,
        ProgramStatus.CLOSED,
    )
)


def decision_facts(
    engine: Engine, summary: dict[str, Any], state: dict[str, Any]
) -> dict[str, Any]:
    """What an approver decides on: the money, the people, the sessions, and how the
    specialist's earlier programs went (executed, on time)."""
    trainees = len(state.get("trainees") or ())
    specialist = summary.get("specialist")
    planned = str(summary.get("planned_date"))
    earlier = [  # programs that got through approval, planned for no later than this one
        r
        for r in queries.list_programs(engine, specialist=str(specialist))
        if r["program_id"] != summary.get("program_id")
        and r.get("status") in WENT_AHEAD
        and str(r.get("planned_date")) <= planned
    ]
    return {
        "budget": budget_shown(state.get("budget")),
        "department": state.get("department"),
        "external_instructor": state.get("external_instructor"),
        "trainees": trainees,
        "sessions": len(state.get("sessions") or {}),
        "cost_per_trainee": _cost_per_trainee(state.get("budget"), trainees),
        "specialist_programs": len(earlier),
        "specialist_executed": sum(1 for r in earlier if r.get("executed")),
        "specialist_on_time": sum(1 for r in earlier if r.get("on_time")),
    }


#: How a reminder's kind reads on a page (translated there like every page string).
REMINDER_LABELS = {"prepare_materials": "Prepare materials", "attend_session": "Attend the session"}


def upcoming_reminders(state: dict[str, Any], now: datetime) -> list[dict[str, Any]]:
    """The session reminders still to go out, soonest first, due in the program's time zone
    (before one is sent it is in no outbox: this is where people see it is coming)."""
    try:
        program = ProgramState.model_validate(state)
    except ValueError:
        return []
    return [
        {
            "kind": r.kind,
            "label": REMINDER_LABELS.get(r.kind, r.kind),
            "session_id": r.session_id,
            "due_at": r.due_at.astimezone(ZoneInfo(program.timezone)),
            "recipients": r.audience_size,
        }
        for r in owed_reminders(program, now, STARTED_GRACE)
    ]


def inbox_for(engine: Engine, approver: str, due_days: int) -> list[dict[str, Any]]:
    """The approver's open tasks. A task is due when the read model says (the approval policy's
    deadline); without one, ``due_days`` after it was requested."""
    now = datetime.now(UTC)
    tasks = queries.approver_inbox(engine, approver)
    for task in tasks:
        if task.get("due_at") is None and task.get("requested_at") is not None:
            task["due_at"] = due_at(task["requested_at"], due_days)
        task["overdue"] = task.get("due_at") is not None and task["due_at"] < now
        task["cost_per_trainee"] = _cost_per_trainee(task.get("budget"), task.get("trainees") or 0)
        task["budget"] = budget_shown(task.get("budget"))
    return tasks
