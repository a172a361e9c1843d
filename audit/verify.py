"""Verify the whole log: the hash chain, the head, the stored seals and the auditor's digests.

Built on ``eventlog.verify.verify_events`` (the chain walk), with two additions an auditor needs:

- checkpoints: while walking, the hash at every sealed or digested position is noted (a handful
  of positions, so memory stays bounded) and compared with what the seal or digest says;
- a head check that tolerates a live system: events appended while the walk runs are walked too,
  and the walk ends at a head it has actually reached. Rows beyond the head (written behind the
  store's back) and a head beyond the rows (a truncated tail) are both reported.

Seals carry signatures (checked against the seal keys published in the log, or the ones the
auditor pins), and a witness's copies of them (``audit.witness``) are checked against the log:
each signature, the hash at each witnessed position, that the log still reaches the last one,
and that each witnessed seal is still in ``log_seals``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import UTC, datetime

import structlog
from pydantic import BaseModel, computed_field

from audit.checks import (
    AuditProblem,
    CheckpointResult,
    ProblemKind,
    check_seal_chain,
    narrowed,
    witness_problems,
)
from audit.checks import checkpoint as check_point
from audit.digest import Digest, Seal, SealSigner, insert_seal, read_seals
from audit.progress import EVERY, Progress, no_progress
from audit.seal_keys import seal_keys as published_seal_keys
from domain.proofs import TrustedKey
from domain.seals import SignedSeal
from eventlog import EventStore, hashing
from eventlog.verify import StoredRow, read_stored, verify_events

log = structlog.get_logger(__name__)

__all__ = [
    "AuditProblem",
    "CheckpointResult",
    "LogNotIntact",
    "ProblemKind",
    "VerifyReport",
    "seal_log",
    "take_digest",
    "verify_audit",
]


#: Rows per page of the walk.
PAGE = 5000


class VerifyReport(BaseModel):
    checked: int
    head_position: int
    head_hash: str
    problems: list[AuditProblem]
    checkpoints: list[CheckpointResult]
    latest_seal: Seal | None = None
    witnessed: int = 0
    """How many witness seals were checked."""
    seal_keys: list[str] = []
    """The ids of the seal keys signatures were checked against."""

    @computed_field  # type: ignore[prop-decorator]
    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> AuditProblem | None:
        return self.problems[0] if self.problems else None


class LogNotIntact(Exception):
    """Refused to digest or seal a log that does not verify; ``report`` says why."""

    def __init__(self, report: VerifyReport) -> None:
        self.report = report
        first = report.first_problem
        super().__init__(
            f"the log does not verify ({len(report.problems)} problem(s); first:"
            f" {first.kind} at position {first.position}: {first.detail})"
            if first
            else "the log does not verify"
        )


class _Walk:
    """Streams rows to the chain check until it reaches a head it has seen, noting the hash at
    watched positions on the way."""

    def __init__(self, store: EventStore, watch: set[int], progress: Progress) -> None:
        self.store = store
        self.watch = watch
        self.progress = progress
        self.seen: dict[int, str] = {0: hashing.GENESIS}
        self.last = 0
        self.count = 0
        self.head: tuple[int, str] = (0, hashing.GENESIS)

    def rows(self) -> Iterator[StoredRow]:
        while True:
            self.head = self.store.head()
            self.watch.add(self.head[0])
            got = 0
            for row in read_stored(self.store, self.last, page_size=PAGE):
                if row.position in self.watch:
                    self.seen[row.position] = row.hash
                self.last = row.position
                self.count += 1
                got += 1
                if self.count % EVERY == 0:
                    self.progress(self.count, max(self.head[0], self.last))
                yield row
            # Reached the head we read before this round (appends made meanwhile were walked
            # too), or nothing more to read: the head claims rows that are not there.
            if self.last >= self.head[0] or got == 0:
                self.progress(self.count, max(self.head[0], self.last))
                return

    def hash_at(self, position: int) -> str | None:
        if position not in self.seen and 0 < position <= self.last:
            page = self.store.read_page(position - 1, 1)
            if page and page[0].position == position:
                self.seen[position] = page[0].hash
        return self.seen.get(position)


def verify_audit(
    store: EventStore,
    *,
    digests: Sequence[Digest] = (),
    check_seals: bool = True,
    witness: Sequence[SignedSeal] = (),
    seal_keys: Mapping[str, TrustedKey] | None = None,
    progress: Progress = no_progress,
) -> VerifyReport:
    """Walk the whole log once (streamed) and check the chain, the head, seals, digests and
    the witness's seals. ``seal_keys``: the keys seal signatures must verify with (default:
    those published in the log; an auditor who kept the key ids passes only those)."""
    seals = list(read_seals(store.engine)) if check_seals or witness else []
    keys = published_seal_keys(store) if seal_keys is None else dict(seal_keys)
    watch = {s.position for s in seals} | {d.position for d in digests}
    watch |= {s.position for s in witness}
    walk = _Walk(store, set(watch), progress)
    progress(0, store.head()[0])
    chain = verify_events(walk.rows(), head=None)
    problems = [
        AuditProblem(position=p.position, kind=p.kind, detail=p.detail) for p in chain.problems
    ]

    head_position, head_hash = walk.head
    if walk.last < head_position:
        problems.append(
            AuditProblem(
                position=walk.last + 1,
                kind="truncated",
                detail=f"log ends at position {walk.last} but its head says {head_position}",
            )
        )
    elif walk.hash_at(head_position) != head_hash:
        problems.append(
            AuditProblem(
                position=head_position,
                kind="truncated",
                detail=f"the row at the head's position {head_position} is not the one the head"
                " names (tail replaced)",
            )
        )
    end_position, end_hash = store.head()
    if (walk.last, chain.last_hash) == (end_position, end_hash) and walk.last > head_position:
        head_position, head_hash = end_position, end_hash  # appends made meanwhile, all walked
    if walk.last > end_position:
        problems.append(
            AuditProblem(
                position=end_position + 1,
                kind="beyond_head",
                detail=f"rows {end_position + 1}..{walk.last} lie beyond the head"
                f" ({end_position}): written behind the store's back",
            )
        )

    checkpoints: list[CheckpointResult] = []
    if check_seals:
        problems.extend(check_seal_chain(seals, keys))
        checkpoints = [
            check_point("seal", f"seal {s.seq}", s.position, s.hash, walk) for s in seals
        ]
    by_seq = {s.seq: s for s in seals}
    for digest in digests:
        checkpoint = check_point(
            "digest", f"digest of {digest.taken_at.isoformat()}", digest.position, digest.hash, walk
        )
        named = by_seq.get(digest.seal_seq) if digest.seal_seq is not None else None
        if digest.seal_seq is not None and (named is None or named.seal_hash != digest.seal_hash):
            checkpoint = checkpoint.model_copy(
                update={
                    "ok": False,
                    "detail": f"seal {digest.seal_seq} named by the digest is missing or was"
                    " rewritten",
                }
            )
        checkpoints.append(checkpoint)
    problems.extend(narrowed(checkpoints))
    witnessed, found = witness_problems(witness, keys, seals, walk)
    checkpoints.extend(witnessed)
    problems.extend(found)
    problems.sort(key=lambda p: p.position)
    report = VerifyReport(
        checked=walk.count,
        head_position=head_position,
        head_hash=head_hash,
        problems=problems,
        checkpoints=checkpoints,
        latest_seal=seals[-1] if check_seals and seals else None,
        witnessed=len(witness),
        seal_keys=sorted(keys),
    )
    log.info(
        "log verified",
        ok=report.ok,
        checked=report.checked,
        head=report.head_position,
        problems=len(report.problems),
        seals=len(seals),
        digests=len(digests),
        witnessed=len(witness),
    )
    return report


def take_digest(store: EventStore, *, progress: Progress = no_progress) -> Digest:
    """A digest of the log as it stands, after checking it; refuses a log that does not verify."""
    report = verify_audit(store, progress=progress)
    if not report.ok:
        raise LogNotIntact(report)
    latest = report.latest_seal
    return Digest(
        position=report.head_position,
        hash=report.head_hash,
        taken_at=datetime.now(UTC),
        seal_seq=latest.seq if latest else None,
        seal_hash=latest.seal_hash if latest else None,
    )


def seal_log(
    store: EventStore,
    *,
    min_new_events: int = 1,
    signer: SealSigner | None = None,
    progress: Progress = no_progress,
) -> Seal | None:
    """Verify the log, then seal the head it verified (signed by ``signer`` if given); None
    when fewer than ``min_new_events`` events arrived since the last seal (so a schedule can
    call it as often as it likes)."""
    report = verify_audit(store, progress=progress)
    if not report.ok:
        raise LogNotIntact(report)
    covered = report.latest_seal.position if report.latest_seal else 0
    if report.head_position - covered < min_new_events:
        return None
    sealed = insert_seal(
        store.engine, report.head_position, report.head_hash, datetime.now(UTC), signer
    )
    log.info("log sealed", seq=sealed.seq, position=sealed.position)
    return sealed
