"""The activities on their own: a retried append is a no-op, a retried reminder is sent once."""

from __future__ import annotations

from datetime import UTC, date, datetime
from uuid import uuid4

import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.contracts import AppendEventsInput, Notice
from activities.program_activities import ProgramActivities
from domain import events as e
from domain.program import start
from services.database import Database
from tests.plans import one_session

AT = datetime(2027, 1, 4, 9, tzinfo=UTC)


def planned_envelope() -> e.EventEnvelope:
    plan = one_session(
        "p1", "t", AT, ("t1",), planned_date=date(2027, 2, 1), evaluation_window_days=7
    )
    event = start(plan)
    return e.EventEnvelope.wrap(
        event, event_id=uuid4(), actor="spec", role="specialist", occurred_at=AT
    )


def test_retried_append_is_a_no_op(database: Database) -> None:
    activities = ProgramActivities(database.store, database.outbox)
    request = AppendEventsInput(
        stream_id="program-p1", expected_version=0, envelopes=(planned_envelope(),)
    )
    env = ActivityEnvironment()
    first = env.run(activities.append_events, request)
    again = env.run(activities.append_events, request)
    assert (first.replayed, again.replayed) == (False, True)
    assert again.last_position == first.last_position == 1
    assert database.store.head()[0] == 1
    stored = database.store.read_stream("program-p1")[0]
    assert stored.metadata["actor"] == "spec" and stored.metadata["workflow_id"]


def test_version_conflict_is_not_retried(database: Database) -> None:
    activities = ProgramActivities(database.store, database.outbox)
    env = ActivityEnvironment()
    env.run(
        activities.append_events,
        AppendEventsInput(
            stream_id="program-p1", expected_version=0, envelopes=(planned_envelope(),)
        ),
    )
    with pytest.raises(ApplicationError) as refused:
        env.run(
            activities.append_events,
            AppendEventsInput(
                stream_id="program-p1", expected_version=0, envelopes=(planned_envelope(),)
            ),
        )
    assert refused.value.non_retryable and refused.value.type == "StreamVersionConflict"
    assert database.store.head()[0] == 1


def test_retried_reminder_is_delivered_once(database: Database) -> None:
    activities = ProgramActivities(database.store, database.outbox)
    notice = Notice(
        idempotency_key="wf-1:s1:prepare",
        program_id="p1",
        kind="prepare_materials",
        subject="Prepare materials: Safety",
        body="Session s1",
        recipients=("spec", "t1"),
    )
    env = ActivityEnvironment()
    first = env.run(activities.deliver_notice, notice)
    again = env.run(activities.deliver_notice, notice)
    assert first.notification_ids == again.notification_ids
    assert sorted(n["recipient"] for n in database.outbox.list()) == ["spec", "t1"]
