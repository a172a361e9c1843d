"""Verify the whole log: the hash chain, the head, the stored seals and the auditor's digests.

Built on ``eventlog.verify.verify_events`` (the chain walk), with two additions an auditor needs:

- checkpoints: while walking, the hash at every sealed or digested position is noted (a handful
  of positions, so memory stays bounded) and compared with what the seal or digest says;
- a head check that tolerates a live system: events appended while the walk runs are walked too,
  and the walk ends at a head it has actually reached. Rows beyond the head (written behind the
  store's back) and a head beyond the rows (a truncated tail) are both reported.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Literal

import structlog
from pydantic import BaseModel, ConfigDict, computed_field

from audit.digest import Digest, Seal, insert_seal, read_seals, seal_hash
from audit.progress import EVERY, Progress, no_progress
from eventlog import EventStore, RecordedEvent, hashing
from eventlog.verify import verify_events

log = structlog.get_logger(__name__)

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
    "digest_mismatch",
]


class AuditProblem(BaseModel):
    model_config = ConfigDict(frozen=True)

    position: int
    kind: ProblemKind
    detail: str


class CheckpointResult(BaseModel):
    """One seal or digest compared with the log."""

    model_config = ConfigDict(frozen=True)

    source: Literal["seal", "digest"]
    label: str
    position: int
    hash: str
    ok: bool
    detail: str = ""


class VerifyReport(BaseModel):
    checked: int
    head_position: int
    head_hash: str
    problems: list[AuditProblem]
    checkpoints: list[CheckpointResult]
    latest_seal: Seal | None = None

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

    def rows(self) -> Iterator[RecordedEvent]:
        while True:
            self.head = self.store.head()
            self.watch.add(self.head[0])
            got = 0
            for row in self.store.read_all(self.last):
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


def _check_seal_chain(seals: Sequence[Seal]) -> list[AuditProblem]:
    problems: list[AuditProblem] = []
    previous_hash, previous_position = hashing.GENESIS, 0
    for expected_seq, seal in enumerate(seals, start=1):
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


def verify_audit(
    store: EventStore,
    *,
    digests: Sequence[Digest] = (),
    check_seals: bool = True,
    progress: Progress = no_progress,
) -> VerifyReport:
    """Walk the whole log once (streamed) and check the chain, the head, seals and digests."""
    seals = list(read_seals(store.engine)) if check_seals else []
    watch = {s.position for s in seals} | {d.position for d in digests}
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

    problems.extend(_check_seal_chain(seals))
    by_seq = {s.seq: s for s in seals}
    checkpoints = [_checkpoint("seal", f"seal {s.seq}", s.position, s.hash, walk) for s in seals]
    for digest in digests:
        checkpoint = _checkpoint(
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
    problems.extend(_narrowed(checkpoints))
    problems.sort(key=lambda p: p.position)
    report = VerifyReport(
        checked=walk.count,
        head_position=head_position,
        head_hash=head_hash,
        problems=problems,
        checkpoints=checkpoints,
        latest_seal=seals[-1] if seals else None,
    )
    log.info(
        "log verified",
        ok=report.ok,
        checked=report.checked,
        head=report.head_position,
        problems=len(report.problems),
        seals=len(seals),
        digests=len(digests),
    )
    return report


def _checkpoint(
    source: Literal["seal", "digest"], label: str, position: int, hash: str, walk: _Walk
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


def _narrowed(checkpoints: Sequence[CheckpointResult]) -> list[AuditProblem]:
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
                kind="seal_mismatch" if checkpoint.source == "seal" else "digest_mismatch",
                detail=f"{checkpoint.label}: {checkpoint.detail}; an event at positions"
                f" {below + 1}..{checkpoint.position} was changed, removed or inserted",
            )
        )
    return problems


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
    store: EventStore, *, min_new_events: int = 1, progress: Progress = no_progress
) -> Seal | None:
    """Verify the log, then seal the head it verified; None when fewer than ``min_new_events``
    events arrived since the last seal (so a cron job can call it as often as it likes)."""
    report = verify_audit(store, progress=progress)
    if not report.ok:
        raise LogNotIntact(report)
    covered = report.latest_seal.position if report.latest_seal else 0
    if report.head_position - covered < min_new_events:
        return None
    sealed = insert_seal(store.engine, report.head_position, report.head_hash, datetime.now(UTC))
    log.info("log sealed", seq=sealed.seq, position=sealed.position)
    return sealed
