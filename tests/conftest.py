"""Shared fixtures: a SQLite database per test, one time-skipping Temporal server per session."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

import pytest
import pytest_asyncio
import structlog
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.admin_config import AdminConfig
from activities.config_versions import ConfigProvider, ConfigSource, provider
from activities.outbox import NotificationService
from audit.signing_keys import publish_key
from domain.reference import ReferenceEvent, stream_of
from eventlog import EventStore, NewEvent
from runtime.temporal_bins import dev_server_path, test_server_path
from services.database import Database, open_database
from services.program_client import ProgramClient
from services.signing import Signer
from trainops.worker import build_worker

#: ``stack``: the embedded stack started as a user starts it, for tests that drive the CLI.
pytest_plugins = ["tests.embedded_stack"]

#: The command line speaks the locale's language (``trainops.language``): tests that read its
#: words read English, whatever the machine's locale; the language tests choose their own.
os.environ["TRAINOPS_LANG"] = "en"

#: The API key of the test harness: published in each test's log like the API publishes its own.
TEST_SIGNER = Signer.generate()


@pytest.fixture(autouse=True)
def keys_and_witness_in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test keeps its keys and its witness directory to itself (never the checkout's
    .trainops, where runs would see each other's seals)."""
    monkeypatch.setenv("TRAINOPS_SIGNING_KEY_FILE", str(tmp_path / "keys" / "signing-key.pem"))
    monkeypatch.setenv("TRAINOPS_SEAL_KEY_FILE", str(tmp_path / "keys" / "seal-key.pem"))
    monkeypatch.setenv("TRAINOPS_WITNESS_DIR", str(tmp_path / "witness"))


@pytest.fixture(autouse=True)
def logging_as_it_was() -> Iterator[None]:
    """A test that runs a command configures logging as the command does (warnings only, for
    machine-readable output); the next test finds logging as it was, whatever the order."""
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


@pytest.fixture(autouse=True)
def language_as_it_was() -> Iterator[None]:
    """A command run in this process with ``--lang zh-CN`` chooses the command line's language
    for the process; the next test starts from the environment's again, whatever the order."""
    from trainops import language

    saved = list(language._chosen)
    yield
    language._chosen[:] = saved


@contextmanager
def backend_database(kind: str, folder: Path) -> Iterator[Database]:
    """A whole trainops database on ``kind`` ("sqlite": a file in ``folder``; "postgresql": a
    schema of its own, dropped afterwards)."""
    from tests.eventlog.conftest import empty_database_url

    with empty_database_url(kind, folder, "trainops") as url:
        db = open_database(url)
        try:
            yield db
        finally:
            db.close()


#: Every storage test's two backends (PostgreSQL's marked, to select or skip).
BACKENDS = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BACKENDS)
def backend_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Database]:
    """A whole trainops database (log, read models, users) on SQLite and on PostgreSQL."""
    with backend_database(request.param, tmp_path) as db:
        yield db


@pytest.fixture
def database(backend_db: Database) -> Database:
    """This test's whole trainops database, on SQLite and on PostgreSQL: every test that
    touches storage (workflows, API, projections, imports) runs on both."""
    return backend_db


@asynccontextmanager
async def time_skipping() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping Temporal test server of its own."""
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=test_server_path(),
    )
    try:
        yield env
    finally:
        await env.shutdown()


@pytest_asyncio.fixture
async def dev_env() -> AsyncIterator[WorkflowEnvironment]:
    """Temporal's real dev server (not time-skipping): schedules, and the server's own limits
    (ten updates of a workflow in flight) as production has them."""
    env = await WorkflowEnvironment.start_local(
        data_converter=pydantic_data_converter,
        dev_server_existing_path=dev_server_path(),
        ui=False,
        dev_server_log_level="error",
    )
    yield env
    await env.shutdown()


@pytest_asyncio.fixture
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    """A time-skipping server per test: skipping time on a shared one would also wake every
    earlier test's abandoned timers, and it slows down as they pile up."""
    async with time_skipping() as env:
        yield env


async def until(env: WorkflowEnvironment, moment: datetime) -> None:
    """Let the time-skipping server's clock reach ``moment`` (e.g. a session's start, from
    which on its attendance may be recorded); timers due on the way fire."""
    now = await env.get_current_time()
    if moment > now:
        await env.sleep(moment - now)


@dataclass
class Harness:
    env: WorkflowEnvironment
    db: Database
    programs: ProgramClient
    task_queue: str


@asynccontextmanager
async def running_worker(
    env: WorkflowEnvironment, db: Database, config: AdminConfig | ConfigProvider | None = None
) -> AsyncIterator[Harness]:
    """A worker on a fresh task queue, backed by ``db``, with the admin's ``config`` (fixed, or
    a source that follows saved versions)."""
    task_queue = f"tq-{uuid4()}"
    in_force = provider(config, AdminConfig())
    notifier = NotificationService(db.engine, lambda: in_force().notifications, db.store)
    publish_key(db.store, TEST_SIGNER.trusted_key())
    programs = ProgramClient(env.client, task_queue, TEST_SIGNER, clock=env.get_current_time)
    async with build_worker(env.client, task_queue, db.store, notifier, config=in_force):
        yield Harness(env, db, programs, task_queue)


@pytest_asyncio.fixture
async def harness(time_env: WorkflowEnvironment, database: Database) -> AsyncIterator[Harness]:
    """A worker on a fresh task queue, backed by this test's own database."""
    async with running_worker(time_env, database, ConfigSource(database.store, None)) as h:
        yield h


def record_reference(store: EventStore, event: ReferenceEvent) -> None:
    """Reference data (a course, a venue, a program's resources) as an admin's import appends it."""
    stream = stream_of(event)
    store.append(
        stream,
        store.stream_version(stream),
        [
            NewEvent(
                event_id=uuid4(),
                event_type=event.type,
                payload=event.model_dump(mode="json", exclude={"type"}),
                occurred_at=datetime.now(UTC),
                metadata={"actor": "admin", "role": "admin"},
            )
        ],
    )
