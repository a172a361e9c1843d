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

from audit.key_texts import key_message
from domain.events import (
    SigningKeyPublished,
    SigningKeyRetired,
    load_event,
)
from domain.proofs import TrustedKey
from domain.streams import KEYS_STREAM
from eventlog import EventStore, NewEvent
from runtime.errors import StartupError

log = structlog.get_logger(__name__)

SYSTEM_METADATA = {"actor": "system", "role": "system"}


class SigningKeyError(StartupError, RuntimeError):
    """A key that cannot be used (unknown, retired, missing, not Ed25519); the message says
    why, and ``key`` and ``params`` name it (``audit.key_texts``) for the edges to say in the
    reader's language."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = {name: str(value) for name, value in params.items()}
        super().__init__(key_message(key, self.params))


def published_keys(store: EventStore, stream: str) -> dict[str, TrustedKey]:
    """Every key published in ``stream``, with its retirement if any (the API's signing keys,
    or the seal keys: the same events in separate streams, so one is never trusted as the
    other)."""
    keys: dict[str, TrustedKey] = {}
    for recorded in store.read_stream(stream):
        event = load_event(recorded.event_type, recorded.schema_version, recorded.payload)
        if isinstance(event, SigningKeyPublished):
            keys[event.key_id] = TrustedKey(event.key_id, base64.b64decode(event.public_key))
        elif isinstance(event, SigningKeyRetired) and event.key_id in keys:
            known = keys[event.key_id]
            keys[event.key_id] = TrustedKey(known.key_id, known.public_key, event.retired_at)
    return keys


def trusted_keys(store: EventStore) -> dict[str, TrustedKey]:
    """Every key published for actor assertions, with its retirement if any."""
    return published_keys(store, KEYS_STREAM)


def _append(
    store: EventStore,
    event: BaseModel,
    actor_metadata: Mapping[str, str],
    stream: str = KEYS_STREAM,
) -> None:
    store.append(
        stream,
        store.stream_version(stream),
        [
            NewEvent.of(
                event,
                event_id=uuid4(),
                occurred_at=datetime.now(UTC),
                metadata=dict(actor_metadata),
            )
        ],
    )


def publish_key(store: EventStore, key: TrustedKey, stream: str = KEYS_STREAM) -> bool:
    """Publish ``key`` in ``stream`` unless it is there; True if it was added."""
    known = published_keys(store, stream)
    if key.key_id in known:
        if known[key.key_id].retired_at is not None:
            raise SigningKeyError("key.retired", key_id=key.key_id)
        return False
    published = SigningKeyPublished(
        key_id=key.key_id, public_key=base64.b64encode(key.public_key).decode()
    )
    _append(store, published, SYSTEM_METADATA, stream)
    log.info("key published", key_id=key.key_id, stream=stream)
    return True


def retire_key(store: EventStore, key_id: str, actor: str, reason: str = "") -> None:
    """Stop trusting ``key_id`` for assertions issued from now on (recorded with its actor)."""
    known = trusted_keys(store)
    if key_id not in known:
        raise SigningKeyError("key.not_published", key_id=key_id)
    retired = SigningKeyRetired(key_id=key_id, retired_at=datetime.now(UTC), reason=reason)
    _append(store, retired, {"actor": actor, "role": "admin"})
