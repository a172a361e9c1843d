"""The public keys this worker process trusts for actor assertions.

Update validators read it; they run only when an update arrives, never on replay, so refreshing
it (the worker does, from the log's ``signing-keys`` stream) cannot break determinism. Keys are
only ever added or retired here, never dropped.
"""

from __future__ import annotations

from collections.abc import Mapping

from domain.proofs import TrustedKey


class Keyring:
    def __init__(self) -> None:
        self._keys: dict[str, TrustedKey] = {}

    def update(self, keys: Mapping[str, TrustedKey]) -> None:
        self._keys = {**self._keys, **keys}

    def keys(self) -> Mapping[str, TrustedKey]:
        return self._keys


TRUSTED = Keyring()
