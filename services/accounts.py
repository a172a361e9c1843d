"""Account changes recorded in the log, the one-time setup code of a fresh installation, and
creating the first admin with it (the HTTP API and the setup page both call that).

Each change to users, roles and tokens is appended to stream ``accounts`` with the actor who made
it and, when a person made it, their signed proof (scope ``accounts``).
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from datetime import UTC, datetime, timedelta
from typing import Protocol
from uuid import uuid4

from pydantic import BaseModel

from accounts.model import User, UserError, check_password, check_username
from accounts.users import UserStore
from domain.accounts import FirstAdminCreated
from domain.events import event_payload, type_name
from domain.streams import ACCOUNTS_STREAM
from eventlog import EventStore, NewEvent, StreamVersionConflict
from services.errors import Conflict, Forbidden, Invalid, TooManyAttempts
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
        new = NewEvent.of(event, event_id=uuid4(), occurred_at=datetime.now(UTC), metadata=metadata)
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


class Attempts(Protocol):
    """Failed attempts counted per key (a person, an address) in a window."""

    def wait_seconds(self, *keys: str) -> float: ...

    def failed(self, *keys: str) -> None: ...


def require_no_wait(attempts: Attempts, *keys: str) -> None:
    """Refuse (``TooManyAttempts``) while any of ``keys`` has failed too often lately."""
    wait = attempts.wait_seconds(*keys)
    if wait > 0:
        raise TooManyAttempts(wait)


def create_first_admin(
    users: UserStore,
    setup: SetupCode | None,
    attempts: Attempts,
    *,
    client: str,
    code: str,
    username: str,
    password: str,
    display_name: str | None = None,
) -> User:
    """The first admin, once, with the setup code; every refusal says why and records nothing.

    The username and password are checked before the code is redeemed, so a typo in them does
    not use up the code. Wrong codes count against ``client`` and against setup as a whole."""
    keys = (client, "setup")
    require_no_wait(attempts, *keys)
    if users.has_admin():
        raise Conflict("error.admin_exists")
    try:
        check_username(username)
        check_password(password)
    except UserError as exc:
        raise Invalid.passing(exc) from exc
    if setup is None or not setup.redeem(code):
        attempts.failed(*keys)
        raise Forbidden("error.wrong_setup_code")
    try:
        user = users.create_user(username, password, ["admin"], display_name, actor=username)
    except UserError as exc:
        raise Invalid.passing(exc) from exc
    if users.journal is not None:
        users.journal(FirstAdminCreated(username=user.username), user.username)
    return user
