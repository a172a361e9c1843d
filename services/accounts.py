"""Account changes recorded in the log, and the one-time setup code of a fresh installation.

Each change to users, roles and tokens is appended to stream ``accounts`` with the actor who made
it and, when a person made it, their signed proof (scope ``accounts``).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from pydantic import BaseModel

from domain.events import event_payload, type_name
from domain.streams import ACCOUNTS_STREAM
from eventlog import EventStore, NewEvent, StreamVersionConflict
from services.proven import RecordedRequest
from services.signing import Signer

SYSTEM = "system"
#: How long a setup code works after it was printed.
SETUP_CODE_LIFETIME = timedelta(hours=1)


class AccountJournal:
    """``journal(event, actor)``: append an account event (used by ``accounts.users.UserStore``)."""

    def __init__(self, store: EventStore, signer: Signer | None) -> None:
        self.store = store
        self.signer = signer

    def __call__(self, event: BaseModel, actor: str) -> None:
        metadata: dict[str, object] = {
            "actor": actor,
            "role": SYSTEM if actor == SYSTEM else "account",
        }
        payload = event_payload(event)
        if actor != SYSTEM and self.signer is not None:
            request = RecordedRequest(kind=type_name(type(event)), actor=actor, **payload)
            assertion = self.signer.assertion(actor, ACCOUNTS_STREAM, request)
            metadata["proof"] = {
                "assertion": assertion.model_dump(mode="json"),
                "command": request.model_dump(mode="json"),
            }
        new = NewEvent(
            event_id=uuid4(),
            event_type=type_name(type(event)),
            payload=payload,
            occurred_at=datetime.now(UTC),
            metadata=metadata,
        )
        for _ in range(20):  # another account change may take the version first: append after it
            try:
                self.store.append(
                    ACCOUNTS_STREAM, self.store.stream_version(ACCOUNTS_STREAM), [new]
                )
                return
            except StreamVersionConflict:
                continue
        raise RuntimeError("could not record the account change: the accounts stream is busy")


class SetupCode:
    """The one-time code that creates the first admin: random (128 bits), kept only as a hash,
    single-use, expiring; none once an admin exists."""

    def __init__(self, now: datetime | None = None) -> None:
        self.code = secrets.token_urlsafe(16)
        self._hash = hashlib.sha256(self.code.encode()).digest()
        self.expires_at = (now or datetime.now(UTC)) + SETUP_CODE_LIFETIME
        self._used = False
        self._lock = threading.Lock()

    def redeem(self, given: str, now: datetime | None = None) -> bool:
        """True once, for the right code before it expires."""
        digest = hashlib.sha256(given.encode("utf-8", "replace")).digest()
        with self._lock:
            if self._used or (now or datetime.now(UTC)) >= self.expires_at:
                return False
            if not secrets.compare_digest(digest, self._hash):
                return False
            self._used = True
            return True

    @property
    def usable(self) -> bool:
        return not self._used and datetime.now(UTC) < self.expires_at
