"""A valid training plan as the API takes it, for the tests that drive the API, and as a
command, for the tests that plan directly."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from domain import commands as c
from domain.events import Session

#: The time zone of the tests' programs.
TZ = "Asia/Shanghai"


def plan_json(program_id: str, start: datetime, **changes: Any) -> dict[str, Any]:
    """Workplace safety for two trainees: one three-hour session at ``start``, the planned
    date five days later; ``changes`` replace fields."""
    return {
        "program_id": program_id,
        "title": "Workplace safety",
        "approvers": ["mgr.wang"],
        "planned_date": (start + timedelta(days=5)).date().isoformat(),
        "sessions": [{"session_id": "s1", "starts_at": start.isoformat(), "duration_hours": 3}],
        "trainees": ["emp.1", "emp.2"],
        "timezone": TZ,
        **changes,
    }


def one_session(
    program_id: str, title: str, starts_at: datetime, trainees: tuple[str, ...], **more: object
) -> c.PlanProgram:
    """A one-session program "spec" plans for ``trainees`` on the day it starts, naming "boss"
    to approve it; ``more`` replaces fields."""
    return c.PlanProgram.model_validate(
        {
            "program_id": program_id,
            "actor": "spec",
            "approvers": ("boss",),
            "title": title,
            "planned_date": starts_at.date(),
            "sessions": (Session(session_id="s1", starts_at=starts_at),),
            "trainees": trainees,
        }
        | more
    )
