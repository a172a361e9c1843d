"""Event log throughput on PostgreSQL: trainops ``EventStore`` against two baselines.

    .venv/bin/python -m bench.eventlog_bench [--events N] [--rounds R] [--profile]

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
import io
import json
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
from datetime import UTC, datetime, timedelta
from typing import Any, Protocol
from uuid import UUID, uuid4

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import sql
from psycopg.types.json import Jsonb
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from eventlog import EventStore, NewEvent
from eventlog.engine import make_engine, migrate

DEFAULT_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
READ_PAGE = 2000
"""Rows per round trip when reading the whole log, for every implementation."""

EVENT_TYPES = (
    "ProgramPlanned",
    "SessionScheduled",
    "AttendanceRecorded",
    "SurveySubmitted",
    "ExamScored",
)


# --------------------------------------------------------------------------- the work


@dataclass(frozen=True, slots=True)
class BenchEvent:
    """One event, in no implementation's format: each converts it inside the timed section."""

    event_id: UUID
    event_type: str
    payload: dict[str, Any]
    metadata: dict[str, Any]
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class Append:
    stream_id: str
    expected_version: int
    events: Sequence[BenchEvent]


def make_events(rng: random.Random, count: int, start: datetime) -> list[BenchEvent]:
    """Events whose payload is ~200 bytes of JSON and metadata ~150 bytes."""
    events = []
    for k in range(count):
        program = UUID(int=rng.getrandbits(128), version=4)
        payload = {
            "program_id": str(program),
            "session": rng.randint(1, 12),
            "trainee_id": f"emp-{rng.randint(0, 999_999):06d}",
            "status": rng.choice(("attended", "absent", "excused")),
            "score": round(rng.uniform(40, 100), 1),
            "dimensions": {"content": rng.randint(60, 100), "instructor": rng.randint(60, 100)},
            "note": "".join(rng.choices("abcdefghijklmnopqrstuvwxyz ", k=rng.randint(20, 36))),
        }
        metadata = {
            "actor": f"specialist-{rng.randint(1, 99)}",
            "role": "specialist",
            "workflow_id": f"program-{program}",
            "run_id": str(UUID(int=rng.getrandbits(128), version=4)),
            "activity_id": str(rng.randint(1, 40)),
        }
        events.append(
            BenchEvent(
                event_id=uuid4(),
                event_type=EVENT_TYPES[k % len(EVENT_TYPES)],
                payload=payload,
                metadata=metadata,
                occurred_at=start + timedelta(milliseconds=k),
            )
        )
    return events


def plan_appends(
    rng: random.Random, label: str, n_events: int, per_append: int, n_streams: int
) -> list[Append]:
    """``n_events`` in appends of ``per_append``, spread round-robin over ``n_streams``."""
    streams = [f"{label}-{secrets.token_hex(4)}-{s}" for s in range(n_streams)]
    events = make_events(rng, n_events - n_events % per_append, datetime.now(UTC))
    appends = []
    for i in range(len(events) // per_append):
        chunk = events[i * per_append : (i + 1) * per_append]
        version = (i // n_streams) * per_append
        appends.append(Append(streams[i % n_streams], version, chunk))
    return appends


def event_count(appends: Sequence[Append]) -> int:
    return sum(len(a.events) for a in appends)


# --------------------------------------------------------------------------- implementations


class Writer(Protocol):
    def append(self, stream_id: str, expected_version: int, events: Sequence[BenchEvent]) -> None:
        """One transaction holding ``events``, appended to a stream at ``expected_version``."""

    def close(self) -> None: ...


class Implementation(Protocol):
    name: str
    schema: str

    def setup(self) -> None: ...

    def writer(self, *, shared: bool) -> Writer:
        """A handle for one writer thread. ``shared=False`` asks for one store per thread
        where the implementation has such a distinction (trainops' group commit)."""

    def read_all(self) -> int:
        """Read every event in global order, decoding its JSON; return how many."""

    def close(self) -> None: ...


@dataclass(frozen=True)
class Database:
    url: str
    """SQLAlchemy URL (``postgresql+psycopg://…``)."""

    @property
    def params(self) -> dict[str, Any]:
        parsed = make_url(self.url)
        return {
            "host": parsed.host or "127.0.0.1",
            "port": parsed.port or 5432,
            "user": parsed.username or "postgres",
            "password": parsed.password or "",
            "dbname": parsed.database or "postgres",
        }

    def connect(self, **kwargs: Any) -> psycopg.Connection[Any]:
        params = {k: v for k, v in self.params.items() if v != ""}
        return psycopg.connect(**params, **kwargs)

    def pyes_datastore(self, schema: str, pool_size: int = 1) -> PostgresDatastore:
        """pyeventsourcing's datastore on ``schema``, its stream ids text like ours."""
        p = self.params
        return PostgresDatastore(
            dbname=p["dbname"],
            host=p["host"],
            port=p["port"],
            user=p["user"],
            password=p["password"],
            schema=schema,
            pool_size=pool_size,
            originator_id_type="text",
        )

    def create_schema(self, schema: str) -> None:
        with self.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(schema)))

    def drop_schema(self, schema: str) -> None:
        with self.connect(autocommit=True) as conn:
            conn.execute(sql.SQL("DROP SCHEMA IF EXISTS {} CASCADE").format(sql.Identifier(schema)))


class RawWriter:
    INSERT = (
        "INSERT INTO events (stream_id, version, event_id, type, payload, metadata, occurred_at)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn

    def append(self, stream_id: str, expected_version: int, events: Sequence[BenchEvent]) -> None:
        rows = [
            (
                stream_id,
                expected_version + offset,
                e.event_id,
                e.event_type,
                Jsonb(e.payload),
                Jsonb(e.metadata),
                e.occurred_at,
            )
            for offset, e in enumerate(events, start=1)
        ]
        with self.conn.cursor() as cur:
            if len(rows) == 1:
                cur.execute(self.INSERT, rows[0])
            else:
                cur.executemany(self.INSERT, rows)
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


class RawPsycopg:
    name = "raw psycopg"

    def __init__(self, db: Database, schema: str) -> None:
        self.db, self.schema = db, schema

    def _connect(self) -> psycopg.Connection[Any]:
        return self.db.connect(options=f"-csearch_path={self.schema}")

    def setup(self) -> None:
        self.db.create_schema(self.schema)
        with self._connect() as conn:
            conn.execute(
                """
                CREATE TABLE events (
                    position bigserial PRIMARY KEY,
                    stream_id text NOT NULL,
                    version integer NOT NULL,
                    event_id uuid NOT NULL UNIQUE,
                    type text NOT NULL,
                    payload jsonb NOT NULL,
                    metadata jsonb NOT NULL,
                    occurred_at timestamptz NOT NULL,
                    recorded_at timestamptz NOT NULL DEFAULT now(),
                    UNIQUE (stream_id, version)
                )
                """
            )

    def writer(self, *, shared: bool) -> Writer:
        return RawWriter(self._connect())

    def read_all(self) -> int:
        count = 0
        with self._connect() as conn, conn.cursor(name="read_all") as cur:
            cur.itersize = READ_PAGE
            cur.execute(
                "SELECT position, stream_id, version, event_id, type, payload, metadata,"
                " occurred_at, recorded_at FROM events ORDER BY position"
            )
            for _row in cur:  # payload and metadata arrive decoded (jsonb loader)
                count += 1
        return count

    def close(self) -> None:
        pass


class PyEsWriter:
    def __init__(self, recorder: PostgresApplicationRecorder) -> None:
        self.recorder = recorder

    def append(self, stream_id: str, expected_version: int, events: Sequence[BenchEvent]) -> None:
        stored = [
            StoredEvent(
                originator_id=stream_id,
                originator_version=expected_version + offset,
                topic=e.event_type,
                state=json.dumps(
                    {
                        "event_id": str(e.event_id),
                        "payload": e.payload,
                        "metadata": e.metadata,
                        "occurred_at": e.occurred_at.isoformat(),
                    },
                    separators=(",", ":"),
                ).encode(),
            )
            for offset, e in enumerate(events, start=1)
        ]
        self.recorder.insert_events(stored)

    def close(self) -> None:
        pass


class PyEventSourcing:
    name = "pyeventsourcing"

    def __init__(self, db: Database, schema: str, pool_size: int) -> None:
        self.db, self.schema, self.pool_size = db, schema, pool_size
        self.datastore: PostgresDatastore | None = None
        self.recorder: PostgresApplicationRecorder | None = None

    def setup(self) -> None:
        self.db.create_schema(self.schema)
        self.datastore = self.db.pyes_datastore(self.schema, self.pool_size)
        self.recorder = PostgresApplicationRecorder(self.datastore)
        self.recorder.create_table()

    def writer(self, *, shared: bool) -> Writer:
        assert self.recorder is not None
        return PyEsWriter(self.recorder)

    def read_all(self) -> int:
        assert self.recorder is not None
        count, start, inclusive = 0, None, True
        while True:
            page = self.recorder.select_notifications(
                start, READ_PAGE, inclusive_of_start=inclusive
            )
            for notification in page:
                json.loads(notification.state)
            count += len(page)
            if len(page) < READ_PAGE:
                return count
            start, inclusive = page[-1].id, False

    def close(self) -> None:
        if self.datastore is not None:
            self.datastore.close()


class TrainopsWriter:
    def __init__(self, store: EventStore) -> None:
        self.store = store

    def append(self, stream_id: str, expected_version: int, events: Sequence[BenchEvent]) -> None:
        self.store.append(
            stream_id,
            expected_version,
            [
                NewEvent(
                    event_id=e.event_id,
                    event_type=e.event_type,
                    payload=e.payload,
                    occurred_at=e.occurred_at,
                    metadata=e.metadata,
                )
                for e in events
            ],
        )

    def close(self) -> None:
        pass


class Trainops:
    name = "trainops"

    def __init__(self, db: Database, schema: str) -> None:
        self.db, self.schema = db, schema
        self.engine: Engine | None = None
        self.store: EventStore | None = None

    def setup(self) -> None:
        self.db.create_schema(self.schema)
        self.engine = make_engine(
            self.db.url, connect_args={"options": f"-csearch_path={self.schema}"}
        )
        migrate(self.engine)
        self.store = EventStore(self.engine)

    def writer(self, *, shared: bool) -> Writer:
        assert self.store is not None and self.engine is not None
        return TrainopsWriter(self.store if shared else EventStore(self.engine))

    def read_all(self) -> int:
        assert self.store is not None
        count = 0
        for _event in self.store.read_all():
            count += 1
        return count

    def close(self) -> None:
        if self.engine is not None:
            self.engine.dispose()


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

    return [
        Workload("1", "one event/txn, 1 writer", single, one_writer, warmup=50),
        Workload(
            "2",
            f"one event/txn, {writers} writers, shared store",
            concurrent - concurrent % writers,
            many_writers,
            warmup=10 * writers,
            target=("pyes", 2.0),
        ),
        Workload(
            "2b",
            f"one event/txn, {writers} writers, store/thread",
            concurrent - concurrent % writers,
            many_writers,
            warmup=10 * writers,
            shared=False,
        ),
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
