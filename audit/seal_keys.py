"""The public keys seals are signed with, kept in the log (stream ``seal-keys``).

Seals get their own key, not the API's: seals are taken by the worker (on a schedule) and by
an operator's ``trainops audit seal``, and neither should hold the key that proves who asked
for an action. The seal keys live in their own stream, in the same events as the API's keys
(``SigningKeyPublished``, ``SigningKeyRetired``), so that workers, which trust the
``signing-keys`` stream for actor assertions, never trust a seal key for one.
"""

from __future__ import annotations

from audit.signing_keys import publish_key, published_keys
from domain.proofs import TrustedKey
from domain.streams import SEAL_KEYS_STREAM
from eventlog import EventStore


def seal_keys(store: EventStore) -> dict[str, TrustedKey]:
    """Every seal key published in the log, with its retirement if any."""
    return published_keys(store, SEAL_KEYS_STREAM)


def publish_seal_key(store: EventStore, key: TrustedKey) -> bool:
    """Publish ``key`` as a seal key unless it is there; True if it was added."""
    return publish_key(store, key, SEAL_KEYS_STREAM)
