"""Who may sign in, with which roles and tokens: every change is an event with its actor
(stream ``accounts``). Secrets never appear: no password, hash or token value is recorded."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import Field

from domain.event_base import DomainEvent

Username = Annotated[str, Field(min_length=1, max_length=100)]


class FirstAdminCreated(DomainEvent):
    """The first admin, made with the one-time setup code of a fresh installation."""

    type: Literal["FirstAdminCreated"] = "FirstAdminCreated"
    username: Username


class UserCreated(DomainEvent):
    type: Literal["UserCreated"] = "UserCreated"
    username: Username
    display_name: str
    roles: tuple[str, ...]


class UserRolesChanged(DomainEvent):
    type: Literal["UserRolesChanged"] = "UserRolesChanged"
    username: Username
    roles: tuple[str, ...]


class UserActiveChanged(DomainEvent):
    type: Literal["UserActiveChanged"] = "UserActiveChanged"
    username: Username
    active: bool


class PasswordChanged(DomainEvent):
    type: Literal["PasswordChanged"] = "PasswordChanged"
    username: Username


class TokenIssued(DomainEvent):
    type: Literal["TokenIssued"] = "TokenIssued"
    token_id: str
    username: Username
    label: str
    expires_at: datetime | None
    roles: tuple[str, ...] | None
    """The roles the token may use (None: its owner's, whatever they are when it is used)."""


class TokenRevoked(DomainEvent):
    type: Literal["TokenRevoked"] = "TokenRevoked"
    token_id: str
    username: Username
