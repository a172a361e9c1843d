"""The worker's Temporal SDK metrics: with TRAINOPS_WORKER_METRICS_ADDRESS set, the runtime
serves Prometheus text with the SDK's own series while a worker polls."""

from __future__ import annotations

import asyncio
import socket
import urllib.request
from uuid import uuid4

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.config_versions import ConfigSource
from activities.outbox import NotificationService
from trainops.database import Database
from trainops.temporal_runtime import build_runtime
from worker import build_worker


def _scrape(address: str) -> str:
    with urllib.request.urlopen(f"http://{address}/metrics", timeout=5) as answer:
        return str(answer.read().decode())


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_a_worker_serves_the_sdk_metrics(
    time_env: WorkflowEnvironment, database: Database
) -> None:
    address = f"127.0.0.1:{_free_port()}"
    runtime = build_runtime(address)
    client = await Client.connect(
        time_env.client.service_client.config.target_host,
        data_converter=pydantic_data_converter,
        runtime=runtime,
    )
    notifier = NotificationService(database.engine, None, database.store)
    config = ConfigSource(database.store, None)
    text = ""
    async with build_worker(client, f"tq-{uuid4()}", database.store, notifier, config=config):
        for _ in range(100):
            await asyncio.sleep(0.1)
            text = await asyncio.to_thread(
                lambda: (
                    urllib.request.urlopen(f"http://{address}/metrics", timeout=5).read().decode()
                )
            )
            if "temporal_" in text:
                break
    assert "temporal_" in text, text[:500]
    assert "# TYPE" in text
