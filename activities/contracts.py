"""Inputs and outputs of the activities, shared with the workflows (pure pydantic, no I/O)."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict

from domain.events import EventEnvelope

APPEND_EVENTS = "append_events"
SEND_REMINDER = "send_reminder"

#: ApplicationError types that retrying cannot fix.
STREAM_VERSION_CONFLICT = "StreamVersionConflict"
DUPLICATE_EVENT = "DuplicateEvent"


class AppendEventsInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    stream_id: str
    expected_version: int
    envelopes: tuple[EventEnvelope, ...]


class AppendEventsOutput(BaseModel):
    model_config = ConfigDict(frozen=True)

    stream_version: int
    last_position: int
    replayed: bool


class ReminderNotice(BaseModel):
    """One reminder to deliver; ``idempotency_key`` makes a retried delivery a no-op."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    program_id: str
    program_title: str
    kind: str
    session_id: str
    session_starts_at: datetime
    due_at: datetime
    recipients: tuple[str, ...]


class ReminderDelivery(BaseModel):
    model_config = ConfigDict(frozen=True)

    notification_ids: tuple[str, ...]
