"""Session reminders on the program's business calendar, through the real workflow:
China's Spring Festival holidays move the reminder, and a US DST change keeps 09:00 local."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from runtime.temporal_bins import test_server_path as time_skipping_server
from services.database import Database
from tests.conftest import Harness, running_worker
from tests.workflows.support import published_for

SHANGHAI = ZoneInfo("Asia/Shanghai")
NEW_YORK = ZoneInfo("America/New_York")


async def publish(h: Harness, start: datetime, timezone: str, region: str | None) -> str:
    pid = f"cal-{uuid4().hex[:8]}"
    await published_for(h, pid, "Calendar", ("t1",), start, timezone=timezone, region=region)
    return pid


def fired(h: Harness, pid: str) -> dict[str, datetime]:
    return {
        r.payload["kind"]: r.occurred_at
        for r in h.db.store.read_stream(f"program-{pid}")
        if r.event_type == "ReminderSent"
    }


@pytest_asyncio.fixture
async def own_clock(database: Database) -> AsyncIterator[Harness]:
    """A time-skipping server of its own: this test jumps more than a year ahead, which on the
    shared server would also wake every earlier test's abandoned timers."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=time_skipping_server()
    )
    try:
        async with running_worker(env, database) as h:
            yield h
    finally:
        await env.shutdown()


async def test_holidays_and_dst_move_reminders_to_the_right_instants(own_clock: Harness) -> None:
    h = own_clock
    # Mon 2028-01-31; Spring Festival Jan 25-28 is off: 3 working days back is Thu Jan 20.
    spring = await publish(h, datetime(2028, 1, 31, 10, 0, tzinfo=SHANGHAI), "Asia/Shanghai", "CN")
    # Wed 2028-03-15 (EDT); US DST began Sun Mar 12: 3 working days back is Fri Mar 10 (EST).
    dst = await publish(h, datetime(2028, 3, 15, 10, 0, tzinfo=NEW_YORK), "America/New_York", "US")
    await h.env.sleep(datetime(2028, 3, 16, tzinfo=NEW_YORK) - await h.env.get_current_time())

    sent = fired(h, spring)
    assert abs(
        sent["prepare_materials"] - datetime(2028, 1, 20, 9, 0, tzinfo=SHANGHAI)
    ) < timedelta(seconds=5)
    assert abs(sent["attend_session"] - datetime(2028, 1, 31, 8, 0, tzinfo=SHANGHAI)) < timedelta(
        seconds=5
    )
    sent = fired(h, dst)
    prepare = datetime(2028, 3, 10, 9, 0, tzinfo=NEW_YORK)
    assert prepare.utcoffset() == timedelta(hours=-5)
    assert abs(sent["prepare_materials"] - prepare) < timedelta(seconds=5)
    attend = datetime(2028, 3, 15, 8, 0, tzinfo=NEW_YORK)
    assert attend.utcoffset() == timedelta(hours=-4)
    assert abs(sent["attend_session"] - attend) < timedelta(seconds=5)
    planned = h.db.store.read_stream(f"program-{spring}")[0].payload
    assert planned["calendar"]["region"] == "CN"
