"""Events of the system around the programs: notification deliveries, configuration versions,
signing keys and announced log maintenance, each in its own stream."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal

from pydantic import Field

from domain.event_base import DomainEvent, upcasts


class NotificationAttempted(DomainEvent):
    """One delivery attempt of one notification and how it ended (its own stream).

    Version 2 names the notification by ``idempotency_key``, as the outbox and the
    notification ledger do; version 1 called it ``key`` (upcast on read, below)."""

    SCHEMA_VERSION: ClassVar[int] = 2

    type: Literal["NotificationAttempted"] = "NotificationAttempted"
    idempotency_key: str
    program_id: str
    recipient: str
    channel: str
    attempt: int
    outcome: Literal["delivered", "failed"]
    error: str = ""


@upcasts("NotificationAttempted", 1)
def _notification_named_by_its_idempotency_key(old: dict[str, Any]) -> dict[str, Any]:
    """Version 1 -> 2: ``key`` became ``idempotency_key`` (same value). The outbox stored its
    attempts as version 1 with the version 2 payload until 0.4.0: those pass as they are."""
    if "key" not in old and "idempotency_key" in old:
        return dict(old)
    new = {name: value for name, value in old.items() if name != "key"}
    new["idempotency_key"] = old["key"]
    return new


class ConfigurationChanged(DomainEvent):
    """An admin put a new version of the configuration in force (stream ``configuration``).
    The whole YAML document is kept, so any past version can be shown and compared."""

    type: Literal["ConfigurationChanged"] = "ConfigurationChanged"
    version: Annotated[int, Field(ge=1)]
    document: Annotated[str, Field(max_length=200_000)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    comment: Annotated[str, Field(max_length=2000)] = ""


class SigningKeyPublished(DomainEvent):
    """A public key the API signs actor assertions with (stream ``signing-keys``). Workers trust
    the keys published here; auditors verify every recorded action's proof against them."""

    type: Literal["SigningKeyPublished"] = "SigningKeyPublished"
    key_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
    algorithm: Literal["ed25519"] = "ed25519"
    public_key: Annotated[str, Field(min_length=40, max_length=64)]
    """Standard base64 of the key's 32 raw bytes."""


class SigningKeyRetired(DomainEvent):
    """No assertion issued at or after ``retired_at`` with this key is accepted; older proofs
    stay verifiable."""

    type: Literal["SigningKeyRetired"] = "SigningKeyRetired"
    key_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
    retired_at: datetime
    reason: Annotated[str, Field(max_length=500)] = ""


class LogMaintenance(DomainEvent):
    """The schema's owner is about to change the log by hand (stream ``log-maintenance``;
    docs/log-maintenance.md): why, under which ticket, the exact statements, and the head
    before. Recorded first, so the change it announces is never silent; sealed after."""

    type: Literal["LogMaintenance"] = "LogMaintenance"
    reason: Annotated[str, Field(min_length=10, max_length=2000)]
    ticket: Annotated[str, Field(max_length=200)] = ""
    statements: Annotated[list[Annotated[str, Field(max_length=20_000)]], Field(max_length=50)]
    head_position: Annotated[int, Field(ge=0)]
    head_hash: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
