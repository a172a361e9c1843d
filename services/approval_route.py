"""Where a program stands on its approval route: each step, who decides it, and whether it is
done, the one deciding now, still to come, or where the route stopped.

The route is the one the policy gave the program when it was submitted (``state.route``); the
approver's task page and the program page draw it as a small diagram.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: Statuses in which every step of the route was passed.
APPROVED = frozenset({"approved", "published", "executing", "evaluating", "feedback", "closed"})
#: What the step being decided became when the route stopped there.
STOPPED = {"rejected": "rejected", "changes_requested": "returned", "cancelled": "stopped"}


@dataclass(frozen=True)
class StepView:
    step_id: str
    name: str
    deciders: tuple[str, ...]
    """The candidates, or the group's name for a group step; for the step being decided, who
    holds its open tasks now (after a claim, a delegation or a reassignment)."""
    quorum: int
    approvals: tuple[str, ...]
    sla_working_days: float | None
    escalate_to: str | None
    state: str
    """``done``, ``current``, ``waiting``, or ``rejected``/``returned``/``stopped``."""


def route_steps(state: Mapping[str, Any]) -> list[StepView]:
    """The steps of the program's route with their standing; empty before it is submitted."""
    route = state.get("route")
    if not isinstance(route, dict):
        return []
    status = str(state.get("status", ""))
    at = int(state.get("step_index", -1))
    approvals = state.get("step_approvals") or {}
    tasks = state.get("tasks") or {}
    open_tasks = [t for t in (tasks.values() if isinstance(tasks, dict) else tasks) if t]
    views = []
    for n, step in enumerate(route.get("steps") or ()):
        if status in APPROVED or n < at:
            standing = "done"
        elif n == at:
            standing = STOPPED.get(status, "current")
        else:
            standing = "waiting"
        group = step.get("group")
        deciders = (str(group),) if group else tuple(step.get("candidates") or ())
        if standing == "current":  # who holds its tasks now: a reassignment, a delegation
            holding = sorted(
                {
                    str(t["assignee"])
                    for t in open_tasks
                    if t.get("step_id") == step.get("step_id") and t.get("assignee")
                }
            )
            deciders = tuple(holding) or deciders
        views.append(
            StepView(
                step_id=str(step.get("step_id", "")),
                name=str(step.get("name", "")),
                deciders=deciders,
                quorum=int(step.get("quorum", 1)),
                approvals=tuple(approvals.get(step.get("step_id"), ()) or ()),
                sla_working_days=step.get("sla_working_days"),
                escalate_to=step.get("escalate_to"),
                state=standing,
            )
        )
    return views
