"""The Temporal worker: runs program workflows and their activities on one task queue.

Run it with ``python worker.py`` (settings from ``TRAINOPS_*``); ``trainops up`` runs it in-process
together with the dev server and the projector.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import structlog
from temporalio.client import Client
from temporalio.worker import Worker

from activities.admin_config import AdminConfig
from activities.config_versions import ConfigProvider, ConfigSource
from activities.outbox import NotificationService
from activities.program_activities import ProgramActivities
from activities.reminder_fanout import ReminderFanoutActivities
from activities.sealing import LogSealer
from activities.signing_keys import trusted_keys
from eventlog import EventStore
from trainops.database import open_database
from trainops.heartbeat import touch
from trainops.logging import configure_logging
from trainops.sealing import start_sealing
from trainops.settings import get_settings
from trainops.startup import run_service, wait_for_database
from trainops.temporal_connection import connect_temporal
from trainops.temporal_runtime import install_runtime
from trainops.tracing import configure_tracing
from workflows.program import TrainingProgramWorkflow
from workflows.sandbox import sandbox_runner
from workflows.seal import SealLogWorkflow
from workflows.trusted_keys import TRUSTED

log = structlog.get_logger(__name__)

WORKFLOWS = [TrainingProgramWorkflow, SealLogWorkflow]
#: How often a worker reloads the signing keys published in the log (a key the API publishes
#: at start is trusted within this long).
KEYRING_REFRESH_SECONDS = 2.0
HEARTBEAT_SECONDS = 10.0


def refresh_keyring(store: EventStore) -> None:
    """Trust every key published in the log (and learn of retirements)."""
    TRUSTED.update(trusted_keys(store))


async def keep_keyring_fresh(store: EventStore, every: float = KEYRING_REFRESH_SECONDS) -> None:
    """Reload the published keys until cancelled; a failed read is logged and retried."""
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(refresh_keyring, store)
        except Exception as exc:
            log.warning("could not reload signing keys", error=type(exc).__name__)


async def beat_while_temporal_answers(
    client: Client, path: Path, every: float = HEARTBEAT_SECONDS
) -> None:
    """Touch the heartbeat file each time Temporal answers a health check (the container's
    healthcheck reads it): a worker cut off from Temporal turns unhealthy."""
    while True:
        try:
            if await client.service_client.check_health():
                await asyncio.to_thread(touch, path)
        except Exception as exc:
            log.warning("Temporal health check failed", error=type(exc).__name__)
        await asyncio.sleep(every)


def build_worker(
    client: Client,
    task_queue: str,
    store: EventStore,
    notifier: NotificationService,
    *,
    config: AdminConfig | ConfigProvider | None = None,
    sealer: LogSealer | None = None,
    **options: Any,
) -> Worker:
    program_activities = ProgramActivities(store, notifier, config)
    fanout = ReminderFanoutActivities(store, notifier)
    refresh_keyring(store)  # before the first update arrives
    return Worker(
        client,
        task_queue=task_queue,
        workflows=WORKFLOWS,
        activities=[
            program_activities.append_events,
            program_activities.program_settings,
            program_activities.resolve_approval_route,
            program_activities.deliver_notice,
            fanout.deliver_reminder,
            program_activities.grade_exam,
            program_activities.has_online_exam,
            program_activities.verify_plan_proof,
            *([sealer.seal_log] if sealer is not None else []),
        ],
        activity_executor=ThreadPoolExecutor(max_workers=16),
        workflow_runner=sandbox_runner(),
        **options,
    )


async def main() -> None:
    settings = get_settings()
    install_runtime(settings.worker_metrics_address)
    configure_logging(settings.log_format, settings.log_level)
    configure_tracing(settings, "trainops-worker")
    await asyncio.to_thread(
        wait_for_database, settings.database_url, settings.database_connect_wait_seconds
    )
    database = open_database(settings.database_url)
    config = ConfigSource(database.store, settings.config_file)
    config()  # a configuration that cannot be loaded stops the worker here
    client = await connect_temporal(settings)
    notifier = NotificationService(database.engine, lambda: config().notifications, database.store)
    sealer = await start_sealing(client, settings.task_queue, database.store)
    worker = build_worker(
        client, settings.task_queue, database.store, notifier, config=config, sealer=sealer
    )
    log.info("worker started", task_queue=settings.task_queue)
    keyring = asyncio.create_task(keep_keyring_fresh(database.store))
    beating = (
        asyncio.create_task(beat_while_temporal_answers(client, settings.heartbeat_file))
        if settings.heartbeat_file is not None
        else None
    )
    try:
        await worker.run()
    finally:
        keyring.cancel()
        if beating is not None:
            beating.cancel()
        database.close()


if __name__ == "__main__":
    run_service(main)
