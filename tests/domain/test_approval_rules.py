"""Approval policies and task rules as pure functions."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from itertools import count
from typing import Any

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain import events as e
from domain.approval import (
    ApprovalPolicy,
    ApprovalRoute,
    Approvers,
    PolicyError,
    PolicyStep,
    ProgramFacts,
    RouteStep,
    StepCondition,
    unstaffable_step,
)
from domain.approval_flow import approval_timers, decide_auto_reject, decide_escalation
from domain.program import DomainError, ProgramState, ProgramStatus, decide, evolve, fold, start

NOW = datetime(2027, 3, 1, 9, 0, tzinfo=UTC)  # a Monday

POLICY = ApprovalPolicy(
    admins=("admin",),
    groups={"panel": ("p1", "p2", "p3")},
    department_managers={"sales": "mgr"},
    steps=(
        PolicyStep(
            id="manager",
            name="Manager",
            approvers=Approvers(department_manager=True),
            sla_working_days=2,
            escalate_to="boss",
            auto_reject_after_working_days=6,
        ),
        PolicyStep(
            id="panel",
            name="Panel, 2 of the group",
            when=StepCondition(external_instructor=True),
            approvers=Approvers(group="panel"),
            quorum=2,
        ),
    ),
)


def ids() -> Any:
    n = count(1)
    return lambda: f"task-{next(n)}"


def submitted(external: bool = True, policy: ApprovalPolicy = POLICY) -> ProgramState:
    plan = c.PlanProgram(
        program_id="p",
        actor="spec",
        title="t",
        planned_date=date(2027, 4, 1),
        sessions=(e.Session(session_id="s1", starts_at=NOW + timedelta(days=20)),),
        trainees=("t1",),
        department="sales",
        external_instructor=external,
    )
    state = evolve(None, start(plan))
    route = policy.resolve(state.facts)
    return run(state, c.SubmitProgram(actor="spec"), route=route)


def run(state: ProgramState, command: Any, **kw: Any) -> ProgramState:
    after = fold(decide(state, command, NOW, ids(), **kw), state)
    assert after is not None
    return after


def test_conditions_choose_the_steps() -> None:
    facts = ProgramFacts(
        department="sales", budget=Decimal(10), external_instructor=False, plan_approvers=()
    )
    assert [s.step_id for s in POLICY.resolve(facts).steps] == ["manager"]
    facts = facts.model_copy(update={"external_instructor": True})
    route = POLICY.resolve(facts)
    assert [s.step_id for s in route.steps] == ["manager", "panel"]
    assert route.steps[0].candidates == ("mgr",) and route.steps[1].group == "panel"


def test_unstaffable_routes_are_refused_clearly() -> None:
    facts = ProgramFacts(
        department="hr", budget=Decimal(0), external_instructor=False, plan_approvers=()
    )
    with pytest.raises(PolicyError, match="no manager is configured for department 'hr'"):
        POLICY.resolve(facts)
    without = facts.model_copy(update={"department": None})
    with pytest.raises(PolicyError, match="the plan names no department: give the program one"):
        POLICY.resolve(without)
    with pytest.raises(PolicyError, match="needs approvers named in the plan"):
        ApprovalPolicy().resolve(facts)


@pytest.mark.parametrize(
    ("policy", "message"),
    [
        (
            {"steps": [{"id": "a", "name": "A", "approvers": {"group": "nope"}}]},
            "unknown group 'nope'",
        ),
        (
            {
                "groups": {"g": ["x"]},
                "steps": [{"id": "a", "name": "A", "approvers": {"group": "g"}, "quorum": 2}],
            },
            "quorum 2 exceeds",
        ),
        (
            {"steps": [{"id": "a", "name": "A", "approvers": {"people": ["x"], "group": "g"}}]},
            "one way",
        ),
        (
            {
                "steps": [
                    {"id": "a", "name": "A", "approvers": {"people": ["x"]}, "escalate_to": "y"}
                ]
            },
            "needs sla_working_days",
        ),
        (
            {
                "steps": [
                    {"id": "a", "name": "A", "approvers": {"people": ["x"]}},
                    {"id": "a", "name": "B", "approvers": {"people": ["y"]}},
                ]
            },
            "unique",
        ),
    ],
)
def test_bad_policies_are_refused(policy: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        ApprovalPolicy.model_validate(policy)


def test_group_quorum_needs_two_different_people() -> None:
    state = submitted()
    state = run(state, c.ApproveProgram(actor="mgr"))
    assert [t.group for t in state.tasks.values()] == ["panel", "panel"]
    state = run(state, c.ApproveProgram(actor="p1"))
    assert state.status is ProgramStatus.SUBMITTED and len(state.tasks) == 1
    with pytest.raises(DomainError, match="already approved this step"):
        decide(state, c.ApproveProgram(actor="p1"), NOW, ids())
    state = run(state, c.ApproveProgram(actor="p2"))
    assert state.status is ProgramStatus.APPROVED


def test_claim_blocks_other_candidates_until_unclaimed() -> None:
    state = run(submitted(), c.ApproveProgram(actor="mgr"))
    first = next(iter(state.tasks))
    state = run(state, c.ClaimTask(actor="p1", task_id=first))
    with pytest.raises(DomainError, match="already claimed by 'p1'"):
        decide(state, c.ClaimTask(actor="p2", task_id=first), NOW, ids())
    with pytest.raises(DomainError, match="already holds a task of this step"):
        decide(state, c.ClaimTask(actor="p1"), NOW, ids())
    with pytest.raises(DomainError, match="assigned to 'p1'"):
        decide(state, c.ApproveProgram(actor="p2", task_id=first), NOW, ids())
    state = run(state, c.UnclaimTask(actor="p1", task_id=first))
    assert state.tasks[first].assignee is None


def test_delegation_returns_to_the_owner() -> None:
    state = submitted()
    state = run(state, c.DelegateTask(actor="mgr", to="deputy"))
    task = next(iter(state.tasks.values()))
    assert (task.assignee, task.owner, task.delegation) == ("deputy", "mgr", "pending")
    with pytest.raises(DomainError, match="already delegated"):
        decide(state, c.DelegateTask(actor="deputy", to="x"), NOW, ids())
    # The owner, delegating again, is told where the task is, not that they have none.
    with pytest.raises(DomainError, match="is delegated to 'deputy'; it comes back to 'mgr'"):
        decide(state, c.DelegateTask(actor="mgr", to="other"), NOW, ids())
    state = run(state, c.ResolveTask(actor="deputy", comment="fine"))
    task = next(iter(state.tasks.values()))
    assert (task.assignee, task.owner, task.delegation) == ("mgr", None, None)


def test_reassign_is_for_admins() -> None:
    state = submitted()
    task_id = next(iter(state.tasks))
    with pytest.raises(DomainError, match="only an admin") as refused:
        decide(state, c.ReassignTask(actor="mgr", task_id=task_id, to="x"), NOW, ids())
    # says who may: the admins the program's route names (its policy's when it was submitted)
    assert refused.value.params["admins"] == "admin", refused.value.params
    assert state.route is not None
    no_admins = state.model_copy(update={"route": state.route.model_copy(update={"admins": ()})})
    with pytest.raises(DomainError, match="with none named there, the specialist withdraws"):
        decide(no_admins, c.ReassignTask(actor="admin", task_id=task_id, to="x"), NOW, ids())
    state = run(state, c.ReassignTask(actor="admin", task_id=task_id, to="x"))
    assert state.tasks[task_id].assignee == "x"


def test_sla_timers_escalation_and_auto_reject() -> None:
    state = submitted()
    timers = approval_timers(state)
    assert [(t.kind, t.at) for t in timers] == [
        ("remind", datetime(2027, 3, 2, 9, 0, tzinfo=UTC)),
        ("escalate", datetime(2027, 3, 3, 9, 0, tzinfo=UTC)),
        ("auto_reject", datetime(2027, 3, 9, 9, 0, tzinfo=UTC)),  # 6 working days: skips a weekend
    ]
    task_id = timers[0].task_id
    state = fold(decide_escalation(state, task_id), state)  # type: ignore[assignment]
    assert state.tasks[task_id].assignee == "boss"
    assert [t.kind for t in approval_timers(state)] == ["remind", "auto_reject"]
    rejected = fold(decide_auto_reject(state, task_id), state)
    assert rejected is not None and rejected.status is ProgramStatus.REJECTED


def test_an_empty_route_approves_at_once() -> None:
    state = submitted(external=False, policy=ApprovalPolicy(steps=()))
    assert state.status is ProgramStatus.APPROVED


def _route(*steps: tuple[tuple[str, ...], int]) -> ApprovalRoute:
    return ApprovalRoute(
        policy="p",
        steps=tuple(
            RouteStep(step_id=f"s{n}", name=f"S{n}", candidates=people, quorum=quorum)
            for n, (people, quorum) in enumerate(steps, start=1)
        ),
    )


def test_a_route_four_eyes_would_leave_waiting_for_ever_is_found() -> None:
    """Nobody decides their own program, nobody approves two steps: a step whose candidates
    are all taken is found before anything waits on it."""
    assert unstaffable_step(_route((("a", "b"), 1), (("a", "b"), 1)), "spec") is None
    # the submitter is a candidate: one of two left for a quorum of 2
    short = unstaffable_step(
        _route(
            (("spec", "a"), 2),
        ),
        "spec",
    )
    assert short is not None and (short[0].step_id, short[1]) == ("s1", 1)
    # a and b are needed by step 1, and step 2 has only them
    short = unstaffable_step(_route((("a", "b"), 2), (("a", "b", "spec"), 1)), "spec")
    assert short is not None and short[0].step_id == "s2"
    # a matching exists though a greedy first pick would take the wrong person
    assert unstaffable_step(_route((("a", "b"), 1), (("a",), 1)), "spec") is None
