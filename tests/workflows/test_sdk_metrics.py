"""The worker's metrics: with TRAINOPS_WORKER_METRICS_ADDRESS set, the runtime serves Prometheus
text with the SDK's own series while a worker polls, and trainops's append and delivery counters
once a program has recorded something."""

from __future__ import annotations

import asyncio
import urllib.request
from datetime import timedelta
from uuid import uuid4

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.config_versions import ConfigSource
from activities.outbox import NotificationService
from audit.signing_keys import publish_key
from domain.commands import PlanProgram
from domain.events import Session
from runtime.temporal_runtime import build_runtime
from services.database import Database
from services.program_client import ProgramClient
from tests.conftest import TEST_SIGNER
from tests.ports import free_port
from trainops.worker import build_worker


def _scrape(address: str) -> str:
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=5) as answer:
        return str(answer.read().decode())


async def test_a_worker_serves_the_sdk_metrics(
    time_env: WorkflowEnvironment, database: Database
) -> None:
    address = f"127.0.0.1:{free_port()}"
    runtime = build_runtime(address)
    client = await Client.connect(
        time_env.client.service_client.config.target_host,
        data_converter=pydantic_data_converter,
        runtime=runtime,
    )
    notifier = NotificationService(database.engine, None, database.store)
    config = ConfigSource(database.store, None)
    text = ""
    task_queue = f"tq-{uuid4()}"
    publish_key(database.store, TEST_SIGNER.trusted_key())
    programs = ProgramClient(client, task_queue, TEST_SIGNER, clock=time_env.get_current_time)
    async with build_worker(client, task_queue, database.store, notifier, config=config):
        now = await time_env.get_current_time()
        await programs.plan(
            PlanProgram(
                program_id=f"m-{uuid4().hex[:8]}",
                actor="spec",
                title="Metrics",
                planned_date=(now + timedelta(days=31)).date(),
                sessions=(Session(session_id="s1", starts_at=now + timedelta(days=30)),),
                trainees=("t1",),
                timezone="UTC",
            )
        )
        for _ in range(100):
            await asyncio.sleep(0.1)
            text = await asyncio.to_thread(
                lambda: (
                    urllib.request.urlopen(f"http://{address}/metrics", timeout=5).read().decode()
                )
            )
            if "temporal_" in text and "trainops_events_appended" in text:
                break
    assert "temporal_" in text, text[:500]
    assert "# TYPE" in text
    appended = [
        line
        for line in text.splitlines()
        if line.startswith("trainops_events_appended") and 'outcome="appended"' in line
    ]
    assert appended and float(appended[0].rsplit(" ", 1)[1]) >= 1, text[-1500:]
