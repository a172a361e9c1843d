"""What an action that went through should still tell the person who sent it.

Approving or publishing a program whose sessions have started already, or moving a session
past the program's planned date, is allowed (a late approval happens; a delay is a fact), but
it changes what the program will do and how it counts: its reminders for those sessions are
never sent, or it will count as delivered late. The answer says so, by message key
(``services.error_texts``), in the reader's language at the edge.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from domain import commands as c
from services.error_texts import say


class ActionWarning(BaseModel):
    """One thing to know about an action that was recorded."""

    code: str
    params: dict[str, str] = {}
    message: str = Field(description="In the reader's language (English for a script).")


def warned(code: str, **params: object) -> ActionWarning:
    values = {name: str(value) for name, value in params.items()}
    return ActionWarning(code=code, params=values, message=say(code, values, "en") or code)


def action_warnings(
    command: BaseModel, state: dict[str, Any] | None, now: datetime
) -> list[ActionWarning]:
    """The warnings ``command`` earns against the program's state before it (read model;
    none while the projector has not shown the program yet)."""
    if not state:
        return []
    sessions = [s for s in (state.get("sessions") or {}).values() if isinstance(s, dict)]
    if isinstance(command, c.ApproveProgram | c.PublishProgram):
        started = sorted(
            str(s["session_id"])
            for s in sessions
            if datetime.fromisoformat(str(s["starts_at"])) <= now
        )
        if started:
            return [warned("warning.sessions_started", sessions=", ".join(started))]
    if isinstance(command, c.RescheduleSession) and state.get("planned_date"):
        zone = ZoneInfo(str(state.get("timezone") or "UTC"))
        day = command.starts_at.astimezone(zone).date()
        planned = date.fromisoformat(str(state["planned_date"]))
        if day > planned:
            return [
                warned(
                    "warning.after_planned_date",
                    session_id=command.session_id,
                    day=day.isoformat(),
                    planned=planned.isoformat(),
                )
            ]
    return []


def said_in(warnings: list[ActionWarning], lang: str) -> list[ActionWarning]:
    """``warnings`` with their messages in ``lang``."""
    return [
        w.model_copy(update={"message": say(w.code, w.params, lang) or w.message}) for w in warnings
    ]
