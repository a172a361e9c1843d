"""The notification outbox: the default channel, a table people and other channels read from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from sqlalchemy import (
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    insert,
    select,
)
from sqlalchemy.exc import IntegrityError

from eventlog.engine import run_migrations

metadata = MetaData()

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(300), nullable=False, unique=True),
    Column("recipient", String(100), nullable=False),
    Column("channel", String(30), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("program_id", String(100), nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
)


@dataclass(frozen=True)
class Notification:
    idempotency_key: str
    recipient: str
    subject: str
    body: str
    program_id: str


class Notifier(Protocol):
    """A channel that delivers a notification at most once per idempotency key."""

    def send(self, notification: Notification) -> str: ...


class OutboxNotifier:
    """Writes notifications into the ``notifications`` table; the same key twice is a no-op."""

    channel = "outbox"

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def send(self, notification: Notification) -> str:
        key = notification.idempotency_key
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(notifications).values(
                        idempotency_key=key,
                        recipient=notification.recipient,
                        channel=self.channel,
                        subject=notification.subject,
                        body=notification.body,
                        program_id=notification.program_id,
                        created_at=datetime.now(UTC),
                    )
                )
        except IntegrityError:
            pass  # already delivered by an earlier attempt
        with self.engine.connect() as conn:
            found = conn.execute(
                select(notifications.c.id).where(notifications.c.idempotency_key == key)
            ).scalar_one()
        return f"outbox-{found}"

    def list(self, recipient: str | None = None, limit: int = 100) -> list[dict[str, object]]:
        query = select(notifications).order_by(notifications.c.id.desc()).limit(limit)
        if recipient is not None:
            query = query.where(notifications.c.recipient == recipient)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]


def migrate_outbox(engine: Engine) -> None:
    run_migrations(engine, Path(__file__).parent / "migrations", "outbox_schema_version")
