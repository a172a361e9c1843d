"""The append-only, hash-chained event log on SQLAlchemy Core (SQLite and PostgreSQL)."""

from eventlog.errors import (
    DuplicateEventError,
    EventLogError,
    StreamVersionConflict,
)
from eventlog.records import AppendResult, NewEvent, RecordedEvent
from eventlog.store import EventStore

__all__ = [
    "AppendResult",
    "DuplicateEventError",
    "EventLogError",
    "EventStore",
    "NewEvent",
    "RecordedEvent",
    "StreamVersionConflict",
]
