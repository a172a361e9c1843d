"""Signed seals: what a witness outside the database keeps, and how anyone checks it.

A seal says "the log had chain hash ``hash`` at ``position``" and is chained to the seal before
it (``seal_hash``, formula in ``audit.digest``). Signed, it can be kept where the database's
users cannot write (the witness) and checked later with the public seal keys alone.

The exact bytes signed (``signed_bytes``)::

    b"trainops-seal-v1\\n" + encode_json({
        "hash": <64 hex>, "key_id": <16 hex>, "position": <int>, "prev_seal_hash": <64 hex>,
        "seal_hash": <64 hex>, "sealed_at": <UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ">, "seq": <int>,
        "v": 1})

``encode_json`` is the canonical JSON of ``domain.canonical``. The signature is Ed25519
(RFC 8032) as unpadded base64url; the key id is the first 16 hex digits of SHA-256 of the
key's 32 raw bytes. A witness file is that same object plus ``"signature"``, as canonical JSON
and a newline. The domain tag keeps a seal signature from ever passing as an actor assertion
(and the other way round), whichever key signed it.
"""

from __future__ import annotations

import binascii
from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import BaseModel, ConfigDict, Field

from domain.canonical import encode_json, timestamp
from domain.proofs import TrustedKey, unb64url

SEAL_TAG = b"trainops-seal-v1\n"

Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class SignedSeal(BaseModel):
    """One seal as the witness keeps it (and as ``log_seals`` holds it since migration 0004)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    seq: Annotated[int, Field(ge=1)]
    position: Annotated[int, Field(ge=0)]
    hash: Hex64
    sealed_at: datetime
    prev_seal_hash: Hex64
    seal_hash: Hex64
    key_id: Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]
    signature: Annotated[str, Field(min_length=1, max_length=200)]

    def claims(self) -> dict[str, Any]:
        """Everything but the signature, as it is signed."""
        return seal_claims(
            seq=self.seq,
            position=self.position,
            hash=self.hash,
            sealed_at=self.sealed_at,
            prev_seal_hash=self.prev_seal_hash,
            seal_hash=self.seal_hash,
            key_id=self.key_id,
        )

    def document(self) -> str:
        """The witness file's text: canonical JSON of the claims and the signature."""
        return encode_json({**self.claims(), "signature": self.signature}) + "\n"


def seal_claims(
    *,
    seq: int,
    position: int,
    hash: str,
    sealed_at: datetime,
    prev_seal_hash: str,
    seal_hash: str,
    key_id: str,
) -> dict[str, Any]:
    return {
        "hash": hash,
        "key_id": key_id,
        "position": position,
        "prev_seal_hash": prev_seal_hash,
        "seal_hash": seal_hash,
        "sealed_at": timestamp(sealed_at),
        "seq": seq,
        "v": 1,
    }


def signed_bytes(claims: Mapping[str, Any]) -> bytes:
    return SEAL_TAG + encode_json(dict(claims)).encode()


def signature_problem(seal: SignedSeal, keys: Mapping[str, TrustedKey]) -> str | None:
    """Why ``seal``'s signature does not prove it (None: it does). A retired key still proves
    the seals it signed before its retirement."""
    key = keys.get(seal.key_id)
    if key is None:
        return f"signed by unknown key {seal.key_id!r} (not a published seal key)"
    if key.retired_at is not None and seal.sealed_at >= key.retired_at:
        return f"signed by key {seal.key_id!r} after it was retired"
    try:
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(
            unb64url(seal.signature), signed_bytes(seal.claims())
        )
    except (InvalidSignature, ValueError, binascii.Error):
        return "its signature does not verify (seal edited or forged)"
    return None
