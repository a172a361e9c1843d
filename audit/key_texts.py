"""Why a signing or seal key cannot be used, in English, by message key: the one place these
words are written. ``audit.signing_keys`` and ``services.signing`` raise ``SigningKeyError``
with a key from here; ``services.error_texts`` merges them into its catalog beside their
Simplified Chinese, so the API and the command line say them in the reader's language.

Imports nothing, so the catalog costs nothing to read.
"""

from __future__ import annotations

KEY_EN: dict[str, str] = {
    "key.retired": "key {key_id} was retired: configure a new one (`trainops keys generate`)",
    "key.not_published": "no published signing key {key_id!r}",
    "key.not_ed25519": (
        "{where} is not an Ed25519 private key (PEM, or base64 of the 32-byte seed)"
    ),
    "key.other_type": "{where} holds a key of another type; an Ed25519 key is needed",
    "key.no_signing_key": (
        "no signing key: set TRAINOPS_SIGNING_KEY (base64 of a 32-byte Ed25519 seed; "
        "`trainops keys generate` prints one) or TRAINOPS_SIGNING_KEY_FILE"
    ),
    "key.no_seal_key": (
        "no seal key: set TRAINOPS_SEAL_KEY (base64 of a 32-byte Ed25519 seed) or "
        "TRAINOPS_SEAL_KEY_FILE"
    ),
}


def key_message(key: str, params: dict[str, str]) -> str:
    """The English sentence of ``key`` with ``params`` filled."""
    return KEY_EN[key].format_map(params)
