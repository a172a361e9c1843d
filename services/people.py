"""Who is acting, as the use cases see them: authenticated by the edge, never by the body."""

from __future__ import annotations

from collections.abc import Iterable, Set
from typing import Protocol

from services.error_texts import roles_param
from services.errors import Forbidden


class Person(Protocol):
    """A signed-in person (``accounts.model.User`` is one)."""

    @property
    def username(self) -> str: ...

    @property
    def roles(self) -> Set[str]: ...

    def has(self, *roles: str) -> bool: ...


def require_role(person: Person, *roles: str, doing: str) -> None:
    """``Forbidden`` unless the person holds one of ``roles``; the error's ``needed`` and
    ``held`` are role ids ("admin,auditor"), said per language (``error_texts.ROLE_WORDS``)."""
    if not person.has(*roles):
        raise Forbidden(
            "error.role_needed",
            doing=doing,
            needed=roles_param(roles),
            username=person.username,
            held=roles_param(sorted(person.roles)),
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
