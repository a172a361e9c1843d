"""An SLA that runs out on a step escalating to nobody gives its holders an overdue notice."""

from __future__ import annotations

from datetime import UTC, datetime

from domain import commands as c
from domain import events as e
from domain.approval import DEFAULT_SLA_WORKING_DAYS, ApprovalPolicy, PolicyStep
from domain.approval_flow import approval_timers
from domain.program import fold
from domain.sla_notices import overdue_notice
from tests.domain.test_approval_rules import POLICY, run, submitted

#: Like the default policy: POLICY's manager step with the default SLA and no escalation.
NO_ESCALATION = ApprovalPolicy(
    department_managers=POLICY.department_managers,
    steps=(
        PolicyStep.model_validate(
            POLICY.steps[0].model_dump(exclude={"escalate_to", "auto_reject_after_working_days"})
            | {"sla_working_days": DEFAULT_SLA_WORKING_DAYS}
        ),
    ),
)


def test_without_escalation_the_sla_ends_in_an_overdue_notice_once() -> None:
    state = submitted(policy=NO_ESCALATION)
    timers = approval_timers(state)
    assert [(t.kind, t.at) for t in timers] == [
        ("remind", datetime(2027, 3, 2, 21, 0, tzinfo=UTC)),
        ("overdue", datetime(2027, 3, 4, 9, 0, tzinfo=UTC)),  # 3 working days after Monday 9:00
    ]
    notice = overdue_notice(state, timers[1].task_id)
    assert notice is not None
    assert notice.recipients == ("mgr",) and notice.kind == "approval_overdue"
    assert notice.key == f"task-{timers[1].task_id}:overdue"
    assert notice.subject == "Overdue: approval of “t” is past its SLA"
    # the due instant as every table writes it: in the program's zone, labelled
    in_shanghai = state.model_copy(update={"timezone": "Asia/Shanghai"})
    said = overdue_notice(in_shanghai, timers[1].task_id)
    assert said is not None
    assert "2027-03-04 17:00 Asia/Shanghai" in said.body, said.body

    told = fold([notice.sent(("n-1",))], state)
    assert told is not None
    assert [t.kind for t in approval_timers(told)] == ["remind"]
    assert overdue_notice(told, timers[1].task_id) is None, "not twice"
    assert told.tasks[timers[1].task_id].reminded is False, "the half-way reminder still owed"


def test_no_overdue_notice_for_a_decided_task_or_an_escalating_step() -> None:
    state = submitted(policy=NO_ESCALATION)
    task_id = next(iter(state.tasks))
    approved = run(state, c.ApproveProgram(actor="mgr"))
    assert approval_timers(approved) == [] and overdue_notice(approved, task_id) is None

    escalating = submitted()  # its first step escalates to "boss" at the SLA instead
    assert "overdue" not in [t.kind for t in approval_timers(escalating)]
    assert overdue_notice(escalating, next(iter(escalating.tasks))) is None
    assert POLICY.steps[0].escalate_to == "boss"


def test_a_reminder_recorded_before_the_flag_existed_is_the_half_way_one() -> None:
    old = e.TaskReminderSent.model_validate({"task_id": "x", "recipients": ["mgr"]})
    assert old.overdue is False
