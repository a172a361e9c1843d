"""The public keys seals are signed with, kept in the log (stream ``seal-keys``).

Seals get their own key, not the API's: seals are taken by the worker (on a schedule) and by
an operator's ``trainops audit seal``, and neither should hold the key that proves who asked
for an action. The seal keys live in their own stream, in the same events as the API's keys
(``SigningKeyPublished``, ``SigningKeyRetired``), so that workers, which trust the
``signing-keys`` stream for actor assertions, never trust a seal key for one.
"""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from uuid import uuid4

import structlog

from domain.events import (
    SigningKeyPublished,
    SigningKeyRetired,
    event_payload,
    load_event,
    type_name,
)
from domain.proofs import TrustedKey
from domain.streams import SEAL_KEYS_STREAM
from eventlog import EventStore, NewEvent

log = structlog.get_logger(__name__)


def seal_keys(store: EventStore) -> dict[str, TrustedKey]:
    """Every seal key published in the log, with its retirement if any."""
    keys: dict[str, TrustedKey] = {}
    for recorded in store.read_stream(SEAL_KEYS_STREAM):
        event = load_event(recorded.event_type, recorded.schema_version, recorded.payload)
        if isinstance(event, SigningKeyPublished):
            keys[event.key_id] = TrustedKey(event.key_id, base64.b64decode(event.public_key))
        elif isinstance(event, SigningKeyRetired) and event.key_id in keys:
            known = keys[event.key_id]
            keys[event.key_id] = TrustedKey(known.key_id, known.public_key, event.retired_at)
    return keys


def publish_seal_key(store: EventStore, key: TrustedKey) -> bool:
    """Publish ``key`` as a seal key unless it is there; True if it was added."""
    known = seal_keys(store)
    if key.key_id in known:
        if known[key.key_id].retired_at is not None:
            raise ValueError(f"seal key {key.key_id} was retired: configure a new one")
        return False
    published = SigningKeyPublished(
        key_id=key.key_id, public_key=base64.b64encode(key.public_key).decode()
    )
    store.append(
        SEAL_KEYS_STREAM,
        store.stream_version(SEAL_KEYS_STREAM),
        [
            NewEvent(
                event_id=uuid4(),
                event_type=type_name(SigningKeyPublished),
                payload=event_payload(published),
                occurred_at=datetime.now(UTC),
                metadata={"actor": "system", "role": "system"},
            )
        ],
    )
    log.info("seal key published", key_id=key.key_id)
    return True
