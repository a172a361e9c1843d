"""How long a person waits for an action, against Temporal's real dev server: the program
workflow's look-ups as ordinary activities (as the product runs them), against the same
actions with them as local activities (as runs recorded on 5-6 December replay them), in one
process and taking turns.

    python -m bench.action_latency [--actions 40] [--rounds 3]

Each round plans, approves and publishes a fresh program, then sends ``--actions`` enrolments
one after the other (an enrolment looks up the roster and appends, as most actions do) and
keeps the median. The local path is switched on here by answering the newer quick steps' patch
marker "not patched" (``bench.patches``).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import statistics
import subprocess
import tempfile
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter

import workflows.quick_steps as quick_steps
from audit.signing_keys import publish_key
from bench.patches import answering_not_patched
from domain import commands as c
from domain.events import Session
from runtime.logging import configure_logging
from runtime.temporal_bins import dev_server_path
from services.database import open_database
from services.program_client import ProgramClient
from services.signing import Signer
from tests.ports import free_port
from trainops.worker import build_worker


def _plan(program_id: str) -> c.PlanProgram:
    starts = datetime.now(UTC) + timedelta(days=30)
    return c.PlanProgram(
        program_id=program_id,
        actor="spec",
        approvers=("boss",),
        title="Latency",
        planned_date=starts.date(),
        sessions=(Session(session_id="s1", starts_at=starts),),
        trainees=("t0",),
    )


async def _round(programs: ProgramClient, actions: int) -> float:
    """The median seconds of ``actions`` enrolments in a fresh published program."""
    pid = f"latency-{uuid4().hex[:8]}"
    await programs.plan(_plan(pid))
    for command in (
        c.SubmitProgram(actor="spec"),
        c.ApproveProgram(actor="boss"),
        c.PublishProgram(actor="spec"),
    ):
        await programs.act(pid, command)
    seconds = []
    for n in range(actions):
        started = time.perf_counter()
        await programs.act(pid, c.EnrollTrainee(actor="spec", trainee=f"late{n}"))
        seconds.append(time.perf_counter() - started)
    return statistics.median(seconds)


@contextlib.asynccontextmanager
async def dev_stack(task_queue: str) -> AsyncIterator[ProgramClient]:
    """Temporal's dev server on free loopback ports, a worker on ``task_queue`` over a fresh
    SQLite log, and a client that signs as the API does; all stopped after."""
    workdir = Path(tempfile.mkdtemp(prefix="trainops-bench-"))
    port = free_port()
    command = [dev_server_path(), "server", "start-dev", "--headless", "--ip", "127.0.0.1"]
    command += ["--port", str(port), "--ui-port", str(free_port())]
    command += ["--db-filename", str(workdir / "temporal.db"), "--log-level", "error"]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    database = open_database(f"sqlite:///{workdir / 'log.db'}")
    try:
        client = await _connect(f"127.0.0.1:{port}")
        signer = Signer.generate()
        publish_key(database.store, signer.trusted_key())
        async with build_worker(client, task_queue, database.store, database.outbox):
            yield ProgramClient(client, task_queue, signer)
    finally:
        database.close()
        server.terminate()
        server.wait(timeout=30)


async def measure(actions: int, rounds: int) -> dict[str, list[float]]:
    """Median action seconds per round, ordinary and local look-ups taking turns."""
    found: dict[str, list[float]] = {"ordinary": [], "local": []}
    async with dev_stack("latency") as programs:
        for _ in range(rounds):
            for mode in found:
                local = quick_steps.ORDINARY_QUICK_STEPS if mode == "local" else None
                with answering_not_patched(quick_steps, local):
                    found[mode].append(await _round(programs, actions))
    return found


async def _connect(address: str, seconds: float = 60) -> Client:
    deadline = time.monotonic() + seconds
    while True:
        try:
            return await Client.connect(address, data_converter=pydantic_data_converter)
        except RuntimeError:
            if time.monotonic() > deadline:
                raise
            await asyncio.sleep(0.2)


def run(config: Any) -> list[Any]:
    """The row for ``python -m bench``'s table."""
    from bench.table import Row

    found = asyncio.run(measure(40, config.rounds))
    local, ordinary = statistics.median(found["local"]), statistics.median(found["ordinary"])
    return [
        Row(
            name="an action's wait (dev server): look-ups as ordinary activities",
            measured=f"{ordinary * 1000:.1f} ms",
            baseline=f"as local activities {local * 1000:.1f} ms",
            ratio=ordinary / local,
            spread=(max(found["ordinary"]) - min(found["ordinary"])) / ordinary,
            note="median of 40 enrolments a round, one after the other",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--actions", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    configure_logging("console", "warning")
    found = asyncio.run(measure(args.actions, args.rounds))
    for mode, seconds in found.items():
        shown = ", ".join(f"{s * 1000:.1f}" for s in seconds)
        print(f"{mode}: median {statistics.median(seconds) * 1000:.1f} ms (rounds: {shown} ms)")


if __name__ == "__main__":
    main()
