"""Who may sign in and what they may do: users, roles, API tokens and browser sessions.

Passwords are hashed with argon2id (argon2-cffi's defaults). API tokens and session ids are
256-bit random secrets, so a plain SHA-256 of them is what we store: it cannot be reversed, and a
slow hash would only slow every request down. A token is shown once, when it is issued.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from pydantic import BaseModel
from sqlalchemy import (
    Boolean,
    Column,
    Connection,
    Engine,
    ForeignKey,
    MetaData,
    String,
    Table,
    delete,
    insert,
    or_,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError

from domain.accounts import (
    PasswordChanged,
    TokenIssued,
    TokenRevoked,
    UserActiveChanged,
    UserCreated,
    UserRolesChanged,
)
from domain.roles import ROLES, Role
from eventlog.engine import READ_ONLY, run_migrations
from eventlog.schema import UtcDateTime

__all__ = ["ROLES", "Role", "User", "UserError", "UserStore"]

USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
MIN_PASSWORD = 10
TOKEN_PREFIX = "tro_"

metadata = MetaData()

users = Table(
    "api_users",
    metadata,
    Column("username", String(100), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
user_roles = Table(
    "api_user_roles",
    metadata,
    Column("username", String(100), ForeignKey("api_users.username"), primary_key=True),
    Column("role", String(20), primary_key=True),
)
tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(32), primary_key=True),
    Column("username", String(100), ForeignKey("api_users.username"), nullable=False),
    Column("label", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("roles", String(200), nullable=True),
)
sessions = Table(
    "api_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("username", String(100), ForeignKey("api_users.username"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)


def migrate_users(engine: Engine) -> None:
    """Create or upgrade the tables this package owns (its own Alembic version table)."""
    run_migrations(engine, Path(__file__).parent / "migrations", "api_schema_version")


class UserError(ValueError):
    """Bad input for a user operation; the message is meant for the person who asked."""


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    roles: frozenset[str]
    active: bool = True

    def has(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)


@dataclass(frozen=True)
class TokenInfo:
    token_id: str
    username: str
    label: str
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None = None
    roles: tuple[str, ...] | None = None
    """The roles the token may use; None: all of its owner's."""


#: Records an account change (an event of ``domain.accounts``) with the actor who made it.
Journal = Callable[[BaseModel, str], None]


@dataclass(frozen=True)
class WebSession:
    user: User
    csrf_token: str
    expires_at: datetime


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(UTC)


def check_username(username: str) -> str:
    if not USERNAME.fullmatch(username):
        raise UserError(
            "a username is 1-100 letters, digits or . _ @ - (it is the person id the "
            "programs use, e.g. spec.li)"
        )
    return username


def check_roles(roles: Iterable[str]) -> frozenset[str]:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise UserError(f"unknown role(s) {', '.join(unknown)}; roles are {', '.join(ROLES)}")
    return frozenset(roles)


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError(f"a password needs at least {MIN_PASSWORD} characters")
    if len(password) > 1024:
        raise UserError("a password may have at most 1024 characters")
    return password


class UserStore:
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
        check_password(password)
        name = (display_name or username).strip()[:200] or username
        now = _now()
        try:
            with self.engine.begin() as conn:
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
            raise UserError(f"user {username!r} already exists") from exc
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
        with self.engine.begin() as conn:
            self._require(conn, username)
            conn.execute(delete(user_roles).where(user_roles.c.username == username))
            for role in sorted(role_set):
                conn.execute(insert(user_roles).values(username=username, role=role))
            conn.execute(
                update(users).where(users.c.username == username).values(updated_at=_now())
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
                .values(active=active, updated_at=_now())
            )
            if not active:
                conn.execute(delete(sessions).where(sessions.c.username == username))
        self._record(UserActiveChanged(username=username, active=active), actor)
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
                .values(password_hash=self.hasher.hash(password), updated_at=_now())
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
            raise UserError(f"no user {username!r}")

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
        label = label.strip()[:100] or "api"
        limited = None if roles is None else tuple(sorted(check_roles(roles)))
        if limited is not None:
            owner = self.get(username)
            held = owner.roles if owner is not None else frozenset()
            extra = sorted(set(limited) - held)
            if extra:
                raise UserError(f"{username} does not hold the role(s) {', '.join(extra)}")
            if not limited:
                raise UserError("a token needs at least one role")
        token_id = secrets.token_hex(6)
        secret = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
        now = _now()
        with self.engine.begin() as conn:
            self._require(conn, username)
            conn.execute(
                insert(tokens).values(
                    token_id=token_id,
                    username=username,
                    label=label,
                    token_hash=_digest(secret),
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
            revoked = conn.execute(query.values(revoked_at=_now())).rowcount > 0
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
            tokens.c.token_hash == _digest(secret),
            tokens.c.revoked_at.is_(None),
            or_(tokens.c.expires_at.is_(None), tokens.c.expires_at > _now()),
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
        now = _now()
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.expires_at < now))
            conn.execute(
                insert(sessions).values(
                    session_hash=_digest(secret),
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
        query = select(sessions).where(sessions.c.session_hash == _digest(secret))
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            row = conn.execute(query).first()
        if row is None or row.expires_at <= _now():
            return None
        user = self.get(row.username)
        if user is None or not user.active:
            return None
        return WebSession(user, row.csrf_token, row.expires_at)

    def end_session(self, secret: str) -> None:
        with self.engine.begin() as conn:
            conn.execute(delete(sessions).where(sessions.c.session_hash == _digest(secret)))
