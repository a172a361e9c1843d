"""Users, tokens and sessions as the rest of the code sees them, and the checks on new ones.

The rules for a username, a password and roles live here once, for every way in (HTTP, pages,
command line).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from pydantic import BaseModel

from accounts.texts import ACCOUNT_EN
from domain.roles import ROLES, Role
from domain.text import not_one_line

__all__ = [
    "ROLES",
    "Role",
    "TokenInfo",
    "User",
    "UserError",
    "WebSession",
    "check_password",
    "check_roles",
    "check_username",
]

USERNAME = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
TOKEN_PREFIX = "tro_"


class UserError(ValueError):
    """Bad input for a user operation; the message is meant for the person who asked.
    ``key`` and ``params`` name it (``accounts.texts`` holds the English words) for the edges,
    which say it in the reader's language (``services.error_texts``)."""

    def __init__(self, key: str, /, **params: object) -> None:
        self.key = key
        self.params = {name: str(value) for name, value in params.items()}
        super().__init__(ACCOUNT_EN[key].format_map(self.params))


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


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def utc_now() -> datetime:
    return datetime.now(UTC)


def check_username(username: str) -> str:
    if not USERNAME.fullmatch(username):
        raise UserError("error.bad_username")
    return username


def check_one_line(value: str, field: str) -> str:
    """A display name or a token label is shown in tables and pages: one line of printable
    characters, never a terminal escape that would clear or recolour an admin's screen."""
    char = not_one_line(value)
    if char is not None:
        raise UserError("error.not_one_line", field=field, code=f"{ord(char):04X}")
    return value


def check_roles(roles: Iterable[str]) -> frozenset[str]:
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        named, known = ", ".join(unknown), ", ".join(ROLES)
        raise UserError("error.unknown_roles", named=named, known=known)
    return frozenset(roles)


def check_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise UserError("error.short_password", least=MIN_PASSWORD)
    if len(password) > MAX_PASSWORD:
        raise UserError("error.long_password", most=MAX_PASSWORD)
    return password
