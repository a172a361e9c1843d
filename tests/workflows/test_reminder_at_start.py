"""A reminder due at the very start of its session (lead 0 and a start before the day's reminder
hour) is sent a moment after the start, not dropped: the workflow wakes at the start, and the
session's reminders stay owed for a short grace."""

from __future__ import annotations

from datetime import timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from temporalio.testing import WorkflowEnvironment

from activities.admin_config import AdminConfig
from domain.calendar import ReminderRules
from domain.reminders import attend_due
from services.database import Database
from tests.conftest import running_worker, until
from tests.workflows.support import published_for

ZONE = "Europe/Berlin"


async def test_a_reminder_due_exactly_at_the_start_is_sent(
    time_env: WorkflowEnvironment, database: Database
) -> None:
    rules = ReminderRules(attend_lead_minutes=0)  # and 07:30 is before the 08:00 reminder hour
    async with running_worker(time_env, database, AdminConfig(reminders=rules)) as h:
        now = await time_env.get_current_time()
        start = (
            (now + timedelta(days=10))
            .astimezone(ZoneInfo(ZONE))
            .replace(hour=7, minute=30, second=0, microsecond=0)
        )
        assert attend_due(start, ZONE, rules) == start
        pid = f"at-start-{uuid4().hex[:8]}"
        await published_for(h, pid, "At the start", ("t1",), start, timezone=ZONE)
        await until(time_env, start + timedelta(minutes=5))
        handle = time_env.client.get_workflow_handle(pid)
        await handle.query("state")  # the workflow has caught up with the skipped time
        sent = [
            r
            for r in database.store.read_stream(f"program-{pid}")
            if r.event_type == "ReminderSent" and r.payload["kind"] == "attend_session"
        ]
        assert len(sent) == 1
        assert start <= sent[0].occurred_at < start + timedelta(minutes=1)
