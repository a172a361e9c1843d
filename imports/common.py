"""What every importer shares: reading CSV/JSON files strictly, the row-by-row report, and
appending to the log idempotently.

Event ids are deterministic (``uuid5``), chosen from what is appended and where, so running an
import twice, or retrying one that died half way, appends nothing new.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import UUID, uuid5

from pydantic import BaseModel, ValidationError

from domain.events import event_payload, load_event, schema_version_of, type_name
from eventlog import EventStore, NewEvent

#: Namespace of every id an import derives (uuid5 of this and a name).
IMPORT_NAMESPACE = UUID("6f1d3c2e-8a4b-5c7d-9e0f-1a2b3c4d5e6f")


class FileProblem(Exception):
    """The whole file cannot be read (encoding, format, columns): nothing is imported."""


@dataclass(frozen=True)
class Row:
    """One input record: where it came from (``file:line``) and its cells (None when blank)."""

    where: str
    kind: str
    cells: dict[str, Any]


class Rejection(BaseModel):
    where: str
    kind: str
    key: str
    reason: str


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (a BOM is fine); anything else is refused with where it breaks and a hint."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        hint = ""
        try:
            data.decode("gb18030")
            hint = " It looks like GBK/GB18030 (a Chinese Excel export)."
        except UnicodeDecodeError:
            pass
        raise FileProblem(
            f"{path.name}: not UTF-8 (byte 0x{data[exc.start]:02x} at offset {exc.start}).{hint}"
            " Save it as UTF-8 (Excel: 'CSV UTF-8') and import again."
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
            raise FileProblem(f"{path.name}: not valid JSON ({exc})") from exc
        if not isinstance(parsed, list) or not all(isinstance(x, dict) for x in parsed):
            raise FileProblem(f"{path.name}: expected a JSON array of objects")
        return json_rows(path.name, kind, parsed, required, optional)
    reader = csv.DictReader(io.StringIO(text))
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
    problems = []
    if missing:
        problems.append(f"missing column(s) {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s) {', '.join(unknown)}")
    if problems:
        expected = ", ".join([*required, *(f"[{c}]" for c in optional)])
        what = "fields" if per_row else "columns"
        raise FileProblem(f"{where}: {'; '.join(problems)}. Expected {what}: {expected}")


def validation_reason(exc: ValidationError) -> str:
    return "; ".join(
        f"{'.'.join(str(p) for p in err['loc']) or 'value'}: {err['msg']}" for err in exc.errors()
    )


def split_list(value: Any) -> tuple[str, ...]:
    """A list cell: a JSON array, or a CSV cell separated by ``|``."""
    if value is None:
        return ()
    if isinstance(value, list):
        return tuple(str(v).strip() for v in value if str(v).strip())
    return tuple(part.strip() for part in str(value).split("|") if part.strip())


def derived_id(*parts: object) -> UUID:
    return uuid5(IMPORT_NAMESPACE, "\x1f".join(str(p) for p in parts))


def new_event(
    event: BaseModel, event_id: UUID, occurred_at: datetime, metadata: dict[str, Any]
) -> NewEvent:
    return NewEvent(
        event_id=event_id,
        event_type=type_name(type(event)),
        schema_version=schema_version_of(event),
        payload=event_payload(event),
        occurred_at=occurred_at,
        metadata=metadata,
    )


def current_events(store: EventStore, stream_id: str) -> tuple[int, list[Any]]:
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


def append_changes(
    store: EventStore,
    stream_id: str,
    wanted: Sequence[BaseModel],
    key: Callable[[Any], object],
    metadata: dict[str, Any],
    tally: AppendTally,
    *,
    now: datetime | None = None,
) -> None:
    """Append the ``wanted`` events whose record (by ``key``) differs from the latest one in the
    stream; ids derive from the stream, the version they land at and the content, so a retry
    after a crash re-sends the very same events and a second run finds nothing to do."""
    version, existing = current_events(store, stream_id)
    latest = {key(e): event_payload(e) for e in existing}
    changed = []
    for event in wanted:
        if latest.get(key(event)) == event_payload(event):
            tally.unchanged += 1
            continue
        latest[key(event)] = event_payload(event)
        changed.append(event)
    if not changed:
        return
    at = now or datetime.now(UTC)
    new = [
        new_event(
            event,
            derived_id(
                stream_id,
                version + offset,
                json.dumps(event_payload(event), sort_keys=True, default=str),
            ),
            at,
            metadata,
        )
        for offset, event in enumerate(changed, start=1)
    ]
    store.append(stream_id, version, new)
    tally.appended += len(new)
    tally.streams += 1
