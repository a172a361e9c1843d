"""Notification delivery: a ledger row per (notification, recipient), routed to a channel.

The ledger (table ``notifications``) is also the default channel, the *outbox* people list.
Its unique idempotency key makes delivery at most once per key across activity retries and
worker restarts: a row already ``delivered`` is never sent again. Every attempt on a real
channel, and how it ended, is appended to the log as ``NotificationAttempted``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import structlog
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
    update,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from activities.admin_config import NotificationSettings
from activities.channels import Channel, DeliveryFailed, make_channel
from activities.config_versions import provider
from domain.events import NotificationAttempted
from eventlog import EventStore, NewEvent
from eventlog.engine import run_migrations

log = structlog.get_logger(__name__)

metadata = MetaData()

notifications = Table(
    "notifications",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("idempotency_key", String(300), nullable=False, unique=True),
    Column("recipient", String(100), nullable=False),
    Column("channel", String(30), nullable=False),
    Column("address", String(300), nullable=False),
    Column("subject", String(300), nullable=False),
    Column("body", Text, nullable=False),
    Column("program_id", String(100), nullable=False),
    Column("status", String(20), nullable=False),
    Column("attempts", Integer, nullable=False),
    Column("last_error", Text, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("delivered_at", DateTime(timezone=True), nullable=True),
)

_NOTIFICATION_NAMESPACE = uuid.UUID("6f1c2a52-3a0e-4d53-9d55-0b8f7f1b2c10")


class Message(Protocol):
    """A message to many people (a notice, a reminder) as one recipient's copy is made of it."""

    @property
    def idempotency_key(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def program_id(self) -> str: ...


@dataclass(frozen=True)
class Notification:
    idempotency_key: str
    recipient: str
    subject: str
    body: str
    program_id: str

    @classmethod
    def copy_for(cls, message: Message, recipient: str) -> Notification:
        """``recipient``'s copy of ``message``, keyed ``{key}:{recipient}`` in the ledger."""
        return cls(
            idempotency_key=f"{message.idempotency_key}:{recipient}",
            recipient=recipient,
            subject=message.subject,
            body=message.body,
            program_id=message.program_id,
        )


class NotificationService:
    """Delivers notifications through the channel configured for each recipient."""

    def __init__(
        self,
        engine: Engine,
        settings: NotificationSettings | Callable[[], NotificationSettings] | None = None,
        store: EventStore | None = None,
        channel_factory: Callable[[Any], Channel] = make_channel,
    ) -> None:
        self.engine = engine
        self._settings = provider(settings, NotificationSettings())
        self.store = store
        self._channel_factory = channel_factory
        self._built: tuple[NotificationSettings, dict[str, Channel]] | None = None

    @property
    def settings(self) -> NotificationSettings:
        """The notification settings in force now (they follow saved configuration versions)."""
        return self._settings()

    def _channels(self, settings: NotificationSettings) -> dict[str, Channel]:
        built = self._built  # read once: another thread may swap it for a newer version
        if built is None or built[0] is not settings:
            channels = {name: self._channel_factory(c) for name, c in settings.channels.items()}
            built = self._built = (settings, channels)
        return built[1]

    def send(self, notification: Notification, attempt: int = 1) -> str:
        """Deliver once; returns the ledger id. Raises ``DeliveryFailed`` to be retried."""
        settings = self.settings
        channel_name, address = settings.route_for(notification.recipient)
        row = self._reserve(notification, channel_name, address)
        if row["status"] != "delivered" and (row["channel"], row["address"]) != (
            channel_name,
            address,
        ):
            # The admin changed the route since an earlier attempt: retries follow the route
            # in force (routing to the outbox delivers it there).
            row["status"] = self._reroute(row["id"], channel_name, address)
        if row["status"] == "delivered":
            return f"notification-{row['id']}"
        channel = self._channels(settings)[channel_name]
        try:
            channel.send(
                address=address,
                subject=notification.subject,
                body=notification.body,
                key=notification.idempotency_key,
            )
        except DeliveryFailed as exc:
            self._finish(row["id"], "failed", str(exc))
            self._record(notification, channel_name, attempt, "failed", str(exc))
            log.warning("delivery failed", channel=channel_name, attempt=attempt)
            raise
        self._finish(row["id"], "delivered", None)
        self._record(notification, channel_name, attempt, "delivered", "")
        return f"notification-{row['id']}"

    def send_many(self, batch: Sequence[Notification], attempt: int = 1) -> list[str]:
        """Deliver a page of notifications; returns why each failed one failed. Those routed
        to the outbox are written in one statement (a key already in the ledger keeps its
        row); the rest, and any row an earlier attempt left undelivered, go through ``send``."""
        settings = self.settings
        now = datetime.now(UTC)
        rows = []
        one_by_one = []
        for n in batch:
            channel, address = settings.route_for(n.recipient)
            if channel != "outbox":
                one_by_one.append(n)
                continue
            rows.append(
                {
                    "idempotency_key": n.idempotency_key,
                    "recipient": n.recipient,
                    "channel": channel,
                    "address": address,
                    "subject": n.subject,
                    "body": n.body,
                    "program_id": n.program_id,
                    "status": "delivered",
                    "attempts": 0,
                    "created_at": now,
                    "delivered_at": now,
                }
            )
        if rows:
            dialect = postgresql if self.engine.dialect.name == "postgresql" else sqlite
            statement = dialect.insert(notifications).on_conflict_do_nothing(
                index_elements=["idempotency_key"]
            )
            keys = [row["idempotency_key"] for row in rows]
            with self.engine.begin() as conn:
                conn.execute(statement, rows)
                undelivered = set(
                    conn.execute(
                        select(notifications.c.idempotency_key).where(
                            notifications.c.idempotency_key.in_(keys),
                            notifications.c.status != "delivered",
                        )
                    ).scalars()
                )
            one_by_one += [n for n in batch if n.idempotency_key in undelivered]
        failures = []
        for n in one_by_one:
            try:
                self.send(n, attempt)
            except DeliveryFailed as exc:
                failures.append(str(exc))
        return failures

    def _reserve(self, n: Notification, channel: str, address: str) -> dict[str, Any]:
        now = datetime.now(UTC)
        outbox = channel == "outbox"
        try:
            with self.engine.begin() as conn:
                conn.execute(
                    insert(notifications).values(
                        idempotency_key=n.idempotency_key,
                        recipient=n.recipient,
                        channel=channel,
                        address=address,
                        subject=n.subject,
                        body=n.body,
                        program_id=n.program_id,
                        status="delivered" if outbox else "pending",
                        attempts=0,
                        created_at=now,
                        delivered_at=now if outbox else None,
                    )
                )
        except IntegrityError:
            pass  # reserved by an earlier attempt
        with self.engine.connect() as conn:
            found = conn.execute(
                select(
                    notifications.c.id,
                    notifications.c.status,
                    notifications.c.channel,
                    notifications.c.address,
                ).where(notifications.c.idempotency_key == n.idempotency_key)
            ).one()
        return {"id": found[0], "status": found[1], "channel": found[2], "address": found[3]}

    def _reroute(self, row_id: int, channel: str, address: str) -> str:
        """Point a pending notification at another channel; returns its status."""
        outbox = channel == "outbox"
        status = "delivered" if outbox else "pending"
        self._update(
            row_id,
            channel=channel,
            address=address,
            status=status,
            delivered_at=datetime.now(UTC) if outbox else None,
        )
        return status

    def _finish(self, row_id: int, status: str, error: str | None) -> None:
        self._update(
            row_id,
            status=status,
            attempts=notifications.c.attempts + 1,
            last_error=error,
            delivered_at=datetime.now(UTC) if status == "delivered" else None,
        )

    def _update(self, row_id: int, **values: Any) -> None:
        """Change one ledger row, in its own transaction."""
        with self.engine.begin() as conn:
            conn.execute(update(notifications).where(notifications.c.id == row_id).values(values))

    def _record(
        self,
        n: Notification,
        channel: str,
        attempt: int,
        outcome: Literal["delivered", "failed"],
        error: str,
    ) -> None:
        if self.store is None:
            return
        event = NotificationAttempted(
            idempotency_key=n.idempotency_key,
            program_id=n.program_id,
            recipient=n.recipient,
            channel=channel,
            attempt=attempt,
            outcome=outcome,
            error=error[:500],
        )
        stream = "notification-" + hashlib.sha256(n.idempotency_key.encode()).hexdigest()[:32]
        event_id = uuid.uuid5(_NOTIFICATION_NAMESPACE, f"{n.idempotency_key}#{attempt}")
        new = NewEvent.of(
            event,
            event_id=event_id,
            occurred_at=datetime.now(UTC),
            metadata={"actor": "system", "role": "system"},
        )
        self.store.append(stream, self.store.stream_version(stream), [new])

    def list(self, recipient: str | None = None, limit: int = 100) -> list[dict[str, Any]]:
        query = select(notifications).order_by(notifications.c.id.desc()).limit(limit)
        if recipient is not None:
            query = query.where(notifications.c.recipient == recipient)
        with self.engine.connect() as conn:
            return [dict(row._mapping) for row in conn.execute(query)]


def migrate_outbox(engine: Engine) -> None:
    run_migrations(engine, Path(__file__).parent / "migrations", "outbox_schema_version")
