"""A program for 10,000 trainees (the most a plan may name) is published: its enrolments go to
the log in chunks, and every activity payload stays below half of Temporal's 2 MB limit. (The
plan's first event carries the roster twice, in the event and in its proof: at 10,000 e-mail
addresses that is ~0.6 MB, above the SDK's 512 KB warning; a roster kept outside the workflow
is what 50,000 trainees need.)"""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from temporalio.api.enums.v1 import EventType

from tests.conftest import Harness
from tests.plans import TZ
from tests.workflows.support import employees, published_for

TRAINEES = 10_000
HALF_THE_LIMIT = 1024 * 1024


async def test_ten_thousand_trainees_are_published(harness: Harness) -> None:
    h = harness
    now = await h.env.get_current_time()
    start = (now + timedelta(days=20)).astimezone(ZoneInfo(TZ))
    people = employees(TRAINEES)
    status = await published_for(h, "everyone", "Compliance for everyone", people, start)
    assert status == "published"
    stream = h.db.store.read_stream("program-everyone")
    enrolled = [r for r in stream if r.event_type == "TraineeEnrolled"]
    assert len(enrolled) == TRAINEES
    assert len({r.payload["trainee"] for r in enrolled}) == TRAINEES

    history = await h.env.client.get_workflow_handle("everyone").fetch_history()
    sizes = [
        sum(len(p.data) for p in ev.activity_task_scheduled_event_attributes.input.payloads)
        for ev in history.events
        if ev.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    ]
    assert sizes and max(sizes) < HALF_THE_LIMIT, max(sizes)
    assert sorted(sizes)[-3] < 200_000  # only the plan is large; the enrolments went in chunks
