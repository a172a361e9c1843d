"""The three event-log implementations the benchmarks compare, and the work they share.

``raw`` (hand-written psycopg 3: the floor of what PostgreSQL costs, not a correct log),
``pyeventsourcing`` (eventsourcing's ``PostgresApplicationRecorder``) and ``trainops``
(``eventlog.EventStore``). ``bench.eventlog_bench`` times them in one process and
``bench.writers_bench`` in separate processes.
"""

from __future__ import annotations

import json
import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
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
                NewEvent(e.event_id, e.event_type, e.payload, e.occurred_at, metadata=e.metadata)
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
