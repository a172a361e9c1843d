"""What every importer shares: reading CSV/JSON files strictly, the row-by-row report, and
appending to the log idempotently and all at once.

Event ids are deterministic (``uuid5``), chosen from what is appended and where, and a whole
import is one transaction, so running an import twice, or again after one that died half way,
appends everything exactly once.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from pydantic import BaseModel
from sqlalchemy import select

from domain.days import parse_day
from domain.events import Event, event_payload, load_event
from eventlog import EventStore, NewEvent
from eventlog.batch import StreamAppend, append_all
from eventlog.engine import READ_ONLY
from eventlog.schema import events
from imports.problems import FileProblem, ImportProblem, RowError, validation_reason

__all__ = ["FileProblem", "RowError", "validation_reason"]

#: Namespace of every id an import derives (uuid5 of this and a name).
IMPORT_NAMESPACE = UUID("6f1d3c2e-8a4b-5c7d-9e0f-1a2b3c4d5e6f")


@dataclass(frozen=True)
class Row:
    """One input record: where it came from (``file:line``) and its cells (None when blank)."""

    where: str
    kind: str
    cells: dict[str, Any]


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


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is fine); anything else is refused with where it breaks and a hint."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        code = "import.not_utf8"
        try:
            data.decode("gb18030")
            code = "import.not_utf8_gbk"
        except UnicodeDecodeError:
            pass
        raise FileProblem(
            code, file=path.name, byte=f"{data[exc.start]:02x}", offset=exc.start
        ) from exc


def read_table(
    path: Path,
    kind: str,
    required: Sequence[str],
    optional: Sequence[str] = (),
    *,
    data: bytes | None = None,
) -> list[Row]:
    """Rows of a CSV file (header line first) or a JSON array of objects. Missing required
    columns and unknown columns are file problems: a typo must not silently drop a column."""
    raw = path.read_bytes() if data is None else data
    text = decode(path, raw)
    if path.suffix.lower() == ".json":
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise not_json(path.name, exc) from exc
        if not isinstance(parsed, list) or not all(isinstance(x, dict) for x in parsed):
            raise FileProblem("import.not_json_array", file=path.name)
        return json_rows(path.name, kind, parsed, required, optional)
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip() for h in reader.fieldnames or []]
        check_columns(path.name, header, required, optional)
        reader.fieldnames = header
        rows: list[Row] = []
        for record in reader:
            extra = record.pop(None, None)
            cells = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in record.items()}
            if extra:
                cells["__extra__"] = extra
            rows.append(Row(f"{path.name}:{reader.line_num}", kind, cells))
    except csv.Error as exc:  # a field over 128 KiB, a NUL byte, an unclosed quote at the end
        raise FileProblem(
            "import.not_csv", file=path.name, line=reader.line_num, problem=str(exc)
        ) from exc
    return rows


def json_rows(
    name: str,
    kind: str,
    records: Iterable[dict[str, Any]],
    required: Sequence[str],
    optional: Sequence[str] = (),
) -> list[Row]:
    rows: list[Row] = []
    for index, record in enumerate(records):
        check_columns(f"{name} {kind}[{index}]", list(record), required, optional, per_row=True)
        cells = {k: (None if v == "" else v) for k, v in record.items()}
        rows.append(Row(f"{name} {kind}[{index}]", kind, cells))
    return rows


def check_columns(
    where: str,
    found: Sequence[str],
    required: Sequence[str],
    optional: Sequence[str],
    *,
    per_row: bool = False,
) -> None:
    missing = [c for c in required if c not in found]
    unknown = [c for c in found if c not in required and c not in optional]
    if missing or unknown:
        code = (
            "import.missing_and_unknown_columns"
            if missing and unknown
            else ("import.missing_columns" if missing else "import.unknown_columns")
        )
        raise FileProblem(
            code,
            where=where,
            missing=", ".join(missing),
            unknown=", ".join(unknown),
            noun="fields" if per_row else "columns",
            expected=", ".join([*required, *(f"[{c}]" for c in optional)]),
        )


def not_json(name: str, exc: json.JSONDecodeError) -> FileProblem:
    """A file that is not JSON: where it breaks (the parser's words are English only)."""
    return FileProblem(
        "import.not_json", file=name, problem=exc.msg, line=exc.lineno, column=exc.colno
    )


def json_cell(value: Any, column: str) -> Any:
    """A cell that holds JSON: text in a CSV file, already decoded in a JSON file."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except json.JSONDecodeError as exc:
        raise RowError(
            "import.cell_not_json", column=column, problem=exc.msg, position=exc.pos + 1
        ) from exc


def split_list(value: Any) -> tuple[str, ...]:
    """A list cell: a JSON array, or a CSV cell separated by ``|``."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(part.strip() for part in str(value).split("|") if part.strip())


#: Money as a program's budget holds it: 14 digits, 2 of them after the point.
MONEY_DIGITS, MONEY_DECIMALS = 14, 2


def money(value: Any, column: str) -> Any:
    """A sum of money as given (the event model parses it), if it fits the budget's shape:
    a number too long for a report's column or with fractions of a cent is the row's reason."""
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return value  # not a number at all: the model says so
    if not amount.is_finite():
        return value
    _, digits, exponent = amount.normalize().as_tuple()
    assert isinstance(exponent, int)  # finite
    decimals = max(-exponent, 0)
    whole = max(len(digits) + exponent, 0)  # 12.5: 3 digits, exponent -1; 1E+3: 1 digit, 3
    if decimals > MONEY_DECIMALS or whole > MONEY_DIGITS - MONEY_DECIMALS:
        raise RowError(
            "import.not_money",
            column=column,
            value=str(value),
            whole=MONEY_DIGITS - MONEY_DECIMALS,
            decimals=MONEY_DECIMALS,
        )
    return value


def past_day(value: Any, what: str, today: date) -> date | None:
    """A day cell (None when blank) of something that has happened, so not after ``today``;
    ``RowError`` says why a value is not one."""
    if value is None:
        return None
    try:
        day = parse_day(value, what)
    except ValueError as exc:
        raise RowError.of(exc) from exc
    if day > today:
        raise RowError("import.future_day", column=what, day=day, today=today)
    return day


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
                record.names[k] = str((metadata or {}).get("source", "?"))
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
    changed: list[BaseModel] = []
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
        changed.append(want.event)
    if not changed:
        return None, refused
    at = now or datetime.now(UTC)
    new = [
        NewEvent.of(
            event,
            event_id=derived_id(
                stream_id,
                recorded.version + offset,
                json.dumps(event_payload(event), sort_keys=True, default=str),
            ),
            occurred_at=at,
            metadata=metadata,
        )
        for offset, event in enumerate(changed, start=1)
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
