"""Helpers shared by the event-log conformance tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from uuid import uuid4

from sqlalchemy import Engine, text

from eventlog import NewEvent


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


def new_events(count: int, event_type: str = "TrainingScheduled") -> list[NewEvent]:
    return [new_event(event_type, {"i": i}) for i in range(count)]


def exact_json(document: Any) -> str:
    """A spelling that tells apart what ``==`` does not (True vs 1, 1.0 vs 1)."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False)


def row_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM events")).scalar_one())
