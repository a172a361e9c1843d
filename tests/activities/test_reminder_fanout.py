"""A session reminder fanned out by reference: the activity reads its audience from the log a
page at a time (only up to the roster version it was given), writes each recipient's ledger row
once, heartbeats the delivered prefix and, retried, resumes after it."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, Literal
from uuid import uuid4

import pytest
from pydantic import BaseModel
from sqlalchemy import func, select
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from activities.admin_config import NotificationSettings
from activities.contracts import ReminderFanout
from activities.outbox import NotificationService, notifications
from activities.reminder_fanout import ReminderFanoutActivities, enrolled_as_of
from domain import events as e
from domain.program import start
from domain.reminders import recipients_digest
from eventlog import NewEvent
from services.database import Database
from tests.activities.support import unreachable_mail
from tests.plans import one_session

AT = datetime(2027, 1, 4, 9, tzinfo=UTC)
PEOPLE = [f"t{n:02d}" for n in range(10)]
#: How the programs of these tests differ from a one-session plan's defaults.
PLANNED_AS: dict[str, Any] = {
    "approvers": (),
    "planned_date": date(2027, 2, 1),
    "evaluation_window_days": 7,
}


def enrol(database: Database, people: list[str]) -> int:
    """A program stream: its plan, then one enrolment per person (shuffled order)."""
    planned = start(one_session("p1", "Safety", AT, ("t00",), **PLANNED_AS))
    stream: list[e.ProgramPlanned | e.TraineeEnrolled] = [
        planned,
        *(e.TraineeEnrolled(trainee=p) for p in reversed(people)),
    ]
    return database.store.append("program-p1", 0, specialist_rows(stream)).stream_version


def specialist_rows(events: Sequence[BaseModel]) -> list[NewEvent]:
    """``events`` as the program's specialist appends them (new ids, at ``AT``)."""
    return [
        NewEvent.of(
            event,
            event_id=uuid4(),
            occurred_at=AT,
            metadata={"actor": "spec", "role": "specialist"},
        )
        for event in events
    ]


def request(
    version: int, audience: Literal["specialist", "enrolled"] = "enrolled"
) -> ReminderFanout:
    return ReminderFanout(
        idempotency_key="wf-p1:s1:attend_session:20270104T090000Z",
        program_id="p1",
        stream_id="program-p1",
        roster_version=version,
        audience=audience,
        specialist="spec",
        kind="attend_session",
        subject="Today: Safety",
        body="Session s1",
    )


def ledger(database: Database) -> list[str]:
    with database.engine.connect() as conn:
        return sorted(conn.execute(select(notifications.c.recipient)).scalars())


def test_the_roster_is_read_page_by_page_up_to_its_version(database: Database) -> None:
    version = enrol(database, PEOPLE)
    assert enrolled_as_of(database.store, "program-p1", version, page_size=3) == PEOPLE
    # version 4: the plan and the first three enrolments (t09, t08, t07)
    assert enrolled_as_of(database.store, "program-p1", 4, page_size=2) == ["t07", "t08", "t09"]


def test_everyone_gets_it_once_and_the_result_is_count_and_digest(database: Database) -> None:
    version = enrol(database, PEOPLE)
    fanout = ReminderFanoutActivities(database.store, database.outbox, page_size=3)
    beats: list[tuple[object, ...]] = []
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *details: beats.append(details)
    done = env.run(fanout.deliver_reminder, request(version))
    assert (done.delivered, done.digest) == (10, recipients_digest(PEOPLE))
    assert ledger(database) == PEOPLE
    assert beats == [("t02",), ("t05",), ("t08",), ("t09",)]  # a page at a time
    again = env.run(fanout.deliver_reminder, request(version))
    assert again == done and ledger(database) == PEOPLE  # a retry writes nothing twice

    to_spec = env.run(fanout.deliver_reminder, request(version, "specialist"))
    assert (to_spec.delivered, to_spec.digest) == (1, recipients_digest(["spec"]))


def test_a_retry_resumes_after_the_heartbeat(database: Database) -> None:
    version = enrol(database, PEOPLE)
    fanout = ReminderFanoutActivities(database.store, database.outbox, page_size=3)
    env = ActivityEnvironment()
    env.info = dataclasses.replace(env.info, attempt=2, heartbeat_details=["t05"])
    done = env.run(fanout.deliver_reminder, request(version))
    assert ledger(database) == PEOPLE[6:]  # t00..t05 were the earlier attempt's
    assert (done.delivered, done.digest) == (10, recipients_digest(PEOPLE))


def test_a_failed_delivery_keeps_the_cursor_before_it(database: Database) -> None:
    version = enrol(database, PEOPLE)
    mail_to_t04 = NotificationSettings.model_validate(
        {
            "channels": {"mail": unreachable_mail()},
            "routes": [{"recipients": ["t04"], "channel": "mail"}],
        }
    )
    notifier = NotificationService(database.engine, mail_to_t04, database.store)
    fanout = ReminderFanoutActivities(database.store, notifier, page_size=3)
    beats: list[tuple[object, ...]] = []
    env = ActivityEnvironment()
    env.on_heartbeat = lambda *details: beats.append(details)
    with pytest.raises(ApplicationError) as failed:
        env.run(fanout.deliver_reminder, request(version))
    assert failed.value.type == "DeliveryFailed" and not failed.value.non_retryable
    assert "1 of 10 deliveries failed" in str(failed.value)
    assert beats == [("t02",), ("t02",), ("t02",), ("t02",)]  # t03..t05 must be tried again
    with database.engine.connect() as conn:
        statuses: dict[str, int] = dict(
            conn.execute(
                select(notifications.c.status, func.count()).group_by(notifications.c.status)
            ).all()
        )
    assert statuses == {"delivered": 9, "failed": 1}  # the others went on regardless
