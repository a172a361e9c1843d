"""The tamper-evident chain: SHA-256 over a canonical JSON encoding of each row.

    canonical(row) = JSON of {event_id, event_type, metadata, occurred_at, payload, position,
                     recorded_at, schema_version, stream_id, stream_version}
                     with sorted keys, separators (",", ":"), UTF-8, no ASCII escaping,
                     times as UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ"
    hash(0)        = 64 zeros
    hash(n)        = hex(SHA-256(bytes.fromhex(hash(n-1)) || canonical(row n)))

The README repeats this so an auditor can check the log with their own script.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from domain.canonical import encode_json, timestamp
from eventlog.records import NewEvent

__all__ = [
    "GENESIS",
    "canonical",
    "canonical_encoded",
    "chain",
    "chained_row",
    "encode_json",
    "timestamp",
]

_encode = encode_json

GENESIS = "0" * 64


def canonical(row: Mapping[str, Any]) -> bytes:
    """The bytes the chain hashes for a row: any mapping with the ten fields above (a dict of
    columns, a ``RecordedEvent._asdict()``); other keys, such as the hashes, are ignored."""
    return canonical_encoded(
        position=row["position"],
        stream_id=row["stream_id"],
        stream_version=row["stream_version"],
        event_id=str(row["event_id"]),
        event_type=row["event_type"],
        schema_version=row["schema_version"],
        payload_json=_encode(row["payload"]),
        metadata_json=_encode(row["metadata"]),
        occurred_ts=timestamp(row["occurred_at"]),
        recorded_ts=timestamp(row["recorded_at"]),
    )


def chained_row(
    position: int,
    stream_id: str,
    stream_version: int,
    event: NewEvent,
    recorded_at: datetime,
    prev_hash: str,
) -> dict[str, Any]:
    """The ``events`` row that stores ``event`` at ``position``, chained onto ``prev_hash``
    (its own hash is ``row["hash"]``)."""
    row: dict[str, Any] = {
        "position": position,
        "stream_id": stream_id,
        "stream_version": stream_version,
        "event_id": str(event.event_id),
        "event_type": event.event_type,
        "schema_version": event.schema_version,
        "payload": event.payload,
        "metadata": event.metadata,
        "occurred_at": event.occurred_at,
        "recorded_at": recorded_at,
        "prev_hash": prev_hash,
    }
    row["hash"] = chain(prev_hash, canonical(row))
    return row


def canonical_encoded(
    *,
    position: int,
    stream_id: str,
    stream_version: int,
    event_id: str,
    event_type: str,
    schema_version: int,
    payload_json: str,
    metadata_json: str,
    occurred_ts: str,
    recorded_ts: str,
) -> bytes:
    """``canonical`` from already-encoded parts: the same bytes as ``json.dumps`` of the whole
    document with sorted keys (the top-level keys below are in sorted order), without encoding
    the payload twice when it is also what gets stored."""
    return (
        f'{{"event_id":{_encode(event_id)},"event_type":{_encode(event_type)},'
        f'"metadata":{metadata_json},"occurred_at":"{occurred_ts}","payload":{payload_json},'
        f'"position":{position},"recorded_at":"{recorded_ts}",'
        f'"schema_version":{schema_version},"stream_id":{_encode(stream_id)},'
        f'"stream_version":{stream_version}}}'
    ).encode()


def chain(previous_hash: str, encoded: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(previous_hash) + encoded).hexdigest()
