"""Approval policies on the time-skipping server: serial steps, quorum groups, claim, delegate,
reassign, four-eyes refusals, SLA reminders, escalation and auto-reject at their instants."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from activities.admin_config import AdminConfig
from api.translator import Translator
from domain import commands as c
from domain.approval import ApprovalPolicy, Approvers, PolicyStep, StepCondition
from domain.calendar import BusinessCalendar, CalendarConfig
from projections.queries import approver_inbox
from services.database import Database
from services.program_client import ActionRefused
from tests.conftest import Harness, running_worker
from tests.plans import one_session
from tests.workflows.support import accepted_updates, event_types, revise_as_is

TZ = "Asia/Shanghai"

POLICY = ApprovalPolicy(
    name="test-policy",
    admins=("admin",),
    groups={"hr": ("hr1", "hr2", "c1", "spec"), "committee": ("c1", "c2", "c3")},
    department_managers={"sales": "mgr"},
    steps=(
        PolicyStep(
            id="manager",
            name="Department manager",
            approvers=Approvers(department_manager=True),
            sla_working_days=2,
            escalate_to="director",
        ),
        PolicyStep(
            id="hr",
            name="HR, any one",
            when=StepCondition(budget_above=Decimal(50_000)),
            approvers=Approvers(group="hr"),
            sla_working_days=3,
            auto_reject_after_working_days=5,
        ),
        PolicyStep(
            id="committee",
            name="Committee, 2 of 3",
            when=StepCondition(budget_above=Decimal(100_000)),
            approvers=Approvers(people=("c1", "c2", "c3")),
            quorum=2,
        ),
    ),
)


@pytest_asyncio.fixture
async def h(time_env: WorkflowEnvironment, database: Database) -> AsyncIterator[Harness]:
    async with running_worker(time_env, database, AdminConfig(approval=POLICY)) as harness:
        yield harness


async def plan(h: Harness, budget: int = 150_000, department: str = "sales") -> str:
    pid = f"a-{uuid4().hex[:10]}"
    now = await h.env.get_current_time()
    start = (now + timedelta(days=60)).astimezone(ZoneInfo(TZ)).replace(hour=10, minute=0)
    await h.programs.plan(
        one_session(
            pid,
            "Leadership",
            start,
            ("t1", "t2"),
            approvers=(),
            planned_date=(start + timedelta(days=2)).date(),
            timezone=TZ,
            department=department,
            budget=Decimal(budget),
        )
    )
    return pid


def log_events(h: Harness, pid: str, event_type: str) -> list[Any]:
    return [r for r in h.db.store.read_stream(f"program-{pid}") if r.event_type == event_type]


async def tasks(h: Harness, pid: str) -> dict[str, Any]:
    return (await h.programs.state(pid)).tasks


async def inbox(h: Harness, person: str) -> list[dict[str, Any]]:
    h.db.projector.catch_up()
    return approver_inbox(h.db.engine, person, now=await h.env.get_current_time())


async def test_three_step_policy_with_escalation_delegation_and_quorums(h: Harness) -> None:
    pid = await plan(h)
    submitted_at = await h.env.get_current_time()
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    route = log_events(h, pid, "ProgramSubmitted")[0].payload["route"]
    assert [s["step_id"] for s in route["steps"]] == ["manager", "hr", "committee"]
    assert [t["relation"] for t in await inbox(h, "mgr")] == ["assigned"]

    # Step 1: the manager does nothing; half the SLA reminds, the full SLA escalates.
    calendar = BusinessCalendar(CalendarConfig())
    remind_at = calendar.add_working_time(submitted_at, 1, TZ)
    due_at = calendar.add_working_time(submitted_at, 2, TZ)
    await h.env.sleep(due_at - await h.env.get_current_time() + timedelta(minutes=1))
    reminded = log_events(h, pid, "TaskReminderSent")
    escalated = log_events(h, pid, "TaskEscalated")
    assert [r.payload["recipients"] for r in reminded] == [["mgr"]]
    assert abs(reminded[0].occurred_at - remind_at) < timedelta(seconds=5)
    assert escalated[0].payload["assignee"] == "director"
    assert abs(escalated[0].occurred_at - due_at) < timedelta(seconds=5)
    assert await inbox(h, "mgr") == [] and (await inbox(h, "director"))[0]["overdue"]
    assert h.db.outbox.list(recipient="director"), "the escalation approver is told"

    # The director delegates to a deputy; the task comes back when the deputy resolves it.
    await h.programs.act(pid, c.DelegateTask(actor="director", to="deputy", comment="check it"))
    assert [t["relation"] for t in await inbox(h, "deputy")] == ["delegated"]
    with pytest.raises(ActionRefused, match="resolve it back to 'director'"):
        await h.programs.act(pid, c.ApproveProgram(actor="deputy"))
    with pytest.raises(ActionRefused, match="delegated to 'deputy'"):
        await h.programs.act(pid, c.ApproveProgram(actor="director"))
    await h.programs.act(pid, c.ResolveTask(actor="deputy", comment="numbers fine"))
    assert (
        await inbox(h, "deputy") == [] and (await inbox(h, "director"))[0]["relation"] == "assigned"
    )
    await h.programs.act(pid, c.ApproveProgram(actor="director", comment="ok"))

    # Step 2: any one of the HR group; a claim takes it from the others' inboxes.
    assert {t["relation"] for p in ("hr1", "hr2") for t in await inbox(h, p)} == {"candidate"}
    await h.programs.act(pid, c.ClaimTask(actor="hr1"))
    assert await inbox(h, "hr2") == [] and (await inbox(h, "hr1"))[0]["relation"] == "assigned"
    await h.programs.act(pid, c.UnclaimTask(actor="hr1"))
    assert (await inbox(h, "hr2"))[0]["relation"] == "candidate"
    await h.programs.act(pid, c.ApproveProgram(actor="hr2", comment="within budget"))

    # Step 3: two of three committee members; the third task is withdrawn.
    assert len(await tasks(h, pid)) == 3
    await h.programs.act(pid, c.ApproveProgram(actor="c1"))
    with pytest.raises(ActionRefused, match="is assigned to 'c2', not 'c1'"):
        await h.programs.act(
            pid, c.ApproveProgram(actor="c1", task_id=next(iter(await tasks(h, pid))))
        )
    result = await h.programs.act(pid, c.ApproveProgram(actor="c3"))
    assert result.status == "approved"
    assert await inbox(h, "c2") == []
    decisions = [
        (r.event_type, r.metadata["actor"], r.metadata["role"])
        for r in h.db.store.read_stream(f"program-{pid}")
        if r.event_type in ("TaskDelegated", "TaskResolved", "ApprovalGranted", "TaskEscalated")
    ]
    assert decisions == [
        ("TaskEscalated", "system", "system"),
        ("TaskDelegated", "director", "approver"),
        ("TaskResolved", "deputy", "approver"),
        ("ApprovalGranted", "director", "approver"),
        ("ApprovalGranted", "hr2", "approver"),
        ("ApprovalGranted", "c1", "approver"),
        ("ApprovalGranted", "c3", "approver"),
    ]


async def test_four_eyes_refusals_record_nothing(h: Harness) -> None:
    pid = await plan(h)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    await h.programs.act(pid, c.ApproveProgram(actor="mgr"))
    before = event_types(h, pid)
    hr_task = next(iter(await tasks(h, pid)))
    assert await inbox(h, "spec") == []  # the submitter is not offered their own program
    refusals: list[tuple[c.ProgramCommand, str]] = [
        (c.ApproveProgram(actor="spec"), "four-eyes"),
        (c.ClaimTask(actor="spec", task_id=hr_task), "four-eyes"),
        (c.ClaimTask(actor="mgr"), "has no open approval task"),
        (c.ClaimTask(actor="outsider"), "has no open approval task"),
        (c.ReassignTask(actor="hr1", task_id=next(iter(await tasks(h, pid))), to="hr2"), "admin"),
    ]
    for command, reason in refusals:
        with pytest.raises(ActionRefused, match=reason):
            await h.programs.act(pid, command)
    await h.programs.act(pid, c.ClaimTask(actor="hr1"))
    more: list[tuple[c.ProgramCommand, str]] = [
        (c.DelegateTask(actor="hr1", to="spec"), "the delegate 'spec' submitted this program"),
        (c.DelegateTask(actor="hr1", to="mgr"), "already approved step 'manager'"),
        (c.DelegateTask(actor="hr1", to="hr1"), "oneself"),
        (c.ApproveProgram(actor="hr2"), "has no open approval task"),
    ]
    for command, reason in more:
        with pytest.raises(ActionRefused, match=reason):
            await h.programs.act(pid, command)
    task_id = next(iter(await tasks(h, pid)))
    with pytest.raises(ActionRefused, match="the new assignee 'mgr' already approved"):
        await h.programs.act(pid, c.ReassignTask(actor="admin", task_id=task_id, to="mgr"))
    # c1 approves HR, so c1 may not approve the committee step: one person, one step.
    await h.programs.act(pid, c.ReassignTask(actor="admin", task_id=task_id, to="c1"))
    await h.programs.act(pid, c.ApproveProgram(actor="c1"))
    with pytest.raises(ActionRefused, match="already approved step 'hr'"):
        await h.programs.act(pid, c.ApproveProgram(actor="c1"))
    assert event_types(h, pid)[len(before) :] == [
        "TaskClaimed",
        "TaskReassigned",
        "ApprovalGranted",
        "ApprovalStepCompleted",
        "ApprovalStepStarted",
        "ApprovalRequested",
        "ApprovalRequested",
        "ApprovalRequested",
    ]
    assert await accepted_updates(h, pid) == ["planned", "act", "act", "act", "act", "act"]


async def test_request_changes_then_the_policy_runs_again(h: Harness) -> None:
    pid = await plan(h)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    await h.programs.act(pid, c.RequestChanges(actor="mgr", reason="too expensive"))
    # the workflow keeps no roster (workflows.roster): the revision names it again
    await revise_as_is(h, pid, trainees=("t1", "t2"), budget=Decimal(20_000))
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    routes = [r.payload["route"]["steps"] for r in log_events(h, pid, "ProgramSubmitted")]
    assert [[s["step_id"] for s in route] for route in routes] == [
        ["manager", "hr", "committee"],
        ["manager"],
    ]
    assert (await h.programs.act(pid, c.ApproveProgram(actor="mgr"))).status == "approved"


async def test_withdraw_and_reject(h: Harness) -> None:
    pid = await plan(h, budget=1000)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    await h.programs.act(pid, c.WithdrawSubmission(actor="spec", reason="wrong date"))
    assert (await h.programs.state(pid)).status == "draft" and await inbox(h, "mgr") == []
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    with pytest.raises(ActionRefused, match="reason"):
        await h.programs.act(pid, c.RejectProgram.model_construct(actor="mgr", reason=""))
    await h.programs.act(pid, c.RejectProgram(actor="mgr", reason="not needed"))
    assert (await h.programs.state(pid)).status == "rejected"


async def test_unroutable_submission_is_refused_and_records_nothing(h: Harness) -> None:
    pid = await plan(h, department="marketing")
    with pytest.raises(
        ActionRefused, match="no manager is configured for department 'marketing'"
    ) as refused:
        await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    assert event_types(h, pid) == ["ProgramPlanned"]
    # keyed, so whoever shows it says it in the reader's language
    assert (refused.value.code, refused.value.params["department"]) == (
        "policy.no_manager",
        "marketing",
    )
    chinese = Translator("zh-CN").refusal(refused.value)
    assert "部门 'marketing' 没有配置经理" in chinese


async def test_auto_reject_at_the_final_deadline(h: Harness) -> None:
    pid = await plan(h, budget=60_000)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    await h.programs.act(pid, c.ApproveProgram(actor="mgr"))
    opened = await h.env.get_current_time()
    deadline = BusinessCalendar(CalendarConfig()).add_working_time(opened, 5, TZ)
    await h.env.sleep(deadline - opened + timedelta(minutes=1))
    rejected = log_events(h, pid, "ApprovalRejected")
    assert rejected and rejected[0].payload["automatic"] is True
    assert abs(rejected[0].occurred_at - deadline) < timedelta(seconds=5)
    assert (await h.programs.state(pid)).status == "rejected"
    reminders = log_events(h, pid, "TaskReminderSent")
    assert {tuple(r.payload["recipients"]) for r in reminders} == {("hr1", "hr2", "c1")}


def test_working_time_skips_weekends() -> None:
    friday_noon = datetime(2027, 1, 8, 12, 0, tzinfo=ZoneInfo(TZ))
    calendar = BusinessCalendar(CalendarConfig())
    assert calendar.add_working_time(friday_noon, 1, TZ) == datetime(
        2027, 1, 11, 12, 0, tzinfo=ZoneInfo(TZ)
    )
    assert calendar.add_working_time(friday_noon, 0.5, TZ) == datetime(
        2027, 1, 11, 0, 0, tzinfo=ZoneInfo(TZ)
    )


async def test_a_route_the_four_eyes_rule_cannot_staff_is_refused_at_submission(
    time_env: WorkflowEnvironment, database: Database
) -> None:
    """HR's only other member, c1, must take HR's step, so the committee has two people for a
    quorum of three: refused when submitted, nothing recorded, instead of waiting for ever."""
    tight = POLICY.model_copy(
        update={
            "groups": {"hr": ("c1", "spec"), "committee": ("c1", "c2", "c3")},
            "steps": (
                POLICY.steps[1],
                POLICY.steps[2].model_copy(
                    update={"quorum": 3, "approvers": Approvers(people=("c1", "c2", "c3"))}
                ),
            ),
        }
    )
    async with running_worker(time_env, database, AdminConfig(approval=tight)) as harness:
        pid = await plan(harness)
        with pytest.raises(ActionRefused, match="step 'committee' needs 3 approver") as refused:
            await harness.programs.act(pid, c.SubmitProgram(actor="spec"))
        assert refused.value.code == "policy.cannot_staff"
        assert not log_events(harness, pid, "ProgramSubmitted")


async def test_inboxes_offer_no_task_the_four_eyes_rule_would_refuse(h: Harness) -> None:
    """The submitter is in the HR group and sees none of its tasks; c1, once HR's approver,
    no longer sees the committee task assigned to them (they would be refused on it)."""
    pid = await plan(h)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    await h.programs.act(pid, c.ApproveProgram(actor="mgr"))
    assert await inbox(h, "spec") == []
    assert [t["relation"] for t in await inbox(h, "c1")] == ["candidate"]
    await h.programs.act(pid, c.ApproveProgram(actor="c1"))
    assert await inbox(h, "c1") == []  # the committee asks c1 too, who approved HR's step
    assert [t["relation"] for t in await inbox(h, "c2")] == ["assigned"]
    with pytest.raises(ActionRefused, match="one person cannot approve two steps"):
        await h.programs.act(pid, c.ApproveProgram(actor="c1"))
