"""Table definitions. The schema itself is created and upgraded by the Alembic migrations."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC on both databases (SQLite would otherwise drop the offset)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are not accepted by the event log")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)  # type: ignore[no-any-return]
        return value.astimezone(UTC)  # type: ignore[no-any-return]


# Plain JSON, not JSONB, on PostgreSQL too: JSONB normalises numbers (1e16 -> 10000000000000000,
# -0.0 -> 0), which would change the bytes an auditor hashes. The log keeps what was written.
JsonDocument = JSON()

#: Text on SQLite, native uuid on PostgreSQL (migration 0003); read and written as strings.
EventId = String(36).with_variant(postgresql.UUID(as_uuid=False), "postgresql")

metadata = MetaData()

events = Table(
    "events",
    metadata,
    Column("position", BigInteger, primary_key=True, autoincrement=False),
    Column("stream_id", String(200), nullable=False),
    Column("stream_version", Integer, nullable=False),
    Column("event_id", EventId, nullable=False, unique=True),
    Column("event_type", String(100), nullable=False),
    Column("schema_version", Integer, nullable=False),
    Column("payload", JsonDocument, nullable=False),
    Column("metadata", JsonDocument, nullable=False),
    Column("occurred_at", UtcDateTime, nullable=False),
    Column("recorded_at", UtcDateTime, nullable=False),
    Column("prev_hash", String(64), nullable=False),
    Column("hash", String(64), nullable=False),
    UniqueConstraint("stream_id", "stream_version", name="uq_events_stream_version"),
)

log_head = Table(
    "log_head",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("position", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
)

# Sealed digests (``trainops audit seal``): each names a position and the chain hash there, and
# is itself chained (seal_hash covers the previous seal), so a rewrite of the log that recomputes
# every event hash still disagrees with the seals taken before it. Since migration 0004 a seal
# is signed (``domain.seals``) and copied to a witness outside the database; since 0005 the
# database refuses UPDATE and DELETE on this table and on ``events``.
log_seals = Table(
    "log_seals",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=False),
    Column("position", BigInteger, nullable=False),
    Column("hash", String(64), nullable=False),
    Column("sealed_at", UtcDateTime, nullable=False),
    Column("prev_seal_hash", String(64), nullable=False),
    Column("seal_hash", String(64), nullable=False),
    Column("key_id", String(16), nullable=True),
    Column("signature", String(200), nullable=True),
)
