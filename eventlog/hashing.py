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
import json
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64


def timestamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(
    *,
    position: int,
    stream_id: str,
    stream_version: int,
    event_id: str,
    event_type: str,
    schema_version: int,
    payload: dict[str, Any],
    metadata: dict[str, Any],
    occurred_at: datetime,
    recorded_at: datetime,
) -> bytes:
    document = {
        "event_id": event_id,
        "event_type": event_type,
        "metadata": metadata,
        "occurred_at": timestamp(occurred_at),
        "payload": payload,
        "position": position,
        "recorded_at": timestamp(recorded_at),
        "schema_version": schema_version,
        "stream_id": stream_id,
        "stream_version": stream_version,
    }
    return json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def chain(previous_hash: str, encoded: bytes) -> str:
    return hashlib.sha256(bytes.fromhex(previous_hash) + encoded).hexdigest()
