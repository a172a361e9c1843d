"""Container health without HTTP: the projector and the worker beat only after useful work, and
``trainops health`` fails on a stale or missing heartbeat; the production API refuses to start
without a real secret key."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from temporalio.testing import WorkflowEnvironment
from typer.testing import CliRunner

from runtime.settings import get_settings
from services.database import Database
from trainops.cli import app
from trainops.worker import beat_while_temporal_answers


@pytest.fixture
def heartbeat(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "alive"
    monkeypatch.setenv("TRAINOPS_HEARTBEAT_FILE", str(path))
    get_settings.cache_clear()
    yield path
    get_settings.cache_clear()


def test_health_fails_without_a_beat_and_on_a_stale_one(heartbeat: Path) -> None:
    cli = CliRunner()
    missing = cli.invoke(app, ["health"])
    assert missing.exit_code == 1 and "no heartbeat yet" in missing.output
    heartbeat.touch()
    old = time.time() - 120
    os.utime(heartbeat, (old, old))
    stale = cli.invoke(app, ["health", "--max-age", "60"])
    assert stale.exit_code == 1 and "more than 60 s" in stale.output
    heartbeat.touch()
    fresh = cli.invoke(app, ["health", "--max-age", "60"])
    assert fresh.exit_code == 0, fresh.output


def test_the_projector_beats_after_it_read_the_log(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "projector-alive"
    stop = threading.Event()
    runner = threading.Thread(
        target=database.projector.run_forever, args=(stop, 0.05, lambda: path.touch())
    )
    runner.start()
    try:
        deadline = time.monotonic() + 10
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        runner.join(10)
    assert path.exists()


def test_a_projector_that_cannot_read_does_not_beat(database: Database, tmp_path: Path) -> None:
    path = tmp_path / "projector-alive"
    setattr(database.projector.store, "read_page", _broken)  # noqa: B010 (a stand-in)
    stop = threading.Event()
    runner = threading.Thread(
        target=database.projector.run_forever, args=(stop, 0.05, lambda: path.touch())
    )
    runner.start()
    time.sleep(0.5)
    stop.set()
    runner.join(10)
    assert not path.exists()


def _broken(*_: object, **__: object) -> list[object]:
    raise OSError("the database went away")


async def test_the_worker_beats_while_temporal_answers(
    time_env: WorkflowEnvironment, tmp_path: Path
) -> None:
    path = tmp_path / "worker-alive"
    beating = asyncio.create_task(beat_while_temporal_answers(time_env.client, path, every=0.05))
    try:
        for _ in range(100):
            if path.exists():
                break
            await asyncio.sleep(0.05)
    finally:
        beating.cancel()
    assert path.exists()


@pytest.mark.parametrize("secret", ["", "short"])
def test_the_production_api_refuses_to_start_without_a_real_secret_key(
    secret: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TRAINOPS_REQUIRE_SECRETS": "true",
        "TRAINOPS_API_SECRET_KEY": secret,
        "TRAINOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "TRAINOPS_API_PORT": "0",
    }
    started = subprocess.run(
        [sys.executable, "-m", "api"], env=env, capture_output=True, text=True, timeout=60
    )
    assert started.returncode == 2
    assert "TRAINOPS_API_SECRET_KEY must be set to 32 or more" in started.stderr
    assert "Traceback" not in started.stderr
