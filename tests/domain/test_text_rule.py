"""Text at the edge: any text a command accepts can be recorded and projected on both databases;
anything else is refused with the field named."""

from __future__ import annotations

import unicodedata
from datetime import UTC, date, datetime
from typing import Any, get_args
from uuid import uuid4

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from domain import commands as c
from domain.events import Session
from domain.program import start
from eventlog import NewEvent
from projections import queries
from services.database import Database

T0 = datetime(2027, 3, 1, 9, tzinfo=UTC)
BASE: dict[str, Any] = {
    "actor": "spec.li",
    "reason": "r",
    "summary": "s",
    "trainee": "e1",
    "session_id": "s1",
    "starts_at": T0.isoformat(),
    "attendees": ["e1"],
    "scores": {"overall": 90},
    "score": 80,
    "task_id": "t1",
    "to": "mgr.wang",
    "title": "t",
    "planned_date": "2027-03-10",
    "sessions": [{"session_id": "s1", "starts_at": T0.isoformat()}],
    "trainees": ["e1"],
}
FREE_TEXT = ("comment", "reason", "summary", "title")


def _commands() -> list[type[BaseModel]]:
    return list(get_args(get_args(c.ProgramCommand)[0]))


def _forbidden(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cs") and ch not in "\t\n\r" for ch in text)


@settings(max_examples=300, deadline=None)
@given(text=st.text(st.characters(codec=None), max_size=40))
def test_every_free_text_field_of_every_command_refuses_control_characters(text: str) -> None:
    for command in _commands():
        for field in FREE_TEXT:
            if field not in command.model_fields:
                continue
            data = {k: v for k, v in BASE.items() if k in command.model_fields}
            data[field] = text or "x"
            try:
                command.model_validate(data)
            except ValidationError as exc:
                if _forbidden(text):
                    assert f"{field}: contains U+" in str(exc)
                continue
            assert not _forbidden(text), (command.__name__, field, text)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(title=st.text(st.characters(codec=None), min_size=1, max_size=60))
def test_an_accepted_title_is_recorded_and_projected(backend_db: Database, title: str) -> None:
    try:
        plan = c.PlanProgram(
            program_id=f"p{uuid4().hex[:12]}",
            actor="spec.li",
            title=title,
            planned_date=date(2027, 3, 10),
            sessions=(Session(session_id="s1", starts_at=T0),),
            trainees=("e1",),
        )
    except ValidationError:
        assert _forbidden(title) or not title.strip() or len(title) > 200
        return
    planned = start(plan)
    backend_db.store.append(
        f"program-{plan.program_id}",
        0,
        [
            NewEvent.of(
                planned,
                event_id=uuid4(),
                occurred_at=T0,
                metadata={"actor": "spec.li", "role": "specialist"},
            )
        ],
    )
    backend_db.projector.catch_up()
    assert backend_db.projector.status().quarantined == 0
    summary = queries.program_summary(backend_db.engine, plan.program_id)
    assert summary is not None and summary["title"] == title


@pytest.mark.parametrize("text", ["a\x00b", "\x1b[31mred", "bell\x07", "lone \ud83d"])
def test_the_refusal_names_the_field_and_the_character(text: str) -> None:
    with pytest.raises(ValidationError, match=r"comment: contains U\+00|comment: contains U\+D83D"):
        c.ApproveProgram(actor="mgr.wang", comment=text)
