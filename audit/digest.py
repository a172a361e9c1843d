"""Digests and seals: small facts an auditor keeps so a rewritten log cannot pass as the old one.

The hash chain proves that rows agree with each other, but someone who can write the database
can rewrite a row *and* recompute every later hash. A **digest** ``{position, hash}`` kept outside
the system defeats that: a rewritten log no longer has that hash at that position. **Seals** are
digests the system stores itself, periodically (``trainops audit seal``), chained to each other:

    seal_hash(0) = "0" * 64
    seal_hash(k) = hex(SHA-256(bytes.fromhex(seal_hash(k-1)) ||
                   canonical({"hash", "position", "sealed_at", "seq"})))

with the same canonical JSON as the event chain. A digest names the latest seal, so keeping one
digest outside also pins every seal taken before it. A seal taken with a signer is also signed
(``domain.seals``: the bytes and the key), so a copy kept by a witness can be checked later.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Annotated, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, StrictInt
from sqlalchemy import Connection, Engine, select, text

from domain.seals import SignedSeal, seal_claims, signed_bytes
from eventlog import hashing
from eventlog.engine import READ_ONLY
from eventlog.schema import log_seals

DIGEST_FORMAT: Literal["trainops-digest/1"] = "trainops-digest/1"

Hex64 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Digest(BaseModel):
    """What an auditor keeps outside the system: the log had ``hash`` at ``position``."""

    model_config = ConfigDict(frozen=True)

    format: Literal["trainops-digest/1"] = DIGEST_FORMAT
    position: Annotated[StrictInt, Field(ge=0)]
    hash: Hex64
    taken_at: datetime
    seal_seq: StrictInt | None = None
    seal_hash: Hex64 | None = None


class Seal(BaseModel):
    """A digest the system stored itself, chained to the seal before it."""

    model_config = ConfigDict(frozen=True)

    seq: int
    position: int
    hash: Hex64
    sealed_at: datetime
    prev_seal_hash: Hex64
    seal_hash: Hex64
    key_id: str | None = None
    signature: str | None = None

    def signed(self) -> SignedSeal | None:
        """The seal as a witness keeps it; None for a seal taken without a key."""
        if self.key_id is None or self.signature is None:
            return None
        return SignedSeal.model_validate(self.model_dump())


class SealSigner(Protocol):
    """What signs seals: an Ed25519 key (``services.signing.Signer``) and its id."""

    @property
    def key_id(self) -> str: ...

    def sign(self, message: bytes) -> str: ...


def seal_hash(previous: str, *, seq: int, position: int, hash: str, sealed_at: datetime) -> str:
    """The chained hash of one seal (formula in the module docstring)."""
    document = {
        "hash": hash,
        "position": position,
        "sealed_at": hashing.timestamp(sealed_at),
        "seq": seq,
    }
    encoded = json.dumps(
        document, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode("utf-8")
    return hashing.chain(previous, encoded)


def save_digest(digest: Digest, path: Path) -> None:
    path.write_text(digest.model_dump_json(indent=2) + "\n", encoding="utf-8")


def load_digest(path: Path) -> Digest:
    return Digest.model_validate_json(path.read_text(encoding="utf-8"))


def read_seals(engine: Engine) -> Iterator[Seal]:
    """Every stored seal in order (they are few: one per sealing run)."""
    query = select(log_seals).order_by(log_seals.c.seq)
    with engine.connect().execution_options(**READ_ONLY) as conn:
        for row in conn.execute(query):
            yield Seal.model_validate(dict(row._mapping))


def last_seal(conn: Connection) -> Seal | None:
    row = conn.execute(select(log_seals).order_by(log_seals.c.seq.desc()).limit(1)).first()
    return None if row is None else Seal.model_validate(dict(row._mapping))


def insert_seal(
    engine: Engine,
    position: int,
    hash: str,
    sealed_at: datetime,
    signer: SealSigner | None = None,
) -> Seal:
    """Store the next seal, signed by ``signer`` if given. Sealers take turns (a
    transaction-scoped lock on PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), so two seals never
    claim the same ``seq``."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(hashtext('log_seals'))"))
        previous = last_seal(conn)
        if previous is not None and position < previous.position:
            raise ValueError(
                f"cannot seal position {position}: seal {previous.seq} already covers"
                f" position {previous.position}"
            )
        seq = 1 if previous is None else previous.seq + 1
        prev_hash = hashing.GENESIS if previous is None else previous.seal_hash
        chained = seal_hash(prev_hash, seq=seq, position=position, hash=hash, sealed_at=sealed_at)
        key_id = signature = None
        if signer is not None:
            key_id = signer.key_id
            claims = seal_claims(
                seq=seq,
                position=position,
                hash=hash,
                sealed_at=sealed_at,
                prev_seal_hash=prev_hash,
                seal_hash=chained,
                key_id=key_id,
            )
            signature = signer.sign(signed_bytes(claims))
        sealed = Seal(
            seq=seq,
            position=position,
            hash=hash,
            sealed_at=sealed_at,
            prev_seal_hash=prev_hash,
            seal_hash=chained,
            key_id=key_id,
            signature=signature,
        )
        conn.execute(log_seals.insert().values(**sealed.model_dump()))
    return sealed
