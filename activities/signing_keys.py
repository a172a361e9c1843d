"""The keys workers trust for actor assertions, kept in the log (stream ``signing-keys``).

The API publishes its public key the first time it starts with it; workers read the stream into
``workflows.trusted_keys.TRUSTED``; the export bundle carries it for auditors. A published key is
never removed: a retired key stops proving new actions and keeps verifying the old ones.
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from uuid import uuid4

import structlog
from pydantic import BaseModel

from domain.events import (
    SigningKeyPublished,
    SigningKeyRetired,
    event_payload,
    load_event,
    type_name,
)
from domain.proofs import TrustedKey
from domain.streams import KEYS_STREAM
from eventlog import EventStore, NewEvent

log = structlog.get_logger(__name__)

SYSTEM_METADATA = {"actor": "system", "role": "system"}


class SigningKeyError(RuntimeError):
    """A key operation the log refuses (unknown or retired key); the message says why."""


def trusted_keys(store: EventStore) -> dict[str, TrustedKey]:
    """Every key published in the log, with its retirement if any."""
    keys: dict[str, TrustedKey] = {}
    for recorded in store.read_stream(KEYS_STREAM):
        event = load_event(recorded.event_type, recorded.schema_version, recorded.payload)
        if isinstance(event, SigningKeyPublished):
            keys[event.key_id] = TrustedKey(event.key_id, base64.b64decode(event.public_key))
        elif isinstance(event, SigningKeyRetired) and event.key_id in keys:
            known = keys[event.key_id]
            keys[event.key_id] = TrustedKey(known.key_id, known.public_key, event.retired_at)
    return keys


def _append(store: EventStore, event: BaseModel, actor_metadata: Mapping[str, str]) -> None:
    store.append(
        KEYS_STREAM,
        store.stream_version(KEYS_STREAM),
        [
            NewEvent(
                event_id=uuid4(),
                event_type=type_name(type(event)),
                payload=event_payload(event),
                occurred_at=datetime.now(UTC),
                metadata=dict(actor_metadata),
            )
        ],
    )


def publish_key(store: EventStore, key: TrustedKey) -> bool:
    """Publish ``key`` in the log unless it is there; True if it was added."""
    known = trusted_keys(store)
    if key.key_id in known:
        if known[key.key_id].retired_at is not None:
            raise SigningKeyError(
                f"signing key {key.key_id} was retired: configure a new one "
                "(`trainops keys generate`)"
            )
        return False
    published = SigningKeyPublished(
        key_id=key.key_id, public_key=base64.b64encode(key.public_key).decode()
    )
    _append(store, published, SYSTEM_METADATA)
    log.info("signing key published", key_id=key.key_id)
    return True


def retire_key(store: EventStore, key_id: str, actor: str, reason: str = "") -> None:
    """Stop trusting ``key_id`` for assertions issued from now on (recorded with its actor)."""
    known = trusted_keys(store)
    if key_id not in known:
        raise SigningKeyError(f"no published signing key {key_id!r}")
    retired = SigningKeyRetired(key_id=key_id, retired_at=datetime.now(UTC), reason=reason)
    _append(store, retired, {"actor": actor, "role": "admin"})
