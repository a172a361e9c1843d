"""Notices say it in English, then Simplified Chinese; user text is a parameter, never a
template."""

from __future__ import annotations

import string

import pytest

from domain.notices import TEXTS, compose


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("kind", sorted(TEXTS))
def test_every_notice_has_both_languages_with_the_same_parameters(kind: str) -> None:
    english, chinese = TEXTS[kind]["en"], TEXTS[kind]["zh-CN"]
    assert _fields(english[0]) | _fields(english[1]) == _fields(chinese[0]) | _fields(chinese[1])
    params = {name: "{x} [urgent] مرحبا 🎉" for name in _fields(english[0] + english[1])}
    subject, body = compose(kind, **params)
    assert subject == english[0].format_map(params)
    assert body.startswith(english[1].format_map(params))
    assert chinese[0].format_map(params) in body and chinese[1].format_map(params) in body


def test_the_english_stays_as_it_was() -> None:
    subject, body = compose(
        "approval_requested.due", title="Safety", task_id="t1", step_id="s1", due_at="2027-01-04"
    )
    assert subject == "Waiting for you: approval of “Safety”"
    assert body.startswith("Task t1 (step s1) is in your inbox; due 2027-01-04.\n\n待你审批")
    subject, body = compose("prepare_materials", title="Fire drill", session_id="s1", starts_at="T")
    assert subject == "Prepare materials: Fire drill — session s1"
    assert body.startswith("Prepare materials: Fire drill — session s1, starting T.")


def test_a_notice_names_its_program_in_each_of_its_languages() -> None:
    """A trial: every Chinese notice ended in English ("Program p3."), the line the workflow
    added after the whole two-language body."""
    from domain.notices import body_in, compose, with_program

    _, body = compose("program_approved", title="Safety")
    named = with_program(body, "p3")
    english, chinese = body_in(named, "en"), body_in(named, "zh-CN")
    assert english.endswith("\nProgram p3.") and "项目" not in english, english
    assert chinese.endswith("\n项目 p3。") and "Program" not in chinese, chinese
    assert with_program("plain text", "p3") == "plain text\nProgram p3."
    assert body_in("plain text", "zh-CN") == "plain text"


def test_an_approval_notice_names_who_approved_and_their_comment() -> None:
    """A trial: the approval's notice said only "Your program is approved", while a
    rejection's named the approver and the reason; both languages now name who decided and
    what they wrote."""
    from datetime import date

    from domain.approval_events import (
        ApprovalGranted,
        ApprovalRejected,
        ApprovalStepCompleted,
        ChangesRequested,
    )
    from domain.decision_notices import decision_notice
    from domain.notices import body_in
    from domain.program_events import ProgramApproved

    approved = ProgramApproved(planned_date=date(2027, 1, 4))
    granted = ApprovalGranted(task_id="t1", approver="wang", comment="  go ahead ")
    found = decision_notice([granted, ApprovalStepCompleted(step_id="s"), approved], "Safety")
    assert found is not None
    kind, subject, body = found
    assert (kind, subject) == ("program_approved", "Approved: “Safety”")
    assert body_in(body, "en") == (
        "wang approved your program, commenting “go ahead”. Publish it to enrol its trainees."
    )
    assert body_in(body, "zh-CN") == "wang 批准了你的培训项目,意见:“go ahead”。发布后学员即被报名。"

    silent = granted.model_copy(update={"comment": "   "})
    found = decision_notice([silent, approved], "Safety")
    assert found is not None
    assert body_in(found[2], "en") == (
        "wang approved your program: publish it to enrol its trainees."
    )
    assert body_in(found[2], "zh-CN").startswith("wang 批准了你的培训项目:")
    # approved by no one's decision (no step applied): said without a name
    found = decision_notice([approved], "Safety")
    assert found is not None and found[2].startswith("Your program is approved")

    rejected = ApprovalRejected(task_id="t1", approver="wang", reason="no budget")
    found = decision_notice([rejected], "Safety")
    assert found is not None and found[0] == "program_rejected"
    assert body_in(found[2], "en") == "wang rejected your program: no budget"
    returned = ChangesRequested(task_id="t1", approver="wang", reason="add a quiz")
    found = decision_notice([returned], "Safety")
    assert found is not None and found[0] == "changes_requested"
    assert body_in(found[2], "zh-CN").startswith("wang 要求修改:add a quiz")
    assert decision_notice([granted], "Safety") is None  # a step of several: nothing to say
