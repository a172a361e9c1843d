"""What every importer shares once its files are read (``imports.files``): the row-by-row
report, and appending to the log idempotently and all at once.

Event ids are deterministic (``uuid5``), chosen from what is appended and where, and a whole
import is one transaction, so running an import twice, or again after one that died half way,
appends everything exactly once.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid5

from pydantic import BaseModel
from sqlalchemy import select

from domain.events import Event, event_payload, load_event
from eventlog import EventStore, NewEvent
from eventlog.batch import StreamAppend, append_all
from eventlog.engine import READ_ONLY
from eventlog.schema import events
from imports.files import Row
from imports.problems import FileProblem, ImportProblem, RowError, validation_reason

__all__ = ["FileProblem", "RowError", "validation_reason"]

#: Namespace of every id an import derives (uuid5 of this and a name).
IMPORT_NAMESPACE = UUID("6f1d3c2e-8a4b-5c7d-9e0f-1a2b3c4d5e6f")


class Rejection(BaseModel):
    """A rejected row: where, its record, and why: ``reason`` in English, ``code`` and
    ``params`` (``imports.texts``) and pydantic's ``errors`` for saying it in another language;
    ``problem`` is filled where the report is read, in the reader's language."""

    where: str
    kind: str
    key: str
    reason: str
    code: str = ""
    params: dict[str, Any] = {}
    errors: list[dict[str, Any]] = []
    problem: str | None = None

    @classmethod
    def of(cls, row: Row, kind: str, key: str, why: ImportProblem) -> Rejection:
        return cls(
            where=row.where,
            kind=kind,
            key=key,
            reason=str(why),
            code=why.code,
            params=why.params,
            errors=why.errors,
        )


def derived_id(*parts: object) -> UUID:
    return uuid5(IMPORT_NAMESPACE, "\x1f".join(str(p) for p in parts))


def current_events(store: EventStore, stream_id: str) -> tuple[int, list[Event]]:
    """(stream version, the stream's events decoded)."""
    rows = store.read_stream(stream_id)
    return (
        rows[-1].stream_version if rows else 0,
        [load_event(r.event_type, r.schema_version, r.payload) for r in rows],
    )


@dataclass
class AppendTally:
    appended: int = 0
    unchanged: int = 0
    streams: int = 0


@dataclass
class Recorded:
    """A stream as it stands: its version and, per record key, the latest payload, the
    SHA-256 of every input that wrote that record, and the file that wrote it last."""

    version: int = 0
    latest: dict[object, dict[str, Any]] = field(default_factory=dict)
    sources: dict[object, set[str]] = field(default_factory=dict)
    names: dict[object, str] = field(default_factory=dict)


def read_streams(
    store: EventStore, stream_ids: Iterable[str], key: Callable[[Any], object]
) -> dict[str, Recorded]:
    """Every stream of ``stream_ids`` as it stands, read a thousand streams a query."""
    wanted = sorted(set(stream_ids))
    found: dict[str, Recorded] = {s: Recorded() for s in wanted}
    columns = (
        events.c.stream_id,
        events.c.stream_version,
        events.c.event_type,
        events.c.schema_version,
        events.c.payload,
        events.c.metadata,
    )
    with store.engine.connect().execution_options(**READ_ONLY) as conn:
        for start in range(0, len(wanted), 1000):
            chunk = wanted[start : start + 1000]
            query = (
                select(*columns)
                .where(events.c.stream_id.in_(chunk))
                .order_by(events.c.stream_id, events.c.stream_version)
            )
            for stream_id, version, etype, schema, payload, metadata in conn.execute(query):
                record = found[stream_id]
                record.version = int(version)
                event = load_event(etype, schema, payload)
                k = key(event)
                record.latest[k] = event_payload(event)
                record.sources.setdefault(k, set()).add(str((metadata or {}).get("sha256", "")))
                said = metadata or {}
                record.names[k] = str(said.get("row") or said.get("source", "?"))
    return found


@dataclass(frozen=True)
class Wanted:
    """An event an input asks for, the rows it comes from, and whether those rows say they
    correct a record already there."""

    event: BaseModel
    rows: tuple[Row, ...]
    correction: bool = False


#: Says why a changed value of a guarded record needs ``correction``; None: no guard.
Guard = Callable[[Any, dict[str, Any], str], RowError] | None


def line_guard(event: Any, existing: dict[str, Any], source: str) -> RowError:
    """Money lines (costs, benefits) change only by an explicit correction row."""
    return RowError(
        "import.cost_recorded" if "amount" in existing else "import.benefit_recorded",
        line_id=event.line_id,
        program_id=event.program_id,
        value=str(existing.get("amount", existing.get("value"))),
        source=source,
    )


@dataclass
class StreamPlan:
    stream_id: str
    expected_version: int
    events: list[NewEvent]


def plan_stream(
    stream_id: str,
    recorded: Recorded,
    wanted: Sequence[Wanted],
    key: Callable[[Any], object],
    metadata: dict[str, Any],
    tally: AppendTally,
    *,
    guard: Guard = None,
    now: datetime | None = None,
) -> tuple[StreamPlan | None, list[tuple[Wanted, RowError]]]:
    """What ``wanted`` appends to a stream, by the rule of re-runs (README, "Re-running an
    import"): an unchanged record appends nothing; a record this very input (same SHA-256)
    already wrote appends nothing whatever its value now, so a re-run never undoes a later
    change; a guarded record changes only with ``correction``. Returns the plan (None when
    there is nothing to append) and the refused wants with their reasons."""
    sha = str(metadata.get("sha256", ""))
    latest = dict(recorded.latest)
    changed: list[Wanted] = []
    refused: list[tuple[Wanted, RowError]] = []
    for want in wanted:
        k, payload = key(want.event), event_payload(want.event)
        if latest.get(k) == payload or sha in recorded.sources.get(k, ()):
            tally.unchanged += 1
            continue
        if guard is not None and k in latest and not want.correction:
            refused.append((want, guard(want.event, latest[k], recorded.names.get(k, "?"))))
            continue
        latest[k] = payload
        changed.append(want)
    if not changed:
        return None, refused
    at = now or datetime.now(UTC)
    new = [
        NewEvent.of(
            want.event,
            event_id=derived_id(
                stream_id,
                recorded.version + offset,
                json.dumps(event_payload(want.event), sort_keys=True, default=str),
            ),
            occurred_at=at,
            # the line it came from: a refused correction later names it, not every file
            metadata={**metadata, "row": want.rows[0].where} if want.rows else metadata,
        )
        for offset, want in enumerate(changed, start=1)
    ]
    tally.appended += len(new)
    tally.streams += 1
    return StreamPlan(stream_id, recorded.version, new), refused


def plan_streams(
    recorded: dict[str, Recorded],
    wanted: dict[str, list[Wanted]],
    key: Callable[[Any], object],
    metadata: dict[str, Any],
    tally: AppendTally,
    *,
    guard: Guard = None,
    now: datetime | None = None,
) -> tuple[list[StreamPlan], list[tuple[Wanted, RowError]]]:
    """``plan_stream`` for every stream of ``wanted`` (in order of stream id): the plans of
    those with something to append, and every refused want with its reason."""
    plans: list[StreamPlan] = []
    refused: list[tuple[Wanted, RowError]] = []
    for stream_id, wants in sorted(wanted.items()):
        plan, lines = plan_stream(
            stream_id, recorded[stream_id], wants, key, metadata, tally, guard=guard, now=now
        )
        refused += lines
        if plan is not None:
            plans.append(plan)
    return plans, refused


def write_plans(
    store: EventStore,
    plans: Sequence[StreamPlan],
    on_written: Callable[[int, int], None] | None = None,
) -> None:
    """Every plan in one transaction: the import lands whole or not at all."""
    if plans:
        append_all(
            store,
            [StreamAppend(p.stream_id, p.expected_version, p.events) for p in plans],
            on_written=on_written,
        )
