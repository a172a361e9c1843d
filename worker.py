"""The Temporal worker: runs program workflows and their activities on one task queue.

Run it with ``python worker.py`` (settings from ``TRAINOPS_*``); ``trainops up`` runs it in-process
together with the dev server and the projector.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.worker import Worker

from activities.admin_config import AdminConfig
from activities.config_versions import ConfigProvider, ConfigSource
from activities.outbox import NotificationService
from activities.program_activities import ProgramActivities
from eventlog import EventStore
from trainops.database import open_database
from trainops.logging import configure_logging
from trainops.settings import get_settings
from workflows.program import TrainingProgramWorkflow
from workflows.sandbox import sandbox_runner

log = structlog.get_logger(__name__)

WORKFLOWS = [TrainingProgramWorkflow]


def build_worker(
    client: Client,
    task_queue: str,
    store: EventStore,
    notifier: NotificationService,
    *,
    config: AdminConfig | ConfigProvider | None = None,
    **options: Any,
) -> Worker:
    program_activities = ProgramActivities(store, notifier, config)
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[
            program_activities.append_events,
            program_activities.program_settings,
            program_activities.resolve_approval_route,
            program_activities.deliver_notice,
            program_activities.grade_exam,
            program_activities.has_online_exam,
        ],
        activity_executor=ThreadPoolExecutor(max_workers=16),
        workflow_runner=sandbox_runner(),
        **options,
    )


async def connect(address: str, namespace: str) -> Client:
    return await Client.connect(
        address, namespace=namespace, data_converter=pydantic_data_converter
    )


async def main() -> None:
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    database = open_database(settings.database_url)
    config = ConfigSource(database.store, settings.config_file)
    config()  # a configuration that cannot be loaded stops the worker here
    client = await connect(settings.temporal_address, settings.temporal_namespace)
    notifier = NotificationService(database.engine, lambda: config().notifications, database.store)
    worker = build_worker(client, settings.task_queue, database.store, notifier, config=config)
    log.info("worker started", task_queue=settings.task_queue)
    try:
        await worker.run()
    finally:
        database.close()


if __name__ == "__main__":
    asyncio.run(main())
