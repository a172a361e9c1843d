"""Shared fixtures: a SQLite database per test, one time-skipping Temporal server per session."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import pytest
import pytest_asyncio
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from trainops.client import ProgramClient
from trainops.database import Database, open_database
from trainops.temporal_bins import test_server_path
from worker import build_worker


@pytest.fixture
def database(tmp_path: Path) -> Iterator[Database]:
    db = open_database(f"sqlite:///{tmp_path / 'trainops.db'}")
    yield db
    db.close()


@pytest_asyncio.fixture(scope="session")
async def time_env() -> AsyncIterator[WorkflowEnvironment]:
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter,
        test_server_existing_path=test_server_path(),
    )
    yield env
    await env.shutdown()


@dataclass
class Harness:
    env: WorkflowEnvironment
    db: Database
    programs: ProgramClient
    task_queue: str


@pytest_asyncio.fixture
async def harness(time_env: WorkflowEnvironment, database: Database) -> AsyncIterator[Harness]:
    """A worker on a fresh task queue, backed by this test's own database."""
    task_queue = f"tq-{uuid4()}"
    async with build_worker(time_env.client, task_queue, database.store, database.outbox):
        yield Harness(time_env, database, ProgramClient(time_env.client, task_queue), task_queue)
