"""The rules of approval tasks: who may claim, decide, delegate or reassign which task, what a
decision leads to, and what the SLA timers decide. Pure: ``decide_task`` returns events.

Separation of duties holds for every path: the submitter never takes or decides a task of their
own program, one person never approves two steps (nor one step twice), and a delegate is held to
the same rules as the person who delegated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel

from domain import commands as c
from domain import events as e
from domain.approval import SYSTEM, ApprovalRoute, RouteStep, Task
from domain.calendar import BusinessCalendar
from domain.refusals import refused
from domain.state import ProgramState

NewId = Callable[[], str]


def start_route(
    state: ProgramState, route: ApprovalRoute, now: datetime, new_id: NewId
) -> list[Any]:
    """Submission: record the route, open its first step (or approve at once if it is empty)."""
    submitted = e.ProgramSubmitted(
        submitted_by=state.specialist, revision=state.revision, route=route
    )
    return [submitted, *_open_step(state, route, 0, now, new_id)]


def _open_step(
    state: ProgramState, route: ApprovalRoute, index: int, now: datetime, new_id: NewId
) -> list[Any]:
    if index >= len(route.steps):
        return [e.ProgramApproved(planned_date=state.planned_date)]
    step = route.steps[index]
    calendar = BusinessCalendar(state.calendar)

    def after(days: float | None) -> datetime | None:
        return None if days is None else calendar.add_working_time(now, days, state.timezone)

    timing = {
        "requested_at": now,
        "remind_at": after(step.sla_working_days / 2 if step.sla_working_days else None),
        "due_at": after(step.sla_working_days),
        "auto_reject_at": after(step.auto_reject_after_working_days),
    }
    opened: list[Any] = [
        e.ApprovalStepStarted(step_id=step.step_id, name=step.name, quorum=step.quorum)
    ]
    # Who each request of the step goes to: a group's quorum of open requests, or one each.
    requests: list[tuple[str | None, tuple[str, ...]]]
    if step.group is not None:
        # The submitter is never offered their own program, unless the group would be too small.
        others = tuple(p for p in step.candidates if p != state.specialist)
        candidates = others if len(others) >= step.quorum else step.candidates
        requests = [(None, candidates)] * step.quorum
    else:
        requests = [(person, (person,)) for person in step.candidates]
    for assignee, candidates in requests:
        opened.append(
            e.ApprovalRequested(
                task_id=new_id(),
                step_id=step.step_id,
                revision=state.revision,
                assignee=assignee,
                candidates=candidates,
                group=step.group,
                **timing,
            )
        )
    return opened


def current_step(state: ProgramState) -> RouteStep:
    assert state.route is not None
    return state.route.steps[state.step_index]


def _pick(
    state: ProgramState, task_id: str | None, fits: Callable[[Task], bool], actor: str
) -> Task:
    if task_id is not None:
        task = state.tasks.get(task_id)
        if task is None:
            raise refused("task.not_open", task_id=task_id)
        return task
    for task in state.tasks.values():
        if fits(task):
            return task
    for task in state.tasks.values():  # handed on: say to whom, not "no task"
        if task.owner == actor and task.delegation == "pending":
            raise refused(
                "task.delegated_elsewhere",
                task_id=task.task_id,
                assignee=task.assignee,
                owner=task.owner,
            )
    raise refused("task.none_open_for_actor", actor=actor)


def _four_eyes(state: ProgramState, person: str, step_id: str, *, who: str = "") -> None:
    """Refuse ``person`` deciding step ``step_id`` where separation of duties forbids it."""
    subject = who or repr(person)
    if person == state.submitted_by:
        raise refused("task.four_eyes_submitter", subject=subject)
    approved = state.approved_steps_of(person)
    if step_id in approved:
        raise refused("task.four_eyes_same_step", subject=subject)
    if approved:
        raise refused("task.four_eyes_other_step", subject=subject, p0=approved[0])


def _may_decide(task: Task, actor: str) -> None:
    if task.delegation == "pending":
        if task.assignee == actor:
            raise refused("task.held_as_delegate", task_id=task.task_id, owner=task.owner)
        raise refused(
            "task.delegated_elsewhere",
            task_id=task.task_id,
            assignee=task.assignee,
            owner=task.owner,
        )
    if not task.may_act(actor):
        if task.assignee is not None:
            raise refused(
                "task.assigned_to_another",
                task_id=task.task_id,
                assignee=task.assignee,
                actor=actor,
            )
        raise refused(
            "task.not_candidate_of_group",
            actor=actor,
            task_id=task.task_id,
            group=task.group,
        )


def _withdraw(state: ProgramState, keep: Callable[[Task], bool] = lambda t: False) -> list[Any]:
    return [
        e.ApprovalTaskWithdrawn(task_id=t.task_id, assignee=t.assignee)
        for t in state.tasks.values()
        if not keep(t)
    ]


def decide_task(
    state: ProgramState, command: BaseModel, actor: str, now: datetime, new_id: NewId
) -> list[Any]:
    """Events for a task command in a submitted program."""

    def decidable(task: Task) -> bool:
        return task.may_act(actor) and task.delegation is None

    match command:
        case c.ApproveProgram() | c.RejectProgram() | c.RequestChanges():
            if actor == state.submitted_by:
                raise refused("task.four_eyes_own_submission", actor=actor)
            held = [t for t in state.tasks.values() if t.may_act(actor) or t.owner == actor]
            preferred = next((t for t in held if decidable(t)), held[0] if held else None)
            task = _pick(state, command.task_id, lambda t: t is preferred, actor)
            _may_decide(task, actor)
            if isinstance(command, c.RejectProgram):
                return [
                    e.ApprovalRejected(task_id=task.task_id, approver=actor, reason=command.reason),
                    *_withdraw(state, keep=lambda t: t.task_id == task.task_id),
                ]
            if isinstance(command, c.RequestChanges):
                return [
                    e.ChangesRequested(task_id=task.task_id, approver=actor, reason=command.reason),
                    *_withdraw(state, keep=lambda t: t.task_id == task.task_id),
                ]
            _four_eyes(state, actor, task.step_id)
            return _approve(state, task, actor, command.comment, now, new_id)
        case c.ClaimTask():
            task = _pick(
                state,
                command.task_id,
                lambda t: t.assignee is None and actor in t.candidates,
                actor,
            )
            _four_eyes(state, actor, task.step_id)
            if task.group is None:
                raise refused("task.claim_not_group_task", task_id=task.task_id)
            if task.assignee is not None:
                raise refused(
                    "task.claim_already_claimed",
                    task_id=task.task_id,
                    assignee=task.assignee,
                )
            if actor not in task.candidates:
                raise refused("task.claim_not_candidate", actor=actor, task_id=task.task_id)
            if any(t.assignee == actor for t in state.tasks.values() if t.step_id == task.step_id):
                raise refused("task.claim_holds_step", actor=actor)
            return [e.TaskClaimed(task_id=task.task_id, by=actor)]
        case c.UnclaimTask():
            task = _pick(
                state, command.task_id, lambda t: t.assignee == actor and t.group is not None, actor
            )
            if task.group is None or task.assignee != actor:
                raise refused("task.unclaim_not_claimed", actor=actor, task_id=task.task_id)
            if task.delegation == "pending":
                raise refused("task.unclaim_delegated", task_id=task.task_id)
            return [e.TaskUnclaimed(task_id=task.task_id, by=actor)]
        case c.DelegateTask():
            task = _pick(state, command.task_id, lambda t: t.assignee == actor, actor)
            if task.assignee != actor:
                hint = " (claim it first)" if actor in task.candidates else ""
                raise refused("task.delegate_not_holder", task_id=task.task_id, hint=hint)
            if task.delegation == "pending":
                raise refused(
                    "task.delegate_already_delegated",
                    task_id=task.task_id,
                    assignee=task.assignee,
                )
            if command.to == actor:
                raise refused("task.delegate_to_oneself")
            _four_eyes(state, command.to, task.step_id, who=f"the delegate {command.to!r}")
            return [
                e.TaskDelegated(
                    task_id=task.task_id, owner=actor, delegate=command.to, comment=command.comment
                )
            ]
        case c.ResolveTask():
            task = _pick(
                state,
                command.task_id,
                lambda t: t.assignee == actor and t.delegation == "pending",
                actor,
            )
            if task.delegation != "pending" or task.assignee != actor or task.owner is None:
                raise refused("task.resolve_not_delegated", task_id=task.task_id, actor=actor)
            return [
                e.TaskResolved(
                    task_id=task.task_id, delegate=actor, owner=task.owner, comment=command.comment
                )
            ]
        case c.ReassignTask():
            assert state.route is not None
            if actor not in state.route.admins:
                admins = ", ".join(state.route.admins) or "—"
                raise refused("task.reassign_not_admin", actor=actor, admins=admins)
            task = _pick(state, command.task_id, lambda t: False, actor)
            if command.to == task.assignee:
                raise refused("task.reassign_same_person", task_id=task.task_id, to=command.to)
            _four_eyes(state, command.to, task.step_id, who=f"the new assignee {command.to!r}")
            return [
                e.TaskReassigned(
                    task_id=task.task_id,
                    previous=task.assignee,
                    assignee=command.to,
                    by=actor,
                    comment=command.comment,
                )
            ]
    raise refused("task.unknown_command", command=type(command).__name__)


def _approve(
    state: ProgramState, task: Task, actor: str, comment: str, now: datetime, new_id: NewId
) -> list[Any]:
    step = current_step(state)
    granted: list[Any] = [
        e.ApprovalGranted(
            task_id=task.task_id, step_id=task.step_id, approver=actor, comment=comment
        )
    ]
    approvals = len(state.step_approvals.get(step.step_id, ())) + 1
    if approvals < step.quorum:
        return granted
    assert state.route is not None
    return [
        *granted,
        *_withdraw(state, keep=lambda t: t.task_id == task.task_id),
        e.ApprovalStepCompleted(step_id=step.step_id),
        *_open_step(state, state.route, state.step_index + 1, now, new_id),
    ]


@dataclass(frozen=True)
class ApprovalTimer:
    at: datetime
    kind: Literal["remind", "escalate", "overdue", "auto_reject"]
    task_id: str


def approval_timers(state: ProgramState) -> list[ApprovalTimer]:
    """The SLA instants still ahead for open tasks, soonest first.

    At ``due_at`` a task is escalated if its step names someone; otherwise its holders get an
    overdue notice, so an SLA (the default policy's too) never runs out unnoticed.
    """
    timers: list[ApprovalTimer] = []
    if state.route is None or state.step_index < 0:
        return timers
    step = current_step(state)
    for task in state.tasks.values():
        if task.remind_at is not None and not task.reminded:
            timers.append(ApprovalTimer(task.remind_at, "remind", task.task_id))
        if task.due_at is not None and step.escalate_to and not task.escalated:
            timers.append(ApprovalTimer(task.due_at, "escalate", task.task_id))
        if task.due_at is not None and not step.escalate_to and not task.overdue_noticed:
            timers.append(ApprovalTimer(task.due_at, "overdue", task.task_id))
        if task.auto_reject_at is not None:
            timers.append(ApprovalTimer(task.auto_reject_at, "auto_reject", task.task_id))
    return sorted(timers, key=lambda t: (t.at, t.task_id, t.kind))


def decide_escalation(state: ProgramState, task_id: str) -> list[Any]:
    step = current_step(state)
    task = state.tasks[task_id]
    assert step.escalate_to is not None
    return [e.TaskEscalated(task_id=task_id, previous=task.assignee, assignee=step.escalate_to)]


def decide_auto_reject(state: ProgramState, task_id: str) -> list[Any]:
    step = current_step(state)
    return [
        e.ApprovalRejected(
            task_id=task_id,
            approver=SYSTEM,
            reason=(
                f"no decision on step {step.name!r} within"
                f" {step.auto_reject_after_working_days:g} working days"
            ),
            automatic=True,
        ),
        *_withdraw(state, keep=lambda t: t.task_id == task_id),
    ]


def evolve_task(state: ProgramState, event: Any) -> ProgramState | None:
    """The state after an approval event, or None if ``event`` is not one."""
    tasks = dict(state.tasks)

    def with_task(task_id: str, **changes: Any) -> ProgramState:
        tasks[task_id] = tasks[task_id].model_copy(update=changes)
        return state.model_copy(update={"tasks": tasks})

    match event:
        case e.ApprovalStepStarted():
            assert state.route is not None
            index = [s.step_id for s in state.route.steps].index(event.step_id)
            return state.model_copy(update={"step_index": index})
        case e.ApprovalRequested():
            tasks[event.task_id] = Task(
                task_id=event.task_id,
                step_id=event.step_id,
                candidates=event.candidates,
                group=event.group,
                assignee=event.assignee,
                requested_at=event.requested_at,
                remind_at=event.remind_at,
                due_at=event.due_at,
                auto_reject_at=event.auto_reject_at,
            )
            return state.model_copy(update={"tasks": tasks})
        case e.TaskClaimed():
            return with_task(event.task_id, assignee=event.by)
        case e.TaskUnclaimed():
            return with_task(event.task_id, assignee=None)
        case e.TaskDelegated():
            return with_task(
                event.task_id, assignee=event.delegate, owner=event.owner, delegation="pending"
            )
        case e.TaskResolved():
            return with_task(event.task_id, assignee=event.owner, owner=None, delegation=None)
        case e.TaskReassigned():
            return with_task(event.task_id, assignee=event.assignee, owner=None, delegation=None)
        case e.TaskEscalated():
            return with_task(
                event.task_id, assignee=event.assignee, owner=None, delegation=None, escalated=True
            )
        case e.TaskReminderSent(overdue=True):
            return with_task(event.task_id, overdue_noticed=True)
        case e.TaskReminderSent():
            return with_task(event.task_id, reminded=True)
        case e.ApprovalGranted():
            tasks.pop(event.task_id, None)
            approvals = {**state.step_approvals}
            approvals[event.step_id] = (*approvals.get(event.step_id, ()), event.approver)
            return state.model_copy(update={"tasks": tasks, "step_approvals": approvals})
        case e.ApprovalTaskWithdrawn():
            tasks.pop(event.task_id, None)
            return state.model_copy(update={"tasks": tasks})
        case e.ApprovalStepCompleted():
            return state
    return None
