"""Appends from N separate OS processes to one PostgreSQL: trainops against pyeventsourcing.

    .venv/bin/python -m bench.writers_bench [--processes 1,4,16] [--seconds 2] [--rounds 3]

Production runs several worker processes (``--scale worker=3``), each with its own store and
connection pool, so threads sharing one store in one process say nothing about it. Here every
writer is its own process (``multiprocessing``, spawned: nothing is shared but the database).
Each appends one event per transaction to streams of its own, as fast as it can, for
``--seconds``; the figure is every process's appends divided by that time. Both
implementations write the same events (~200 bytes of payload, ~150 of metadata) into a fresh
schema of their own, take turns to go first each round, and are measured in the same run; the
table shows the median and the spread (slowest to fastest round, ± half of it against the
median). trainops runs as deployed: the direct path, or the inbox with
``TRAINOPS_EVENTLOG_GROUP_COMMIT=true``. Target (issue 14): trainops at least 2x
pyeventsourcing at N = 4 and N = 16.

``run(config)`` gives the rows for ``python -m bench``'s common table.
"""

from __future__ import annotations

import argparse
import importlib
import multiprocessing
import os
import random
import secrets
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from bench.log_writers import (
    DEFAULT_URL,
    BenchEvent,
    Database,
    PyEsWriter,
    TrainopsWriter,
    make_events,
)

TARGET = 2.0
"""trainops ÷ pyeventsourcing, at least, from this many processes on (``TARGET_FROM``)."""
TARGET_FROM = 4
IMPLEMENTATIONS = ("pyeventsourcing", "trainops")

# --------------------------------------------------------------------------- in each process

_writers: dict[tuple[str, str], Any] = {}
"""Per process: the writer of each (implementation, schema), set up once, outside the timing."""


def _writer(name: str, url: str, schema: str) -> Any:
    key = (name, schema)
    if key not in _writers:
        os.environ["PGAPPNAME"] = f"writers_bench_{name}"  # to tell them apart in pg_stat_activity
        if name == "trainops":
            from eventlog import EventStore
            from eventlog.engine import make_engine
            from runtime.settings import get_settings

            engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
            # As deployed: the inbox only with TRAINOPS_EVENTLOG_GROUP_COMMIT=true.
            group_commit = get_settings().eventlog_group_commit
            _writers[key] = TrainopsWriter(EventStore(engine, group_commit=group_commit))
        else:
            from eventsourcing.postgres import PostgresApplicationRecorder

            datastore = Database(url).pyes_datastore(schema)
            _writers[key] = PyEsWriter(PostgresApplicationRecorder(datastore))
    return _writers[key]


def _write_for(task: tuple[str, str, str, float, float, int]) -> int:
    """One process's share of a round: append one event per transaction from ``start`` (a
    wall-clock instant shared by every process) until ``start + seconds``; how many landed."""
    name, url, schema, start, seconds, seed = task
    writer = _writer(name, url, schema)
    rng = random.Random(seed)
    stream = f"p{os.getpid()}-{secrets.token_hex(4)}"
    templates = make_events(rng, 64, datetime.now(UTC))

    def fresh(k: int) -> list[BenchEvent]:  # a new event id each time: ids are unique in a log
        t = templates[k % len(templates)]
        return [BenchEvent(uuid4(), t.event_type, t.payload, t.metadata, t.occurred_at)]

    writer.append(stream, 0, fresh(0))  # warm: connection open, statements prepared
    version, appended = 1, 0
    time.sleep(max(0.0, start - time.time()))
    deadline = start + seconds
    while time.time() < deadline:
        writer.append(stream, version, fresh(version))
        version += 1
        appended += 1
    return appended


# --------------------------------------------------------------------------- orchestration


@dataclass(frozen=True)
class Figure:
    """Events/s of each implementation with ``processes`` writers, every round."""

    processes: int
    rounds: dict[str, tuple[float, ...]]

    def median(self, name: str) -> float:
        return statistics.median(self.rounds[name])

    def spread(self, name: str) -> float:
        values = self.rounds[name]
        middle = self.median(name)
        return (max(values) - min(values)) / middle if middle else 0.0

    @property
    def ratio(self) -> float:
        return self.median("trainops") / self.median("pyeventsourcing")

    @property
    def target(self) -> float | None:
        return TARGET if self.processes >= TARGET_FROM else None


def _setup(db: Database, name: str, schema: str) -> None:
    db.create_schema(schema)
    if name == "trainops":
        from eventlog.engine import make_engine, migrate

        engine = make_engine(db.url, connect_args={"options": f"-csearch_path={schema}"})
        try:
            migrate(engine)
        finally:
            engine.dispose()
    else:
        from eventsourcing.postgres import PostgresApplicationRecorder

        datastore = db.pyes_datastore(schema)
        try:
            PostgresApplicationRecorder(datastore).create_table()
        finally:
            datastore.close()


def measure(
    url: str, counts: Sequence[int], *, seconds: float = 2.0, rounds: int = 3, verbose: bool = False
) -> list[Figure]:
    """Every implementation at every process count, ``rounds`` times, in one run."""
    db = Database(url)
    tag = f"{os.getpid()}_{secrets.token_hex(3)}"
    schemas = {name: f"bench_mp_{name[:5]}_{tag}" for name in IMPLEMENTATIONS}
    figures: list[Figure] = []
    context = multiprocessing.get_context("spawn")
    try:
        for name, schema in schemas.items():
            _setup(db, name, schema)
        with context.Pool(max(counts)) as pool:
            seed = 0
            for count in counts:
                samples: dict[str, list[float]] = {name: [] for name in IMPLEMENTATIONS}
                for r in range(rounds + 1):  # round 0 warms every process up, untimed
                    order = IMPLEMENTATIONS[r % 2 :] + IMPLEMENTATIONS[: r % 2]
                    for name in order:
                        start = time.time() + 0.3 + 0.05 * count  # every process is waiting
                        tasks = []
                        for _ in range(count):
                            seed += 1
                            tasks.append((name, url, schemas[name], start, seconds, seed))
                        appended = sum(pool.map(_write_for, tasks, chunksize=1))
                        if r:
                            samples[name].append(appended / seconds)
                            if verbose:
                                print(f"  N={count} {name}: {appended / seconds:,.0f} ev/s")
                figures.append(Figure(count, {k: tuple(v) for k, v in samples.items()}))
    finally:
        for schema in schemas.values():
            db.drop_schema(schema)
    return figures


def render(figures: Sequence[Figure]) -> str:
    lines = [
        "| processes | pyeventsourcing ev/s | trainops ev/s | ÷ pyeventsourcing | target |",
        "|---|---|---|---|---|",
    ]
    for f in figures:
        target = ""
        if f.target is not None:
            target = f"≥ {f.target:g}×: {'met' if f.ratio >= f.target else 'NOT met'}"
        lines.append(
            f"| {f.processes} "
            f"| {f.median('pyeventsourcing'):,.0f} ±{f.spread('pyeventsourcing') * 50:.0f}% "
            f"| {f.median('trainops'):,.0f} ±{f.spread('trainops') * 50:.0f}% "
            f"| {f.ratio:.2f} | {target} |"
        )
    return "\n".join(lines)


def run(config: Any) -> list[Any]:
    """Rows for ``python -m bench`` (``bench.table.Row``): one per process count."""
    table = importlib.import_module("bench.table")
    rows = []
    for f in measure(config.url, (1, 4, 16), rounds=config.rounds):
        rows.append(
            table.Row(
                name=f"append 1 event/txn, {f.processes} writer process(es)",
                measured=f"{f.median('trainops'):,.0f} ev/s",
                baseline=f"pyeventsourcing {f.median('pyeventsourcing'):,.0f} ev/s",
                ratio=f.ratio,
                spread=max(f.spread("trainops"), f.spread("pyeventsourcing")),
                target=f.target,
                direction="at least",
                obstacle=table.OBSTACLES["writers"],
            )
        )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.writers_bench", description=__doc__)
    parser.add_argument(
        "--url",
        default=os.environ.get("TRAINOPS_BENCH_POSTGRES_URL", DEFAULT_URL),
        help="SQLAlchemy URL of the PostgreSQL database (env TRAINOPS_BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--processes", default="1,4,16", help="writer process counts")
    parser.add_argument("--seconds", type=float, default=2.0, help="length of one timed round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--verbose", action="store_true", help="print every round's figure")
    args = parser.parse_args(argv)
    counts = [int(c) for c in args.processes.split(",")]
    print(f"writers in separate processes: {counts}, {args.rounds} x {args.seconds:g} s rounds")
    started = time.perf_counter()
    figures = measure(
        args.url, counts, seconds=args.seconds, rounds=args.rounds, verbose=args.verbose
    )
    print(render(figures))
    met = all(f.ratio >= f.target for f in figures if f.target is not None)
    print(f"target {'met' if met else 'NOT met'} ({time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
