"""Who may sign in and what they may do: users, roles, API tokens and browser sessions.

The tables are in ``accounts.tables``; the value types and input checks in ``accounts.model``.

Passwords are hashed with argon2id (argon2-cffi's defaults). API tokens and session ids are
256-bit random secrets, so a plain SHA-256 of them is what we store: it cannot be reversed, and a
slow hash would only slow every request down. A token is shown once, when it is issued.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from accounts.model import (
    TOKEN_PREFIX,
    Journal,
    TokenInfo,
    User,
    UserError,
    WebSession,
    check_one_line,
    check_password,
    check_roles,
    check_username,
    digest,
    utc_now,
)
from accounts.tables import sessions, tokens, user_roles, users
from domain.accounts import (
    PasswordChanged,
    TokenIssued,
    TokenRevoked,
    UserActiveChanged,
    UserCreated,
    UserRolesChanged,
)
from domain.roles import ROLES
from eventlog.engine import READ_ONLY

__all__ = ["UserStore", "active_with_role"]


def active_with_role(
    engine: Engine, usernames: Iterable[str], role: str, page: int = 1000
) -> set[str]:
    """Those of ``usernames`` who are active users holding ``role``: a query a ``page`` of
    names (a roster of 65,535 unknown ids once passed PostgreSQL's limit on a statement's
    parameters, answered as "database unavailable"), no hashing (``UserStore`` hashes a dummy
    password when it is made)."""
    names = sorted(set(usernames))
    found: set[str] = set()
    with engine.connect().execution_options(**READ_ONLY) as conn:
        for start in range(0, len(names), page):
            query = (
                select(users.c.username)
                .join(user_roles, user_roles.c.username == users.c.username)
                .where(
                    users.c.username.in_(names[start : start + page]),
                    users.c.active.is_(True),
                    user_roles.c.role == role,
                )
            )
            found.update(conn.execute(query).scalars())
    return found


def holding_role(engine: Engine, role: str) -> tuple[str, ...]:
    """Every active user holding ``role``, by name."""
    query = (
        select(users.c.username)
        .join(user_roles, user_roles.c.username == users.c.username)
        .where(users.c.active.is_(True), user_roles.c.role == role)
        .order_by(users.c.username)
    )
    with engine.connect().execution_options(**READ_ONLY) as conn:
        return tuple(conn.execute(query).scalars())


def _no_look_alike(conn: Connection, username: str) -> None:
    """A new username that differs from an existing one only in case (``Alice`` beside
    ``alice``) is refused: approvers, trainees and tokens are named by username, and two that
    read alike would be mistaken for each other in every inbox, timeline and audit trail."""
    found = conn.execute(
        select(users.c.username).where(func.lower(users.c.username) == username.lower())
    ).scalar()
    if found is not None and found != username:
        raise UserError("error.user_look_alike", username=username, existing=found)


class UserStore:
    """The accounts: every change is recorded through ``journal``."""

    def __init__(
        self, engine: Engine, hasher: PasswordHasher | None = None, journal: Journal | None = None
    ) -> None:
        self.engine = engine
        self.hasher = hasher or PasswordHasher()
        self.journal = journal
        """Where account changes are recorded (the log, through the API); None: nowhere."""
        # Verifying against this when the user is unknown keeps sign-in timing uniform.
        self._dummy_hash = self.hasher.hash(secrets.token_urlsafe(16))

    # ------------------------------------------------------------------ users

    def create_user(
        self,
        username: str,
        password: str,
        roles: Iterable[str],
        display_name: str | None = None,
        *,
        actor: str = "system",
    ) -> User:
        check_username(username)
        role_set = check_roles(roles)
        if not role_set:  # an account that may do nothing is a mistake of the form, not a plan
            raise UserError("error.account_without_roles", known=", ".join(ROLES))
        check_password(password)
        name = check_one_line((display_name or username).strip()[:200], "display_name") or username
        now = utc_now()
        try:
            with self.engine.begin() as conn:
                _no_look_alike(conn, username)
                conn.execute(
                    insert(users).values(
                        username=username,
                        display_name=name,
                        password_hash=self.hasher.hash(password),
                        active=True,
                        created_at=now,
                        updated_at=now,
                    )
                )
                for role in sorted(role_set):
                    conn.execute(insert(user_roles).values(username=username, role=role))
        except IntegrityError as exc:
            # Lost a race: the case-blind unique index says which rule the other writer won by.
            with self.engine.connect() as conn:
                _no_look_alike(conn, username)
            raise UserError("error.user_exists", username=username) from exc
        self._record(
            UserCreated(username=username, display_name=name, roles=tuple(sorted(role_set))), actor
        )
        return User(username, name, role_set)

    def get(self, username: str) -> User | None:
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            row = conn.execute(select(users).where(users.c.username == username)).first()
            if row is None:
                return None
            roles = conn.execute(
                select(user_roles.c.role).where(user_roles.c.username == username)
            ).scalars()
            return User(row.username, row.display_name, frozenset(roles), bool(row.active))

    def all_users(self) -> list[User]:
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            rows = conn.execute(select(users).order_by(users.c.username)).all()
            pairs = conn.execute(select(user_roles)).all()
        roles: dict[str, set[str]] = {}
        for username, role in pairs:
            roles.setdefault(username, set()).add(role)
        return [
            User(r.username, r.display_name, frozenset(roles.get(r.username, ())), bool(r.active))
            for r in rows
        ]

    def has_admin(self) -> bool:
        query = (
            select(users.c.username)
            .join(user_roles, user_roles.c.username == users.c.username)
            .where(user_roles.c.role == "admin", users.c.active.is_(True))
            .limit(1)
        )
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            return conn.execute(query).first() is not None

    def set_roles(self, username: str, roles: Iterable[str], *, actor: str = "system") -> User:
        role_set = check_roles(roles)
        if not role_set:  # as at creation: an account that may do nothing is a slip of the form
            raise UserError("error.roles_all_taken", known=", ".join(ROLES))
        with self.engine.begin() as conn:
            self._require(conn, username)
            conn.execute(delete(user_roles).where(user_roles.c.username == username))
            for role in sorted(role_set):
                conn.execute(insert(user_roles).values(username=username, role=role))
            conn.execute(
                update(users).where(users.c.username == username).values(updated_at=utc_now())
            )
        self._record(UserRolesChanged(username=username, roles=tuple(sorted(role_set))), actor)
        found = self.get(username)
        assert found is not None
        return found

    def set_active(self, username: str, active: bool, *, actor: str = "system") -> User:
        with self.engine.begin() as conn:
            self._require(conn, username)
            conn.execute(
                update(users)
                .where(users.c.username == username)
                .values(active=active, updated_at=utc_now())
            )
            revoked: list[str] = []
            if not active:
                # Signed out everywhere, and for good: enabling the account again later must
                # not bring back tokens that were in someone's scripts when it was disabled.
                conn.execute(delete(sessions).where(sessions.c.username == username))
                live = tokens.c.username == username, tokens.c.revoked_at.is_(None)
                revoked = list(conn.execute(select(tokens.c.token_id).where(*live)).scalars())
                conn.execute(update(tokens).where(*live).values(revoked_at=utc_now()))
        self._record(UserActiveChanged(username=username, active=active), actor)
        for token_id in revoked:
            self._record(TokenRevoked(token_id=token_id, username=username), actor)
        found = self.get(username)
        assert found is not None
        return found

    def set_password(self, username: str, password: str, *, actor: str = "system") -> None:
        check_password(password)
        with self.engine.begin() as conn:
            self._require(conn, username)
            conn.execute(
                update(users)
                .where(users.c.username == username)
                .values(password_hash=self.hasher.hash(password), updated_at=utc_now())
            )
            # A new password signs the person out everywhere else.
            conn.execute(delete(sessions).where(sessions.c.username == username))
        self._record(PasswordChanged(username=username), actor)

    def authenticate(self, username: str, password: str) -> User | None:
        """The user if the password is right and the account active; None otherwise."""
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            stored = conn.execute(
                select(users.c.password_hash, users.c.active).where(users.c.username == username)
            ).first()
        if stored is None:
            self._verify(self._dummy_hash, password)
            return None
        if not self._verify(stored.password_hash, password) or not stored.active:
            return None
        if self.hasher.check_needs_rehash(stored.password_hash):
            with self.engine.begin() as conn:
                conn.execute(
                    update(users)
                    .where(users.c.username == username)
                    .values(password_hash=self.hasher.hash(password))
                )
        return self.get(username)

    def _verify(self, hashed: str, password: str) -> bool:
        try:
            return self.hasher.verify(hashed, password)
        except (VerifyMismatchError, VerificationError, InvalidHashError):
            return False

    @staticmethod
    def _require(conn: Connection, username: str) -> None:
        found = conn.execute(select(users.c.username).where(users.c.username == username))
        if found.first() is None:
            raise UserError("error.no_user", username=username)

    # ------------------------------------------------------------------ API tokens

    def issue_token(
        self,
        username: str,
        label: str = "",
        expires_in: timedelta | None = None,
        roles: Iterable[str] | None = None,
        *,
        actor: str | None = None,
    ) -> tuple[TokenInfo, str]:
        """A new API token for ``username``: its info and the secret, shown only this once.
        ``expires_in`` None: valid until revoked. ``roles``: at most the owner's (None: the
        owner's, as they are when the token is used)."""
        if label and not label.strip():  # given, but spaces only: said, never replaced
            raise UserError("error.blank_label")
        label = check_one_line(label.strip()[:100], "label") or "api"
        limited = None if roles is None else tuple(sorted(check_roles(roles)))
        if limited is not None:
            owner = self.get(username)
            held = owner.roles if owner is not None else frozenset()
            extra = sorted(set(limited) - held)
            if extra:
                named = ", ".join(extra)
                raise UserError("error.roles_not_held", username=username, roles=named)
            if not limited:
                raise UserError("error.token_without_roles")
        token_id = secrets.token_hex(6)
        secret = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        now = utc_now()
        with self.engine.begin() as conn:
            self._require(conn, username)
            conn.execute(
                insert(tokens).values(
                    token_id=token_id,
                    username=username,
                    label=label,
                    token_hash=digest(secret),
                    created_at=now,
                    expires_at=now + expires_in if expires_in is not None else None,
                    roles=",".join(limited) if limited is not None else None,
                )
            )
        expires = now + expires_in if expires_in is not None else None
        issued = TokenIssued(
            token_id=token_id, username=username, label=label, expires_at=expires, roles=limited
        )
        self._record(issued, actor or username)
        return TokenInfo(token_id, username, label, now, None, expires, limited), secret

    def revoke_token(
        self, token_id: str, username: str | None = None, *, actor: str = "system"
    ) -> bool:
        """Revoke a token (only ``username``'s, when given); False if there was none to revoke."""
        query = update(tokens).where(tokens.c.token_id == token_id, tokens.c.revoked_at.is_(None))
        if username is not None:
            query = query.where(tokens.c.username == username)
        with self.engine.begin() as conn:
            owner = conn.execute(
                select(tokens.c.username).where(tokens.c.token_id == token_id)
            ).scalar()
            revoked = conn.execute(query.values(revoked_at=utc_now())).rowcount > 0
        if revoked and owner is not None:
            self._record(TokenRevoked(token_id=token_id, username=owner), actor)
        return revoked

    def _record(self, event: BaseModel, actor: str) -> None:
        if self.journal is not None:
            self.journal(event, actor)

    def list_tokens(self, username: str | None = None) -> list[TokenInfo]:
        query = select(tokens).order_by(tokens.c.created_at, tokens.c.token_id)
        if username is not None:
            query = query.where(tokens.c.username == username)
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            return [
                TokenInfo(
                    r.token_id,
                    r.username,
                    r.label,
                    r.created_at,
                    r.revoked_at,
                    r.expires_at,
                    tuple(r.roles.split(",")) if r.roles else None,
                )
                for r in conn.execute(query)
            ]

    def user_for_token(self, secret: str) -> User | None:
        if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
            return None
        query = select(tokens.c.username, tokens.c.roles).where(
            tokens.c.token_hash == digest(secret),
            tokens.c.revoked_at.is_(None),
            or_(tokens.c.expires_at.is_(None), tokens.c.expires_at > utc_now()),
        )
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            found = conn.execute(query).first()
        if found is None:
            return None
        user = self.get(found.username)
        if user is None or not user.active:
            return None
        if found.roles:  # a limited token: never more than its owner holds now
            limited = user.roles & frozenset(found.roles.split(","))
            return User(user.username, user.display_name, limited, user.active)
        return user

    # ------------------------------------------------------------------ browser sessions

    def start_session(self, username: str, lifetime: timedelta) -> tuple[str, WebSession]:
        """A new browser session: the cookie value (secret) and the session."""
        secret = secrets.token_urlsafe(32)
        csrf = secrets.token_urlsafe(32)
        now = utc_now()
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at < now))
            conn.execute(
                insert(sessions).values(
                    session_hash=digest(secret),
                    username=username,
                    csrf_token=csrf,
                    created_at=now,
                    expires_at=now + lifetime,
                )
            )
        user = self.get(username)
        assert user is not None
        return secret, WebSession(user, csrf, now + lifetime)

    def session(self, secret: str) -> WebSession | None:
        if not secret or len(secret) > 200:
            return None
        query = select(sessions).where(sessions.c.session_hash == digest(secret))
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            row = conn.execute(query).first()
        if row is None or row.expires_at <= utc_now():
            return None
        user = self.get(row.username)
        if user is None or not user.active:
            return None
        return WebSession(user, row.csrf_token, row.expires_at)

    def end_session(self, secret: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.session_hash == digest(secret)))
