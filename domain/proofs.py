"""Actor assertions: the signed proof that a person the API authenticated asked for an action.

The API signs, after it checked who is asking; the workflow's update validator verifies before
anything reaches history; the proof is kept in the event's metadata so an auditor can verify it
later with the public keys alone. Ed25519 (RFC 8032) because verifying needs only public keys:
an auditor who holds them can check every action without being able to forge one.

The exact bytes signed (``signed_bytes``)::

    b"trainops-actor-assertion-v1\\n" + encode_json({
        "action": <command kind, or "plan">, "actor": <person id>, "alg": "ed25519",
        "issued_at": <UTC "YYYY-MM-DDTHH:MM:SS.ffffffZ">, "key_id": <16 hex>,
        "nonce": <32 hex>, "payload_digest": <hex SHA-256 of encode_json(command without "proof")>,
        "v": 1, "workflow_id": <the program id>})

``encode_json`` is the canonical JSON of ``domain.canonical`` (sorted keys, no whitespace, UTF-8).
The signature travels as unpadded base64url; the public key as standard base64 of its 32 raw bytes.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Container, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from domain.canonical import encode_json, timestamp

DOMAIN_TAG = b"trainops-actor-assertion-v1\n"
#: How long an assertion may be used after it was issued, and how far ahead of the verifier's
#: clock it may claim to be (clock skew between API and worker hosts).
VALID_FOR = timedelta(minutes=5)
CLOCK_SKEW = timedelta(minutes=1)
#: The action name an assertion carries when it starts a program (``PlanProgram`` has no kind).
PLAN_ACTION = "plan"

Hex16 = Annotated[str, Field(pattern=r"^[0-9a-f]{16}$")]


class ActorAssertion(BaseModel):
    """Who asked for which action on which program, when; signed by the API's key ``key_id``."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    v: Literal[1] = 1
    alg: Literal["ed25519"] = "ed25519"
    key_id: Hex16
    actor: Annotated[str, Field(min_length=1, max_length=100)]
    workflow_id: Annotated[str, Field(min_length=1, max_length=200)]
    action: Annotated[str, Field(min_length=1, max_length=64)]
    payload_digest: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
    issued_at: AwareDatetime  # a naive time would be read in the host's zone
    nonce: Annotated[str, Field(pattern=r"^[0-9a-f]{32}$")]
    signature: Annotated[str, Field(min_length=1, max_length=200)] = ""

    def claims(self) -> dict[str, Any]:
        """Everything but the signature, as it is signed."""
        return {
            "action": self.action,
            "actor": self.actor,
            "alg": self.alg,
            "issued_at": timestamp(self.issued_at),
            "key_id": self.key_id,
            "nonce": self.nonce,
            "payload_digest": self.payload_digest,
            "v": self.v,
            "workflow_id": self.workflow_id,
        }


class ProofRefused(Exception):
    """The assertion does not prove the action; ``str()`` says why (nothing was recorded)."""


def signed_bytes(assertion: ActorAssertion) -> bytes:
    return DOMAIN_TAG + encode_json(assertion.claims()).encode()


def payload_digest(command: BaseModel) -> str:
    """SHA-256 of the canonical JSON of the command as the workflow will read it, minus its
    proof: what the assertion binds the person to."""
    document = command.model_dump(mode="json", exclude={"proof"})
    return hashlib.sha256(encode_json(document).encode()).hexdigest()


def action_of(command: BaseModel) -> str:
    kind = getattr(command, "kind", None)
    return kind if isinstance(kind, str) else PLAN_ACTION


def key_id_of(public_key: bytes) -> str:
    """A key's id: the first 16 hex digits of SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(public_key).hexdigest()[:16]


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class TrustedKey:
    """A public key the API signs with; ``retired_at``: no assertion issued after it counts."""

    key_id: str
    public_key: bytes
    retired_at: datetime | None = None


def verify_signature(assertion: ActorAssertion, keys: Mapping[str, TrustedKey]) -> None:
    """The signature is by a trusted key that was in force when the assertion was issued."""
    key = keys.get(assertion.key_id)
    if key is None:
        raise ProofRefused(f"unknown signing key {assertion.key_id!r}")
    if key.retired_at is not None and assertion.issued_at >= key.retired_at:
        raise ProofRefused(f"signing key {assertion.key_id!r} was retired before this was issued")
    try:
        signature = unb64url(assertion.signature)
        Ed25519PublicKey.from_public_bytes(key.public_key).verify(
            signature, signed_bytes(assertion)
        )
    except (InvalidSignature, ValueError, binascii.Error) as exc:
        raise ProofRefused("the actor assertion's signature does not verify") from exc


#: How a refusal of a spent nonce reads (the API recognises a keyed request's retry by it).
USED_ALREADY = "this actor assertion was used already"


def verify_assertion(
    assertion: ActorAssertion | None,
    command: BaseModel,
    *,
    workflow_id: str,
    now: datetime,
    keys: Mapping[str, TrustedKey],
    used_nonces: Container[str] | None = None,
) -> ActorAssertion:
    """The assertion proves ``command`` on ``workflow_id`` at ``now``; ``ProofRefused`` if not.

    Checked: present, signed by a trusted key in force, for this actor, program, action and
    payload, issued within ``VALID_FOR`` (and not from the future beyond ``CLOCK_SKEW``), and
    not used before on this program.
    """
    if assertion is None:
        raise ProofRefused(
            "no actor assertion: actions go through the trainops API, which signs who is asking"
        )
    verify_signature(assertion, keys)
    actor = getattr(command, "actor", None)
    if assertion.actor != actor:
        raise ProofRefused(f"the assertion is for {assertion.actor!r}, the action names {actor!r}")
    if assertion.workflow_id != workflow_id:
        raise ProofRefused(f"the assertion is for program {assertion.workflow_id!r}")
    if assertion.action != action_of(command):
        raise ProofRefused(f"the assertion is for the action {assertion.action!r}")
    if assertion.payload_digest != payload_digest(command):
        raise ProofRefused("the action's content differs from what was signed")
    issued = assertion.issued_at.astimezone(UTC)
    if issued > now + CLOCK_SKEW:
        raise ProofRefused("the actor assertion is issued in the future (check the clocks)")
    if now - issued > VALID_FOR:
        raise ProofRefused("the actor assertion has expired: send the action again")
    if used_nonces is not None and assertion.nonce in used_nonces:
        raise ProofRefused(f"{USED_ALREADY} (a replayed request)")
    return assertion
