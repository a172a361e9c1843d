"""The Temporal worker, wired in this one place: program workflows and their activities on one
task queue, the seal schedule, the signing keys kept fresh, the heartbeat.

``trainops worker`` (and ``python worker.py``, the image's command) runs ``main``; ``trainops up``
runs the same ``serving`` in-process beside the dev server and the projector; tests and the demo
build a bare worker with ``build_worker``.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hashlib
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import structlog
import temporalio
from temporalio.client import Client
from temporalio.worker import Worker

from activities.admin_config import AdminConfig
from activities.config_versions import ConfigProvider, ConfigSource
from activities.outbox import NotificationService
from activities.program_activities import ProgramActivities
from activities.reminder_fanout import ReminderFanoutActivities
from activities.roster_index import RosterActivities
from activities.sealing import LogSealer
from audit.signing_keys import trusted_keys
from eventlog import EventStore
from runtime.heartbeat import touch
from runtime.logging import configure_logging
from runtime.settings import Settings, get_settings
from runtime.startup import wait_for_database
from runtime.temporal_connection import connect_temporal
from runtime.temporal_runtime import install_runtime
from runtime.tracing import configure_tracing
from services.database import Database, open_database
from services.sealing import load_seal_signer, start_sealing
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
#: Activity threads of a worker built without ``max_concurrent_activities`` (tests, the demo).
DEFAULT_ACTIVITY_THREADS = 16
#: Workflow tasks at once of a worker built without ``max_concurrent_workflow_tasks``; in runs
#: recorded with local quick steps (``workflows.quick_steps``) each runs at most one at a time.
DEFAULT_WORKFLOW_TASKS = 10


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


def worker_tuning(settings: Settings) -> dict[str, int]:
    """The worker's cache, concurrency and poller settings (``TRAINOPS_WORKER_*``), as
    ``Worker`` options; docs/performance.md says what to set for how many open programs."""
    return {
        "max_cached_workflows": settings.worker_max_cached_workflows,
        "max_concurrent_workflow_tasks": settings.worker_max_concurrent_workflow_tasks,
        "max_concurrent_activities": settings.worker_max_concurrent_activities,
        "max_concurrent_workflow_task_polls": settings.worker_workflow_task_pollers,
        "max_concurrent_activity_task_polls": settings.worker_activity_task_pollers,
    }


#: The code a workflow task runs: the workflows, the domain they fold and decide with, and the
#: activity contracts (names and payloads) they schedule with. What the build id names.
WORKFLOW_CODE = ("workflows/*.py", "domain/*.py", "activities/contracts.py")


@functools.cache
def code_build_id() -> str:
    """The worker's build id: the SDK's version and a digest of the workflows' own code, so a
    task in a history says which code ran it. Temporal's default hashes every module loaded in
    the process, 0.1-0.2 s of every worker's start, and differs between processes that loaded
    different libraries for the same workflow code. (Temporal's docs call ``build_id`` deprecated
    in favour of worker deployments, which trainops does not use; without them it names the
    code and nothing more.)"""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(temporalio.__version__.encode())
    for pattern in WORKFLOW_CODE:
        for path in sorted(root.glob(pattern)):
            digest.update(pattern.encode() + path.name.encode() + b"\0" + path.read_bytes())
    return f"trainops-{digest.hexdigest()[:24]}"


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
    # One local activity per running workflow task (runs recorded with local quick steps),
    # with threads of their own: ordinary activities filling the pool never hold them up.
    local_steps = int(options.get("max_concurrent_workflow_tasks") or DEFAULT_WORKFLOW_TASKS)
    options.setdefault("max_concurrent_local_activities", local_steps)
    activity_threads = int(options.get("max_concurrent_activities") or DEFAULT_ACTIVITY_THREADS)
    program_activities = ProgramActivities(store, notifier, config)
    fanout = ReminderFanoutActivities(store, notifier)
    roster = RosterActivities(store)
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
            roster.roster_facts,
            roster.enrol_planned,
            program_activities.grade_exam,
            program_activities.has_online_exam,
            program_activities.verify_plan_proof,
            *([sealer.seal_log] if sealer is not None else []),
        ],
        # one thread per activity slot: fewer would queue activities the worker already took
        activity_executor=ThreadPoolExecutor(
            max_workers=activity_threads + options["max_concurrent_local_activities"]
        ),
        workflow_runner=sandbox_runner(),
        build_id=code_build_id(),
        **options,
    )


@contextlib.asynccontextmanager
async def serving(
    client: Client, settings: Settings, database: Database, config: ConfigProvider
) -> AsyncIterator[Worker]:
    """The worker as every long-running process runs it (not started: the caller runs it):
    notices through the configured channels, the seal schedule, signing keys reloaded, and a
    heartbeat while Temporal answers when a heartbeat file is set."""
    notifier = NotificationService(database.engine, lambda: config().notifications, database.store)
    sealer = await start_sealing(client, settings.task_queue, database.store)
    worker = build_worker(
        client,
        settings.task_queue,
        database.store,
        notifier,
        config=config,
        sealer=sealer,
        **worker_tuning(settings),
    )
    tasks = [asyncio.create_task(keep_keyring_fresh(database.store))]
    if settings.heartbeat_file is not None:
        beat = beat_while_temporal_answers(client, settings.heartbeat_file)
        tasks.append(asyncio.create_task(beat))
    try:
        yield worker
    finally:
        for task in tasks:
            task.cancel()


async def main() -> None:
    """The worker process: settings, logging and tracing, then the worker until stopped."""
    settings = get_settings()
    install_runtime(settings.worker_metrics_address)
    configure_logging(settings.log_format, settings.log_level)
    configure_tracing(settings, "trainops-worker")
    # A missing or malformed seal key stops the worker now, not after it waited for Temporal.
    load_seal_signer(settings)
    await asyncio.to_thread(
        wait_for_database, settings.database_url, settings.database_connect_wait_seconds
    )
    database = open_database(settings.database_url)
    try:
        config = ConfigSource(database.store, settings.config_file)
        config()  # a configuration that cannot be loaded stops the worker here
        client = await connect_temporal(settings)
        async with serving(client, settings, database, config) as worker:
            log.info("worker started", task_queue=settings.task_queue)
            await worker.run()
    finally:
        database.close()
