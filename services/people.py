"""Who is acting, as the use cases see them: authenticated by the edge, never by the body."""

from __future__ import annotations

from collections.abc import Set
from typing import Protocol

from services.errors import Forbidden

ROLE_NAMES = {
    "specialist": "the specialist role",
    "approver": "the approver role",
    "auditor": "the auditor role",
    "admin": "the admin role",
    "trainee": "the trainee role",
}


class Person(Protocol):
    """A signed-in person (``api.users.User`` is one)."""

    @property
    def username(self) -> str: ...

    @property
    def roles(self) -> Set[str]: ...

    def has(self, *roles: str) -> bool: ...


def require_role(person: Person, *roles: str, doing: str) -> None:
    """``Forbidden`` unless the person holds one of ``roles``."""
    if not person.has(*roles):
        needed = " or ".join(ROLE_NAMES.get(r, r) for r in roles)
        held = ", ".join(sorted(person.roles)) or "none"
        raise Forbidden(f"{doing} needs {needed}; {person.username} has: {held}")
