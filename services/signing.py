"""The API's signing key: only the process that authenticates people holds it.

Its public key is published in the log (``audit.signing_keys``), where workers learn it and
auditors find it; the private key never leaves this process.
"""

from __future__ import annotations

import base64
import os
import secrets
from datetime import UTC, datetime
from pathlib import Path

import structlog
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import BaseModel, SecretStr

from audit.signing_keys import SigningKeyError
from domain.proofs import (
    ActorAssertion,
    TrustedKey,
    action_of,
    b64url,
    key_id_of,
    payload_digest,
    signed_bytes,
)

__all__ = ["Signer", "SigningKeyError", "load_signer"]

log = structlog.get_logger(__name__)


class Signer:
    """Signs actor assertions (and other documents) with the API's Ed25519 key."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._private_key = private_key
        self.public_key = private_key.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        self.key_id = key_id_of(self.public_key)

    @classmethod
    def generate(cls) -> Signer:
        return cls(Ed25519PrivateKey.generate())

    def trusted_key(self) -> TrustedKey:
        return TrustedKey(self.key_id, self.public_key)

    def sign(self, message: bytes) -> str:
        return b64url(self._private_key.sign(message))

    def assertion(
        self,
        actor: str,
        workflow_id: str,
        command: BaseModel,
        *,
        now: datetime | None = None,
        nonce: str | None = None,
    ) -> ActorAssertion:
        """The proof that ``actor`` (already authenticated by the caller) asked for ``command``;
        ``nonce`` (32 hex) names the request when the caller derives it from its own key."""
        unsigned = ActorAssertion(
            key_id=self.key_id,
            actor=actor,
            workflow_id=workflow_id,
            action=action_of(command),
            payload_digest=payload_digest(command),
            issued_at=now or datetime.now(UTC),
            nonce=nonce or secrets.token_hex(16),
        )
        return unsigned.model_copy(update={"signature": self.sign(signed_bytes(unsigned))})


def _from_pem_or_seed(text: str, where: str) -> Ed25519PrivateKey:
    text = text.strip()
    try:
        if text.startswith("-----BEGIN"):
            key = serialization.load_pem_private_key(text.encode(), password=None)
        else:
            key = Ed25519PrivateKey.from_private_bytes(base64.b64decode(text, validate=True))
    except ValueError as exc:
        raise SigningKeyError("key.not_ed25519", where=where) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError("key.other_type", where=where)
    return key


def load_signer(key: SecretStr | None, key_file: Path, *, create: bool) -> Signer:
    """The API's signer: from ``key`` (a secret), else ``key_file``, created (mode 0600) when
    missing and ``create`` is set (the embedded stack); a clear error otherwise."""
    if key is not None and key.get_secret_value().strip():
        return Signer(_from_pem_or_seed(key.get_secret_value(), "TRAINOPS_SIGNING_KEY"))
    if key_file.exists():
        return Signer(_from_pem_or_seed(key_file.read_text(), str(key_file)))
    if not create:
        raise SigningKeyError("key.no_signing_key")
    key_file.parent.mkdir(parents=True, exist_ok=True)
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(pem)
    log.info("signing key created", path=str(key_file))
    return Signer(private)
