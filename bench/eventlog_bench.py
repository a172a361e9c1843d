"""Event log throughput on PostgreSQL: trainops ``EventStore`` against two baselines.

    .venv/bin/python -m bench.eventlog_bench [--events N] [--rounds R] [--profile]

(Past 400 lines on purpose: the workloads, their measurement and both reports, its own table
and ``run``'s rows for ``python -m bench``, read as one piece.)

Three implementations do the same work, each in its own fresh schema (dropped at the end):

* ``raw``: hand-written psycopg 3 on a minimal events table (bigserial position, unique event id,
  unique (stream_id, version), jsonb payload and metadata): one INSERT per event, ``executemany``
  per batch, read-all through a server-side cursor. No writer serialisation, no hash chain, so a
  tailing reader could skip rows: it is the floor of what PostgreSQL costs, not a correct log.
* ``pyeventsourcing``: eventsourcing 9.5.6's ``PostgresApplicationRecorder`` (``LOCK TABLE`` per
  insert; the event id, payload, metadata and occurred_at go JSON-encoded into its ``state``
  bytes, the event type into its ``topic``); read-all through ``select_notifications`` pages.
* ``trainops``: ``eventlog.EventStore`` (row lock on the log head, group commit, hash chain).

Workloads: (1) one event per transaction, one writer; (2) one event per transaction, 8 writer
threads on their own streams, every thread sharing one ``EventStore`` (group commit) and (2b)
one ``EventStore`` per thread (the baselines do the same work again); (3) batches of 100 events
per transaction; (4) read the whole log in order (every event written above), decoding JSON,
after ``ANALYZE`` as autovacuum would have done on a live log (``--no-analyze``: a fresh log).
Each workload is warmed up first, then timed ``--rounds`` times with the implementations taking
turns to go first; the table shows the median. The garbage collector is run and frozen before
each timed section, so no one pays for collecting the planned events. Absolute figures drift
between machines; the ratios against baselines measured in the same process are what count.
Targets (from the issue): workload 2 at least 2x pyeventsourcing; 3 and 4 at least 0.8x raw.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import importlib
import io
import os
import pstats
import random
import secrets
import statistics
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from psycopg import sql

from bench.log_writers import (
    DEFAULT_URL,
    Append,
    Database,
    Implementation,
    PyEventSourcing,
    RawPsycopg,
    Trainops,
    Writer,
    event_count,
    plan_appends,
)

# --------------------------------------------------------------------------- running


def run_writers(impl: Implementation, plans: Sequence[Sequence[Append]], *, shared: bool) -> float:
    """Run one plan per writer thread (inline for a single plan); seconds from start to last."""
    writers = [impl.writer(shared=shared) for _ in plans]
    try:
        if len(plans) == 1:
            started = time.perf_counter()
            for a in plans[0]:
                writers[0].append(a.stream_id, a.expected_version, a.events)
            return time.perf_counter() - started
        barrier = threading.Barrier(len(plans) + 1)
        errors: list[BaseException] = []

        def work(writer: Writer, plan: Sequence[Append]) -> None:
            barrier.wait()
            try:
                for a in plan:
                    writer.append(a.stream_id, a.expected_version, a.events)
            except BaseException as exc:  # handed to the main thread
                errors.append(exc)

        threads = [
            threading.Thread(target=work, args=(w, p), daemon=True)
            for w, p in zip(writers, plans, strict=True)
        ]
        for t in threads:
            t.start()
        barrier.wait()
        started = time.perf_counter()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - started
        if errors:
            raise errors[0]
        return elapsed
    finally:
        for w in writers:
            w.close()


@dataclass
class Workload:
    key: str
    title: str
    events: int
    """Events per timed round."""
    plan: Callable[[random.Random, str, int], list[list[Append]]] | None
    """Per writer thread, the appends of one round; None for the read workload."""
    warmup: int = 0
    """Events appended (untimed) by each implementation before the first round."""
    shared: bool = True
    target: tuple[str, float] | None = None
    """("raw" | "pyes", minimum ratio of trainops to it)."""
    samples: dict[str, list[float]] = field(default_factory=dict)
    """Per implementation, events/s of each round."""

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])


def workloads(args: argparse.Namespace) -> list[Workload]:
    single, concurrent, batch = args.single_events, args.concurrent_events, args.batch_events
    writers, size = args.writers, args.batch_size

    def one_writer(rng: random.Random, label: str, n: int) -> list[list[Append]]:
        return [plan_appends(rng, label, n, 1, 10)]

    def many_writers(rng: random.Random, label: str, n: int) -> list[list[Append]]:
        return [plan_appends(rng, f"{label}t{t}", n // writers, 1, 4) for t in range(writers)]

    def batches(rng: random.Random, label: str, n: int) -> list[list[Append]]:
        return [plan_appends(rng, label, n, size, max(1, n // size))]

    def concurrent_writers(
        key: str, stores: str, *, shared: bool, target: tuple[str, float] | None = None
    ) -> Workload:
        """``writers`` threads appending one event per transaction, to one store or each its own."""
        return Workload(
            key,
            f"one event/txn, {writers} writers, {stores}",
            concurrent - concurrent % writers,
            many_writers,
            warmup=10 * writers,
            shared=shared,
            target=target,
        )

    return [
        Workload("1", "one event/txn, 1 writer", single, one_writer, warmup=50),
        concurrent_writers("2", "shared store", shared=True, target=("pyes", 2.0)),
        concurrent_writers("2b", "store/thread", shared=False),
        Workload(
            "3",
            f"batches of {size} events/txn",
            batch - batch % size,
            batches,
            warmup=3 * size,
            target=("raw", 0.8),
        ),
        Workload("4", "read all in order", 0, None, target=("raw", 0.8)),
    ]


@contextmanager
def quiet_gc() -> Iterator[None]:
    """Collect first and freeze what exists (the planned events among it), so that a timed
    section pays only for collecting its own garbage."""
    gc.collect()
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def analyze(db: Database, schema: str) -> None:
    """Gather planner statistics for the tables of one schema (as autovacuum eventually does)."""
    with db.connect(autocommit=True) as conn:
        tables = conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = %s", (schema,)
        ).fetchall()
        for (table,) in tables:
            conn.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(schema, table)))


def measure(
    db: Database,
    impls: Sequence[Implementation],
    loads: Sequence[Workload],
    args: argparse.Namespace,
) -> None:
    rng = random.Random(args.seed)
    written = {impl.name: 0 for impl in impls}
    for load in loads:
        load.samples = {impl.name: [] for impl in impls}
        if load.plan is None:
            # Reading: every implementation holds the same events by now. A long-lived log has
            # planner statistics; a freshly written one has none until autovacuum comes by, and
            # keyset pages then get a sequential scan and a sort each (--no-analyze shows it).
            if args.analyze:
                for impl in impls:
                    analyze(db, impl.schema)
            counts = {impl.name: impl.read_all() for impl in impls}  # warm-up, fills the cache
            if len(set(counts.values())) != 1 or counts[impls[0].name] != written[impls[0].name]:
                raise SystemExit(f"the logs differ: read {counts}, wrote {written}")
            load.events = counts[impls[0].name]
            for r in range(args.rounds):
                for impl in rotate(impls, r):
                    with quiet_gc():
                        started = time.perf_counter()
                        n = impl.read_all()
                        elapsed = time.perf_counter() - started
                    load.samples[impl.name].append(n / elapsed)
            continue
        warm = load.plan(rng, f"w{load.key}warm", load.warmup)
        for impl in impls:
            run_writers(impl, warm, shared=load.shared)
            written[impl.name] += sum(event_count(p) for p in warm)
        for r in range(args.rounds):
            plans = load.plan(rng, f"w{load.key}r{r}", load.events)
            n = sum(event_count(p) for p in plans)
            for impl in rotate(impls, r):  # the same appends, in each one's own schema
                with quiet_gc():
                    elapsed = run_writers(impl, plans, shared=load.shared)
                load.samples[impl.name].append(n / elapsed)
                written[impl.name] += n
        if args.verbose:
            for name, values in load.samples.items():
                shown = ", ".join(f"{v:,.0f}" for v in values)
                print(f"  [{load.key}] {name}: {shown} ev/s")


def rotate(items: Sequence[Implementation], r: int) -> list[Implementation]:
    """Who goes first changes each round, so drift (checkpoints, autovacuum) hits all alike."""
    k = r % len(items)
    return [*items[k:], *items[:k]]


# --------------------------------------------------------------------------- reporting


def report(
    loads: Sequence[Workload], impls: Sequence[Implementation], args: argparse.Namespace
) -> bool:
    names = {"raw": RawPsycopg.name, "pyes": PyEventSourcing.name, "trainops": Trainops.name}
    header = (
        f"{'workload':<44} {'events':>7} {'raw psycopg':>12} {'pyeventsrc':>11} "
        f"{'trainops':>9} {'t/raw':>6} {'t/pyes':>7}  target"
    )
    print()
    print(f"events/s, median of {args.rounds} round(s); t/raw, t/pyes: trainops ÷ baseline")
    print(header)
    print("-" * len(header))
    all_met = True
    for load in loads:
        raw, pyes, ours = (load.median(names[k]) for k in ("raw", "pyes", "trainops"))
        ratios = {"raw": ours / raw, "pyes": ours / pyes}
        verdict = ""
        if load.target is not None:
            against, minimum = load.target
            met = ratios[against] >= minimum
            all_met &= met
            verdict = f"≥ {minimum:.2f}× {against}: {'met' if met else 'NOT MET'}"
        print(
            f"{load.key + ' ' + load.title:<44} {load.events:>7,} {raw:>12,.0f} {pyes:>11,.0f} "
            f"{ours:>9,.0f} {ratios['raw']:>6.2f} {ratios['pyes']:>7.2f}  {verdict}"
        )
    print()
    print("targets " + ("met" if all_met else "NOT all met"))
    return all_met


def server_settings(db: Database) -> str:
    with db.connect() as conn:
        row = conn.execute(
            "SELECT current_setting('server_version'), current_setting('fsync'),"
            " current_setting('synchronous_commit')"
        ).fetchone()
    assert row is not None
    return f"PostgreSQL {row[0]}, fsync={row[1]}, synchronous_commit={row[2]}"


def profile_trainops(impl: Trainops, args: argparse.Namespace) -> None:
    """cProfile trainops' batch appends and read-all (the workloads measured against raw)."""
    rng = random.Random(args.seed + 1)
    size = args.batch_size
    n = args.batch_events - args.batch_events % size
    plans = [plan_appends(rng, "prof", n, size, max(1, n // size))]
    for title, action in (
        (f"3 batches of {size}", lambda: run_writers(impl, plans, shared=True)),
        ("4 read all", impl.read_all),
    ):
        profiler = cProfile.Profile()
        profiler.enable()
        action()
        profiler.disable()
        for order in ("tottime", "cumulative"):
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(
                args.profile_lines
            )
            print(f"\n===== profile: trainops {title}, by {order} =====")
            print("\n".join(line for line in out.getvalue().splitlines() if line.strip()))


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.eventlog_bench",
        description=__doc__.split("\n\n", 1)[0] if __doc__ else None,
    )
    parser.add_argument(
        "--url",
        default=os.environ.get("TRAINOPS_BENCH_POSTGRES_URL", DEFAULT_URL),
        help="SQLAlchemy URL of the PostgreSQL database (env TRAINOPS_BENCH_POSTGRES_URL)",
    )
    parser.add_argument(
        "--events",
        type=int,
        default=1000,
        help="scale: workload 1 appends N events, 2 and 2b 2N each, 3 20N (default 1000)",
    )
    parser.add_argument("--single-events", type=int, help="events per round, workload 1")
    parser.add_argument("--concurrent-events", type=int, help="events per round, workload 2")
    parser.add_argument("--batch-events", type=int, help="events per round, workload 3")
    parser.add_argument("--batch-size", type=int, default=100)
    parser.add_argument("--writers", type=int, default=8)
    parser.add_argument("--rounds", type=int, default=3, help="timed rounds per workload")
    parser.add_argument("--seed", type=int, default=20240601)
    parser.add_argument("--verbose", action="store_true", help="print every round's figure")
    parser.add_argument(
        "--no-analyze",
        dest="analyze",
        action="store_false",
        help="read without ANALYZE first (a fresh log: no planner statistics yet)",
    )
    parser.add_argument(
        "--profile", action="store_true", help="then cProfile trainops in workloads 3 and 4"
    )
    parser.add_argument("--profile-lines", type=int, default=25)
    args = parser.parse_args(argv)
    args.single_events = args.single_events or args.events
    args.concurrent_events = args.concurrent_events or 2 * args.events
    args.batch_events = args.batch_events or 20 * args.events
    if min(args.single_events, args.concurrent_events // args.writers, args.batch_events) < 1:
        parser.error("too few events for the number of writers / the batch size")
    return args


def run(config: Any) -> list[Any]:
    """Rows for ``python -m bench``'s common table (``bench.table.Row``): each workload against
    raw psycopg and pyeventsourcing, measured in this run."""
    table = importlib.import_module("bench.table")
    args = parse_args(["--url", config.url, "--rounds", str(config.rounds)])
    db = Database(args.url)
    tag = f"{os.getpid()}_{secrets.token_hex(3)}"
    impls: list[Implementation] = [
        RawPsycopg(db, f"bench_raw_{tag}"),
        PyEventSourcing(db, f"bench_pyes_{tag}", pool_size=args.writers + 2),
        Trainops(db, f"bench_trainops_{tag}"),
    ]
    loads = workloads(args)
    try:
        for impl in impls:
            impl.setup()
        measure(db, impls, loads, args)
    finally:
        for impl in impls:
            impl.close()
            db.drop_schema(impl.schema)
    rows = []
    obstacles = {"2": "threads", "3": "batches", "4": "read all"}
    for load in loads:
        ours = load.samples[Trainops.name]
        for baseline, name in (("raw", RawPsycopg.name), ("pyes", PyEventSourcing.name)):
            theirs = load.samples[name]
            target = load.target[1] if load.target and load.target[0] == baseline else None
            rows.append(
                table.Row(
                    name=f"log: {load.title}",
                    measured=f"{statistics.median(ours):,.0f} ev/s",
                    baseline=f"{name} {statistics.median(theirs):,.0f} ev/s",
                    ratio=statistics.median(ours) / statistics.median(theirs),
                    spread=max(table.Timing(tuple(v)).spread for v in (ours, theirs)),
                    target=target,
                    direction="at least",
                    obstacle=table.OBSTACLES.get(obstacles.get(load.key, ""), ""),
                )
            )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    db = Database(args.url)
    tag = f"{os.getpid()}_{secrets.token_hex(3)}"
    raw = RawPsycopg(db, f"bench_raw_{tag}")
    pyes = PyEventSourcing(db, f"bench_pyes_{tag}", pool_size=args.writers + 2)
    ours = Trainops(db, f"bench_trainops_{tag}")
    impls: list[Implementation] = [raw, pyes, ours]
    print(f"{server_settings(db)}; {os.cpu_count()} CPUs; Python {sys.version.split()[0]}")
    loads = workloads(args)
    print(
        f"per round: {args.single_events:,} / {loads[1].events:,} / {loads[3].events:,} events"
        f" (workloads 1 / 2 / 3), {args.writers} writers, {args.rounds} round(s)"
    )
    started = time.perf_counter()
    try:
        for impl in impls:
            impl.setup()
        measure(db, impls, loads, args)
        report(loads, impls, args)
        print(f"({time.perf_counter() - started:.0f} s)")
        if args.profile:
            profile_trainops(ours, args)
    finally:
        for impl in impls:
            impl.close()
            db.drop_schema(impl.schema)
    return 0


if __name__ == "__main__":
    sys.exit(main())
