"""The checks ``audit.verify`` runs on what its walk saw: stored seals (chain and signatures),
checkpoints (seals, digests, witness seals compared with the hash the log has at their
position, narrowed down between good ones), and a witness's copies of the seals."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from audit.digest import Seal, seal_hash
from domain.proofs import TrustedKey
from domain.seals import SignedSeal, signature_problem
from eventlog import hashing


class Walked(Protocol):
    """What the walk knows: how far the log goes, and the hash at a position."""

    last: int

    def hash_at(self, position: int) -> str | None: ...


ProblemKind = Literal[
    "altered",
    "missing",
    "reordered",
    "broken_link",
    "stream_gap",
    "truncated",
    "beyond_head",
    "seal_altered",
    "seal_mismatch",
    "seal_signature",
    "digest_mismatch",
    "witness_signature",
    "witness_mismatch",
    "witness_truncated",
    "witness_seal_missing",
    "witness_seal_altered",
]


class AuditProblem(BaseModel):
    model_config = ConfigDict(frozen=True)

    position: int
    kind: ProblemKind
    detail: str


class CheckpointResult(BaseModel):
    """One seal or digest compared with the log."""

    model_config = ConfigDict(frozen=True)

    source: Literal["seal", "digest", "witness"]
    label: str
    position: int
    hash: str
    ok: bool
    detail: str = ""


def check_seal_chain(seals: Sequence[Seal], keys: Mapping[str, TrustedKey]) -> list[AuditProblem]:
    problems: list[AuditProblem] = []
    previous_hash, previous_position = hashing.GENESIS, 0
    signed_before = False
    for expected_seq, seal in enumerate(seals, start=1):
        signed = seal.signed()
        why = None if signed is None else signature_problem(signed, keys)
        if why is not None:
            problems.append(
                AuditProblem(
                    position=seal.position, kind="seal_signature", detail=f"seal {seal.seq}: {why}"
                )
            )
        elif signed is None and signed_before:
            problems.append(
                AuditProblem(
                    position=seal.position,
                    kind="seal_altered",
                    detail=f"seal {seal.seq} is unsigned, after signed seals (written by hand)",
                )
            )
        signed_before = signed_before or signed is not None
        recomputed = seal_hash(
            seal.prev_seal_hash,
            seq=seal.seq,
            position=seal.position,
            hash=seal.hash,
            sealed_at=seal.sealed_at,
        )
        if seal.seq != expected_seq:
            detail = f"seal {seal.seq} found where seal {expected_seq} was expected (seal removed)"
        elif recomputed != seal.seal_hash:
            detail = f"seal {seal.seq} does not match its own seal hash (seal edited)"
        elif seal.prev_seal_hash != previous_hash:
            detail = f"seal {seal.seq} does not follow seal {seal.seq - 1} (seals replaced)"
        elif seal.position < previous_position:
            detail = f"seal {seal.seq} goes back to position {seal.position}"
        else:
            detail = ""
        if detail:
            problems.append(
                AuditProblem(position=seal.position, kind="seal_altered", detail=detail)
            )
        previous_hash, previous_position = seal.seal_hash, seal.position
    return problems


def witness_problems(
    witness: Sequence[SignedSeal],
    keys: Mapping[str, TrustedKey],
    seals: Sequence[Seal],
    walk: Walked,
) -> tuple[list[CheckpointResult], list[AuditProblem]]:
    """Each witnessed seal: signed by a seal key, its hash at its position in the log, within
    the log's length, and still in ``log_seals`` as the witness kept it."""
    problems: list[AuditProblem] = []
    by_seq = {s.seq: s for s in seals}
    for seal in witness:
        label = f"witness seal {seal.seq}"
        if (why := signature_problem(seal, keys)) is not None:
            problems.append(
                AuditProblem(
                    position=seal.position, kind="witness_signature", detail=f"{label}: {why}"
                )
            )
        stored = by_seq.get(seal.seq)
        if stored is None:
            problems.append(
                AuditProblem(
                    position=seal.position,
                    kind="witness_seal_missing",
                    detail=f"{label} (position {seal.position}) is no longer in log_seals"
                    " (seal deleted)",
                )
            )
        elif stored.signed() != seal:
            problems.append(
                AuditProblem(
                    position=seal.position,
                    kind="witness_seal_altered",
                    detail=f"seal {seal.seq} in log_seals differs from the witness's copy"
                    " (seal replaced)",
                )
            )
    checkpoints = [
        checkpoint("witness", f"witness seal {s.seq}", s.position, s.hash, walk) for s in witness
    ]
    last = max(witness, key=lambda s: s.position, default=None)
    if last is not None and last.position > walk.last:
        problems.append(
            AuditProblem(
                position=walk.last + 1,
                kind="witness_truncated",
                detail=f"the log ends at position {walk.last}, but the witness holds seal"
                f" {last.seq} of position {last.position}: positions {walk.last + 1}.."
                f"{last.position} were removed",
            )
        )
    problems.extend(narrowed([c for c in checkpoints if c.position <= walk.last]))
    return checkpoints, problems


def checkpoint(
    source: Literal["seal", "digest", "witness"],
    label: str,
    position: int,
    hash: str,
    walk: Walked,
) -> CheckpointResult:
    found = walk.hash_at(position)
    if found == hash:
        return CheckpointResult(source=source, label=label, position=position, hash=hash, ok=True)
    detail = (
        f"the log ends at position {walk.last}, before position {position}"
        if found is None
        else f"the log has hash {found[:12]}… at position {position}, not {hash[:12]}…"
    )
    return CheckpointResult(
        source=source, label=label, position=position, hash=hash, ok=False, detail=detail
    )


_MISMATCH: dict[str, ProblemKind] = {
    "seal": "seal_mismatch",
    "digest": "digest_mismatch",
    "witness": "witness_mismatch",
}


def narrowed(checkpoints: Sequence[CheckpointResult]) -> list[AuditProblem]:
    """A failed checkpoint at P with a good one at L < P: the change lies in L+1..P."""
    good = sorted(c.position for c in checkpoints if c.ok)
    problems = []
    for checkpoint in checkpoints:
        if checkpoint.ok:
            continue
        below = max((p for p in good if p < checkpoint.position), default=0)
        problems.append(
            AuditProblem(
                position=checkpoint.position,
                kind=_MISMATCH[checkpoint.source],
                detail=f"{checkpoint.label}: {checkpoint.detail}; an event at positions"
                f" {below + 1}..{checkpoint.position} was changed, removed or inserted",
            )
        )
    return problems
