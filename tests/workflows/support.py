"""What several workflow tests ask of a program: its events in the log, the updates its
workflow accepted, a small safety course to plan."""

from __future__ import annotations

from datetime import datetime, timedelta

from temporalio.api.enums.v1 import EventType

from domain import commands as c
from domain.events import Session
from tests.conftest import Harness
from tests.plans import TZ


def event_types(h: Harness, pid: str) -> list[str]:
    """The program's events in the log, oldest first."""
    return [r.event_type for r in h.db.store.read_stream(f"program-{pid}")]


async def accepted_updates(h: Harness, pid: str) -> list[str]:
    """The updates the workflow accepted, by name, in order (a refused one is not there)."""
    history = await h.env.client.get_workflow_handle(pid).fetch_history()
    return [
        e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    ]


def safety_basics(
    program_id: str, starts_at: datetime, trainees: tuple[str, ...], **more: object
) -> c.PlanProgram:
    """spec.li's one-session safety course for ``trainees``, approved by mgr.wang."""
    return c.PlanProgram.model_validate(
        {
            "program_id": program_id,
            "actor": "spec.li",
            "approvers": ("mgr.wang",),
            "timezone": TZ,
            "title": "Safety basics",
            "planned_date": (starts_at + timedelta(days=5)).date(),
            "sessions": (Session(session_id="s1", starts_at=starts_at, duration_hours=3),),
            "trainees": trainees,
        }
        | more
    )
