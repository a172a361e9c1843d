"""The nonces of actor assertions a program has taken, while those assertions could still be
sent again: a replayed request (or a resend the run took after the server aborted it) is
refused by its spent nonce, in this run and the runs it continues as new into.

How many there are depends on how fast actions arrive, not on the program's size: a class
answering without pause at ~60 actions a second keeps 18,000 live within the five minutes an
assertion may be sent (``VALID_FOR``; the workflow's clock decides both that and when a nonce
is forgotten). Carried as nonce and issue time in JSON, that was ~70 bytes each, 1.2 MB at
18,000 and past Temporal's 2 MiB limit on a payload (the run can no longer continue as new)
at about 30,000. Here each nonce is kept as 8 characters (48 bits of BLAKE2b), grouped by the
minute it may be forgotten: 18,000 take 144 KB, and the SDK's 256 KiB warning is reached at
about 32,000 live (over 100 actions a second, five minutes on end). A fresh nonce is taken
for a spent one with odds of live/2**48, about one in 10**10 requests at 30,000 live, and is
refused as "used already" (the person's next try is signed anew).
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter, deque
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from domain.proofs import VALID_FOR

DIGEST_BYTES = 6
DIGEST_CHARS = 8  # base64 of six bytes, no padding


def nonce_digest(nonce: str) -> str:
    """What stands for ``nonce``: 8 URL-safe base64 characters."""
    raw = hashlib.blake2b(nonce.encode(), digest_size=DIGEST_BYTES).digest()
    return base64.urlsafe_b64encode(raw).decode()


def _minute(moment: datetime) -> datetime:
    """``moment`` rounded up to the minute (a digest is forgotten no earlier than its own)."""
    floor = moment.astimezone(UTC).replace(second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=1)


class SpentNonces:
    """Spent nonces in the order they were taken, each with the moment it may be forgotten:
    a use forgets the expired ones at the front (constant time a use, amortized, where
    rebuilding the whole set each time grew with the stream). Deterministic: it depends only
    on the assertions taken and the workflow's clock."""

    def __init__(
        self,
        carried: Mapping[str, str] | None = None,
        legacy: Mapping[str, datetime] | None = None,
    ) -> None:
        """``carried``: what ``carried`` gave the run before; ``legacy``: nonces and issue
        times as runs carried them before they were kept as digests."""
        self._order: deque[tuple[datetime, str]] = deque()
        self._digests: set[str] = set()
        self._awaited: Counter[str] = Counter()
        """Digests of actions taken by the run and not yet decided (``awaiting``)."""
        self._held: set[str] = set()
        """Expired digests kept while an action with the same nonce waits to be decided."""
        for nonce, issued in sorted((legacy or {}).items(), key=lambda item: item[1]):
            self._keep(nonce_digest(nonce), issued + VALID_FOR)
        for minute, packed in sorted((carried or {}).items()):
            until = datetime.fromisoformat(minute)
            for start in range(0, len(packed), DIGEST_CHARS):
                self._keep(packed[start : start + DIGEST_CHARS], until)

    def _keep(self, digest: str, until: datetime) -> None:
        if digest not in self._digests:
            self._digests.add(digest)
            self._order.append((until, digest))

    def __contains__(self, nonce: object) -> bool:
        return isinstance(nonce, str) and nonce_digest(nonce) in self._digests

    def __len__(self) -> int:
        return len(self._digests)

    def spend(self, nonce: str, issued_at: datetime, now: datetime) -> None:
        """Remember ``nonce`` until its assertion has expired: past ``issued_at + VALID_FOR``
        the workflow's clock refuses it as expired whatever its nonce."""
        self._forget_expired(now)
        self._keep(nonce_digest(nonce), issued_at + VALID_FOR)

    def _forget_expired(self, now: datetime) -> None:
        while self._order and self._order[0][0] < now:
            _, digest = self._order.popleft()
            if self._awaited[digest]:
                self._held.add(digest)
            else:
                self._digests.discard(digest)

    @contextmanager
    def awaiting(self, nonce: str | None) -> Iterator[None]:
        """While an action the run took waits to be decided, its nonce, if spent, is not
        forgotten: two copies of one assertion may both pass the validator (the run checks
        nonces again as it decides), and under a backlog the second may be decided after the
        assertion expired, when the first's nonce would otherwise be gone."""
        if nonce is None:
            yield
            return
        digest = nonce_digest(nonce)
        self._awaited[digest] += 1
        try:
            yield
        finally:
            self._awaited[digest] -= 1
            if not self._awaited[digest]:
                del self._awaited[digest]
                if digest in self._held:
                    self._held.discard(digest)
                    self._digests.discard(digest)

    def carried(self, now: datetime) -> dict[str, str]:
        """The live digests for the next run: by the minute (ISO) they may be forgotten."""
        groups: dict[str, list[str]] = {}
        for until, digest in self._order:
            if until >= now:
                groups.setdefault(_minute(until).isoformat(), []).append(digest)
        return {minute: "".join(digests) for minute, digests in sorted(groups.items())}
