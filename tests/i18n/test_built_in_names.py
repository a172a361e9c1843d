"""Names the product gives (the built-in approval policy and its step) read in the reader's
language wherever they appear, by one mechanism at render time; names people give stay as
written. A stored summary from before keeps reading the same."""

from __future__ import annotations

import pytest

from api.languages import LANGUAGES
from api.translator import Translator
from domain.approval import DEFAULT_STEP_NAME, ApprovalPolicy
from domain.approval_events import ApprovalStepStarted
from projections.event_messages import encode, parts
from projections.event_texts import BUILT_IN_NAMES, LEGACY, built_in, render
from trainops import language


def _product_names() -> set[str]:
    policy = ApprovalPolicy()
    return {policy.name, DEFAULT_STEP_NAME, *(step.name for step in policy.steps)}


@pytest.mark.parametrize("lang", sorted(set(LANGUAGES) - {"en"}))
def test_every_name_the_product_gives_has_a_text_in_every_language(lang: str) -> None:
    missing = _product_names() - set(BUILT_IN_NAMES[lang])
    assert not missing, f"no {lang} text for the built-in name(s) {sorted(missing)}"
    assert set(BUILT_IN_NAMES) == set(LANGUAGES) - {"en"}


def test_the_built_in_step_reads_in_chinese_in_its_summary_and_a_persons_step_as_written() -> None:
    started = ApprovalStepStarted(step_id="approval", name=DEFAULT_STEP_NAME, quorum=1)
    message = parts(started)
    assert render(message, "en") == f"approval step “{DEFAULT_STEP_NAME}” started (quorum 1)"
    assert render(message, "zh-CN") == "审批步骤“由计划指定的审批人审批”开始(法定人数 1)"
    own = ApprovalStepStarted(step_id="hr", name="HR 审批 (Approval)", quorum=2)
    assert render(parts(own), "zh-CN") == "审批步骤“HR 审批 (Approval)”开始(法定人数 2)"


def test_a_summary_stored_with_the_old_key_reads_as_the_new_one() -> None:
    assert LEGACY["event.ApprovalStepStarted.builtin"] == (
        "event.ApprovalStepStarted",
        {"name": DEFAULT_STEP_NAME},
    )
    stored = encode([("event.ApprovalStepStarted.builtin", {"quorum": "2"})])
    page = Translator("zh-CN")
    assert page.event({"summary": "x", "message": stored}) == (
        "审批步骤“由计划指定的审批人审批”开始(法定人数 2)"
    )


def test_pages_and_the_command_line_name_it_the_same_way() -> None:
    assert Translator("zh-CN").name(DEFAULT_STEP_NAME) == "由计划指定的审批人审批"
    assert Translator("en").name(DEFAULT_STEP_NAME) == DEFAULT_STEP_NAME
    assert Translator("zh-CN").name("default") == built_in("default", "zh-CN") == "默认"
    assert Translator("zh-CN").name("Finance") == "Finance"
    try:
        language.choose("zh-CN")
        assert language.name(DEFAULT_STEP_NAME) == "由计划指定的审批人审批"
        language.choose("en")
        assert language.name(DEFAULT_STEP_NAME) == DEFAULT_STEP_NAME
    finally:
        language.choose(None)
