"""Who is acting, as the use cases see them: authenticated by the edge, never by the body."""

from __future__ import annotations

from collections.abc import Iterable, Set
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
    """A signed-in person (``accounts.model.User`` is one)."""

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
        raise Forbidden(
            "error.role_needed", doing=doing, needed=needed, username=person.username, held=held
        )


def check_account_change(
    actor: Person,
    username: str,
    held: Set[str],
    roles: Iterable[str] | None,
    active: bool | None,
) -> None:
    """Separation of duties over accounts: an admin never locks themselves out, and never grants
    themselves a role (to specialise, approve or audit is someone else's grant): another admin
    must make that change. Dropping one's own other roles is allowed."""
    if username != actor.username:
        return
    wanted = None if roles is None else set(roles)
    if active is False or (wanted is not None and "admin" not in wanted):
        raise Forbidden("error.admin_lockout")
    added = sorted((wanted or set()) - set(held))
    if added:
        raise Forbidden("error.self_grant", username=actor.username, roles=", ".join(added))
