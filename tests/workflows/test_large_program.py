"""The largest plan a specialist may send (``MAX_TRAINEES`` trainees with the longest ids, the
most sessions and approvers, every text at its longest) is published, and no payload Temporal
carries for it (workflow input, update, activity input or result, continue-as-new) reaches
256 KiB. Bigger programs enrol from a roster file (``services.programs_bulk``)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from google.protobuf.message import Message
from temporalio.api.common.v1 import Payload

from domain import commands as c
from domain.events import Session
from tests.conftest import Harness

LIMIT = 256 * 1024


def payload_sizes(message: Message) -> list[int]:
    """The size of every payload anywhere inside a history event."""
    if isinstance(message, Payload):
        return [message.ByteSize()]
    sizes: list[int] = []
    for field, value in message.ListFields():
        if field.type != field.TYPE_MESSAGE:
            continue
        if isinstance(value, Message):
            sizes += payload_sizes(value)
            continue
        items: Any = value.values() if hasattr(value, "values") else value  # a map, a list
        for item in items:
            if isinstance(item, Message):
                sizes += payload_sizes(item)
    return sizes


def largest_plan(program_id: str, start: Any) -> c.PlanProgram:
    return c.PlanProgram(
        program_id=program_id,
        actor="spec",
        approvers=(*(f"b{n:02d}".ljust(100, "z") for n in range(19)), "boss"),
        title="T" * 200,
        planned_date=date(start.year + 1, 12, 31),
        sessions=tuple(
            Session(
                session_id=f"s{n:03d}".ljust(64, "x"),
                starts_at=start + timedelta(days=n),
                duration_hours=1.25,
            )
            for n in range(200)
        ),
        trainees=tuple(f"{n:05d}".ljust(100, "a") for n in range(c.MAX_TRAINEES)),
        timezone="America/Argentina/ComodRivadavia",
        department="D" * 100,
        budget=Decimal("999999999999.99"),
        evaluation_window_days=365,
    )


async def test_the_largest_plan_stays_under_256_kib_in_every_payload(harness: Harness) -> None:
    h = harness
    start = await h.env.get_current_time() + timedelta(days=20)
    plan = largest_plan("everyone", start)
    await h.programs.plan(plan)
    await h.programs.act("everyone", c.SubmitProgram(actor="spec"))
    await h.programs.act("everyone", c.ApproveProgram(actor="boss"))
    published = await h.programs.act("everyone", c.PublishProgram(actor="spec"))
    assert published.status == "published"
    stream = h.db.store.read_stream("program-everyone")
    enrolled = {r.payload["trainee"] for r in stream if r.event_type == "TraineeEnrolled"}
    assert enrolled == set(plan.trainees)

    history = await h.env.client.get_workflow_handle("everyone").fetch_history()
    sizes = [size for event in history.events for size in payload_sizes(event)]
    assert max(sizes) < LIMIT, max(sizes)
