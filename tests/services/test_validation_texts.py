"""A 422's words: what is wrong, once, without pydantic's internals ("Value error, ", a list
said to be empty beside its own wrong item), in English and Chinese alike."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

import pytest
from pydantic import ValidationError

from domain import commands as c
from services.validation_texts import invalid_input

PLAN: dict[str, Any] = {
    "program_id": "p1",
    "actor": "spec",
    "title": "Safety",
    "planned_date": date(2030, 1, 20),
    "trainees": ("e1",),
}


def _errors(**changes: Any) -> list[Any]:
    with pytest.raises(ValidationError) as invalid:
        c.PlanProgram.model_validate({**PLAN, **changes})
    return list(invalid.value.errors())


def test_a_wrong_session_is_said_once_not_as_an_empty_list() -> None:
    start = datetime(2030, 1, 15, 9, tzinfo=UTC)
    errors = _errors(sessions=({"session_id": "s1", "starts_at": start, "duration_hours": 0},))
    for lang in ("en", "zh-CN"):
        said = invalid_input(errors, lang)
        assert "duration_hours" in said or "时长" in said, said
        assert "at least 1 item" not in said and "Tuple" not in said, said
    # a list that is really empty is still said
    assert "at least 1 item" in invalid_input(_errors(sessions=()), "en")


def test_our_validators_speak_without_pydantics_prefix() -> None:
    start = datetime(2030, 1, 15, 9, tzinfo=UTC)
    session = {"session_id": "s1", "starts_at": start}
    said = invalid_input(_errors(sessions=(session,), trainees=("e1", "e1")), "en")
    assert "trainees must not repeat" in said and "Value error" not in said, said


def test_chinese_names_a_field_in_words_never_as_a_dotted_path() -> None:
    """Issue 16: ``sessions.0.starts_at`` (or ``课次第 1 项.开始时间``) read in a Chinese
    error; a session's field, a text rule's path and a score's name are said in words."""
    from services.validation_texts import field_name

    start = datetime(2030, 1, 15, 9, tzinfo=UTC)
    session = {"session_id": "s1", "starts_at": start, "duration_hours": 0}
    said = invalid_input(_errors(sessions=(session,)), "zh-CN")
    assert said.startswith("输入无效:课次第 1 项的时长(小时):"), said
    assert field_name(("body", "scores", "overall"), "zh-CN") == "分数的 overall"
    control = _errors(
        sessions=({**session, "starts_at": start.replace(tzinfo=UTC)},), title="a\x07"
    )
    said = invalid_input(control, "zh-CN")
    assert "标题的第 2 个字符 U+0007 是控制字符" in said, said
    for words in (said, invalid_input(_errors(sessions=(session,)), "zh-CN")):
        assert not re.search(r"[a-z]\.\w|contains|sessions|title", words), words


def test_bounds_read_as_plain_english_not_pydantics_words() -> None:
    """Issue 16: "Input should be less than or equal to 24" for a session's hours."""
    start = datetime(2030, 1, 15, 9, tzinfo=UTC)
    errors = _errors(sessions=[{"session_id": "s1", "starts_at": start, "duration_hours": 30}])
    said = invalid_input(errors, "en")
    assert said == "invalid input: sessions.0.duration_hours: must be 24 or less", said
    titled = invalid_input(_errors(title="x" * 201, sessions=[]), "en")
    assert "title: must have at most 200 characters" in titled and "should" not in titled
