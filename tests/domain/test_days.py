"""Days are YYYY-MM-DD only: compact, week-based and numeric forms are refused, not guessed."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from domain import commands as c
from domain.days import parse_day
from domain.reference import EmployeeRecorded


@pytest.mark.parametrize(
    "value",
    [
        "20260320",
        "2026-W12-5",
        "2026-079",
        "2026-3-20",
        20260320,
        "2026-02-30",
        "",
        " ",
        "2026-03-20T00:00",
    ],
)
def test_other_forms_are_refused(value: object) -> None:
    with pytest.raises(ValueError, match="is not"):
        parse_day(value)


def test_the_one_form_and_real_dates_pass() -> None:
    assert parse_day("2026-03-20") == date(2026, 3, 20)
    assert parse_day(" 2026-03-20 ") == date(2026, 3, 20)
    assert parse_day(date(2026, 3, 20)) == date(2026, 3, 20)


def test_commands_and_records_use_the_rule() -> None:
    with pytest.raises(ValidationError, match="write YYYY-MM-DD"):
        c.SubmitProgram.model_validate({"actor": "a"}) and c.ReviseProgram.model_validate(
            {
                "actor": "a",
                "title": "t",
                "planned_date": "20270320",
                "trainees": ["e1"],
                "sessions": [{"session_id": "s1", "starts_at": "2027-03-01T09:00+08:00"}],
            }
        )
    with pytest.raises(ValidationError, match="write YYYY-MM-DD"):
        EmployeeRecorded.model_validate({"employee_id": "e1", "hire_date": "2026-W12-5"})
