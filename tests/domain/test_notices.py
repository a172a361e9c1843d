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
