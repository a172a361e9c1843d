"""Helpers shared by the event-log conformance tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Connection, Engine, select, text

from eventlog import EventStore, NewEvent


def new_event(
    event_type: str = "TrainingScheduled",
    payload: dict[str, Any] | None = None,
    *,
    occurred_at: datetime | None = None,
    metadata: dict[str, Any] | None = None,
    schema_version: int = 1,
) -> NewEvent:
    return NewEvent(
        event_id=uuid4(),
        event_type=event_type,
        payload={"n": 1} if payload is None else payload,
        occurred_at=occurred_at or datetime.now(UTC),
        schema_version=schema_version,
        metadata={"actor": "tester"} if metadata is None else metadata,
    )


def append_interleaved(store: EventStore, streams: str, *, first: int) -> None:
    """One event per letter of ``streams``, appended to stream ``program-<letter>``; event n
    (counting from ``first``) is of type ``Type<n % 3>`` with amount n * 100."""
    for index, stream in enumerate(streams, start=first):
        stream_id = f"program-{stream}"
        store.append(
            stream_id,
            store.stream_version(stream_id),
            [new_event(f"Type{index % 3}", {"amount": index * 100, "index": index})],
        )


def new_events(count: int, event_type: str = "TrainingScheduled") -> list[NewEvent]:
    return [new_event(event_type, {"i": i}) for i in range(count)]


def exact_json(document: Any) -> str:
    """A spelling that tells apart what ``==`` does not (True vs 1, 1.0 vs 1)."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def row_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM events")).scalar_one())


@contextmanager
def tampering(engine: Engine) -> Iterator[Connection]:
    """A transaction run the way an attacker with the owner's or a superuser's rights would:
    the append-only triggers are out of the way first (PostgreSQL: replica mode, in which user
    triggers do not fire, for this transaction; SQLite: the triggers dropped, as anyone who can
    write the file can). The application's role can do neither."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            triggers = conn.execute(
                text(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger'"
                    " AND tbl_name IN ('events', 'log_seals')"
                )
            ).scalars()
            for name in list(triggers):
                conn.execute(text(f'DROP TRIGGER "{name}"'))
        yield conn


def tamper(engine: Engine, statement: Any, **params: Any) -> int:
    """Run one statement as an attacker (see ``tampering``); the number of rows it changed."""
    with tampering(engine) as conn:
        return int(conn.execute(statement, params).rowcount)


def swap_positions(engine: Engine, first: int, second: int) -> None:
    """An attacker swaps two rows' positions (see ``tampering``)."""
    swap = text("UPDATE events SET position = :new WHERE position = :old")
    with tampering(engine) as conn:
        conn.execute(swap, {"old": first, "new": -first})
        conn.execute(swap, {"old": second, "new": first})
        conn.execute(swap, {"old": -first, "new": second})


def rechain(engine: Engine, position: int, payload: dict[str, Any] | None = None) -> str:
    """A forger's rewrite: give the row at ``position`` a new payload (if any) and recompute
    its hash and every later one, head included, so the chain alone verifies again. Returns
    the new hash of the last row."""
    from eventlog import hashing
    from eventlog.schema import events, log_head

    with tampering(engine) as conn:
        if payload is not None:
            conn.execute(
                events.update().where(events.c.position == position).values(payload=payload)
            )
        previous = (
            conn.execute(select(events.c.hash).where(events.c.position == position - 1)).scalar()
            or hashing.GENESIS
        )
        rows = conn.execute(
            select(events).where(events.c.position >= position).order_by(events.c.position)
        ).all()
        for row in rows:
            new_hash = hashing.chain(previous, hashing.canonical(dict(row._mapping)))
            conn.execute(
                events.update()
                .where(events.c.position == row.position)
                .values(prev_hash=previous, hash=new_hash)
            )
            previous = new_hash
        last = rows[-1].position if rows else position - 1
        conn.execute(log_head.update().values(position=last, hash=previous))
    return str(previous)
