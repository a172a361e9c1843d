"""Seals on a schedule and on demand: settings, the seal key, the witnesses, the schedule.

The schedule is a Temporal Schedule (``trainops-seal-log``) that starts ``SealLogWorkflow``
every ``TRAINOPS_SEAL_EVERY_MINUTES`` (default 60; 0: no schedule). Every worker makes sure it
exists with the current settings when it starts (create, or update in place), so there is no
separate cron to deploy and one seal runs per interval however many workers there are
(overlapping runs are skipped). ``trainops audit seal`` seals on demand with the same key and
witnesses.
"""

from __future__ import annotations

from datetime import timedelta

import structlog
from temporalio.client import (
    Client,
    Schedule,
    ScheduleActionStartWorkflow,
    ScheduleAlreadyRunningError,
    ScheduleIntervalSpec,
    ScheduleOverlapPolicy,
    SchedulePolicy,
    ScheduleSpec,
    ScheduleUpdate,
    ScheduleUpdateInput,
)
from temporalio.service import RPCError, RPCStatusCode

from activities.sealing import LogSealer
from audit.seal_keys import publish_seal_key
from audit.witness import DirectoryWitness, HttpWitness, Witness
from eventlog import EventStore
from runtime.settings import Settings
from services.signing import Signer, SigningKeyError, _from_pem_or_seed, load_signer
from workflows.seal import SealLogWorkflow

log = structlog.get_logger(__name__)

SCHEDULE_ID = "trainops-seal-log"
WORKFLOW_ID = "trainops-seal-log-run"


def load_seal_signer(settings: Settings) -> Signer:
    """The seal key, from TRAINOPS_SEAL_KEY, else its file (created when missing if allowed)."""
    if settings.seal_key is not None and settings.seal_key.get_secret_value().strip():
        return Signer(_from_pem_or_seed(settings.seal_key.get_secret_value(), "TRAINOPS_SEAL_KEY"))
    if not settings.seal_key_file.exists() and not settings.seal_key_create:
        raise SigningKeyError("key.no_seal_key")
    return load_signer(None, settings.seal_key_file, create=settings.seal_key_create)


def witnesses(settings: Settings) -> list[Witness]:
    found: list[Witness] = []
    if settings.witness_dir is not None:
        found.append(DirectoryWitness(settings.witness_dir))
    if settings.witness_url is not None:
        found.append(HttpWitness(settings.witness_url.get_secret_value()))
    return found


def prepare_sealer(store: EventStore, settings: Settings | None = None) -> LogSealer:
    """A sealer with the configured key (published in ``seal-keys`` if new) and witnesses."""
    settings = settings or Settings()  # fresh: tests and restarts change the environment
    signer = load_seal_signer(settings)
    publish_seal_key(store, signer.trusted_key())
    return LogSealer(
        store, signer, witnesses(settings), min_new_events=settings.seal_min_new_events
    )


def seal_schedule(task_queue: str, every: timedelta) -> Schedule:
    return Schedule(
        action=ScheduleActionStartWorkflow(
            SealLogWorkflow.run,
            id=WORKFLOW_ID,
            task_queue=task_queue,
            execution_timeout=timedelta(hours=2),
        ),
        spec=ScheduleSpec(intervals=[ScheduleIntervalSpec(every=every)]),
        policy=SchedulePolicy(
            overlap=ScheduleOverlapPolicy.SKIP, catchup_window=max(every, timedelta(minutes=1))
        ),
    )


async def ensure_seal_schedule(client: Client, task_queue: str, every_minutes: float) -> None:
    """Create the schedule, or bring it to these settings; remove it when ``every_minutes`` is
    0. Safe to call from every worker at every start."""
    handle = client.get_schedule_handle(SCHEDULE_ID)
    if every_minutes <= 0:
        try:
            await handle.delete()
            log.info("seal schedule removed")
        except RPCError as exc:
            if exc.status != RPCStatusCode.NOT_FOUND:
                raise
        return
    wanted = seal_schedule(task_queue, timedelta(minutes=every_minutes))
    try:
        await client.create_schedule(SCHEDULE_ID, wanted)
        log.info("seal schedule created", every_minutes=every_minutes)
    except ScheduleAlreadyRunningError:

        def update(_: ScheduleUpdateInput) -> ScheduleUpdate:
            return ScheduleUpdate(schedule=wanted)

        await handle.update(update)
        log.info("seal schedule updated", every_minutes=every_minutes)


async def start_sealing(
    client: Client, task_queue: str, store: EventStore, settings: Settings | None = None
) -> LogSealer:
    """At worker start: the sealer the worker's activity uses, and the schedule that runs it."""
    settings = settings or Settings()  # fresh: tests and restarts change the environment
    sealer = prepare_sealer(store, settings)
    await ensure_seal_schedule(client, task_queue, settings.seal_every_minutes)
    return sealer
