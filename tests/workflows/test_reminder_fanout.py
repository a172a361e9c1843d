"""Session reminders go out by reference: the workflow names the audience, the activity reads
it from the log page by page; what the workflow sends and records stays the same size however
many trainees there are, and the ledger has everyone once."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from temporalio.api.enums.v1 import EventType

from domain import commands as c
from domain.events import ReminderSent, load_event
from domain.reminders import recipients_digest
from tests.conftest import Harness, until
from tests.plans import TZ
from tests.workflows.support import employees, published_for

TRAINEES = 1_500  # more than a page of the fan-out


async def test_reminders_to_everyone_record_count_and_digest_not_the_list(
    harness: Harness,
) -> None:
    h = harness
    now = await h.env.get_current_time()
    start = (now + timedelta(days=10)).astimezone(ZoneInfo(TZ))
    people = employees(TRAINEES)
    in_plan = people[: c.MAX_TRAINEES]  # the rest are enrolled after publishing, as a file is
    await published_for(h, "all-hands", "Compliance", in_plan, start)
    rest = c.EnrollTrainees(actor="spec", trainees=people[c.MAX_TRAINEES :])
    await h.programs.act("all-hands", rest)
    await until(h.env, start + timedelta(minutes=1))
    await h.env.client.get_workflow_handle("all-hands").query("state")  # caught up

    stream = h.db.store.read_stream("program-all-hands")
    sent = {
        r.payload["kind"]: (r, load_event(r.event_type, r.schema_version, r.payload))
        for r in stream
        if r.event_type == "ReminderSent"
    }
    row, attend = sent["attend_session"]
    assert isinstance(attend, ReminderSent)
    assert attend.recipient_count == TRAINEES and attend.recipients == ()
    assert attend.recipients_digest == recipients_digest(people)
    assert attend.roster_version is not None and attend.roster_version < row.stream_version
    assert len(str(row.payload)) < 1000
    _, prepare = sent["prepare_materials"]
    assert isinstance(prepare, ReminderSent) and prepare.recipient_count == 1
    assert prepare.recipients_digest == recipients_digest(["spec"])

    ledger = [n for n in h.db.outbox.list(limit=10_000) if n["subject"].startswith("Today:")]
    assert sorted(n["recipient"] for n in ledger) == sorted(people)

    history = await h.env.client.get_workflow_handle("all-hands").fetch_history()
    fanouts = [
        ev.activity_task_scheduled_event_attributes
        for ev in history.events
        if ev.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and ev.activity_task_scheduled_event_attributes.activity_type.name == "deliver_reminder"
    ]
    assert len(fanouts) == 2
    assert max(sum(len(p.data) for p in f.input.payloads) for f in fanouts) < 2_000
    assert not [
        ev
        for ev in history.events
        if ev.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
        and ev.activity_task_scheduled_event_attributes.activity_type.name == "deliver_notice"
        and b"Today:" in ev.activity_task_scheduled_event_attributes.input.payloads[0].data
    ]
