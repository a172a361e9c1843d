"""The seal schedule on Temporal's dev server (the time-skipping test server has no schedules):
created once however often workers start, updated to the settings, removed with interval 0,
and a triggered run seals the log through the worker's activity."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

import pytest
from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from activities.outbox import NotificationService
from audit.digest import read_seals
from audit.witness import load_witness
from runtime.settings import Settings
from services.database import open_database
from services.sealing import SCHEDULE_ID, ensure_seal_schedule, prepare_sealer
from tests.eventlog.support import new_events
from trainops.worker import build_worker


async def test_the_schedule_is_idempotent_and_seals(
    dev_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    client, task_queue = dev_env.client, f"tq-{uuid4()}"
    await ensure_seal_schedule(client, task_queue, 60)
    await ensure_seal_schedule(client, task_queue, 60)  # a second worker starting
    await ensure_seal_schedule(client, task_queue, 30)  # the setting changed
    handle = client.get_schedule_handle(SCHEDULE_ID)
    described = await handle.describe()
    assert [i.every for i in described.schedule.spec.intervals] == [timedelta(minutes=30)]

    database = open_database(f"sqlite:///{tmp_path / 'log.db'}")
    try:
        database.store.append("program-a", 0, new_events(3))
        settings = Settings(seal_key_file=tmp_path / "seal.pem", witness_dir=tmp_path / "witness")
        sealer = prepare_sealer(database.store, settings)
        notifier = NotificationService(database.engine)
        async with build_worker(client, task_queue, database.store, notifier, sealer=sealer):
            await handle.trigger()
            for _ in range(200):
                if list(read_seals(database.engine)):
                    break
                await asyncio.sleep(0.1)
        [seal] = read_seals(database.engine)
        assert seal.position == 4 and seal.key_id == sealer.signer.key_id
        assert [s.seq for s in load_witness(tmp_path / "witness")] == [1]
    finally:
        database.close()

    await ensure_seal_schedule(client, task_queue, 0)
    with pytest.raises(RPCError) as gone:
        await handle.describe()
    assert gone.value.status == RPCStatusCode.NOT_FOUND
    await ensure_seal_schedule(client, task_queue, 0)  # already gone: fine
