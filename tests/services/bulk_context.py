"""What a bulk action's service call needs in a test: a specialist, and a context holding the
database and the signing Temporal client (the projector is not waited for)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from argon2 import PasswordHasher

from accounts.users import UserStore
from runtime.settings import Settings, get_settings
from services.database import Database
from services.program_client import ProgramClient

FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@dataclass(frozen=True)
class Specialist:
    username: str = "spec"
    roles: frozenset[str] = frozenset({"specialist"})

    def has(self, *roles: str) -> bool:
        return bool(self.roles & set(roles))


@dataclass
class Context:
    database: Database
    client: ProgramClient
    settings: Settings = field(default_factory=get_settings)

    def __post_init__(self) -> None:
        """The specialist's account (a bulk action asks again, between batches, whether its
        sender is still an active specialist)."""
        users = UserStore(self.database.engine, hasher=FAST_HASHER)
        if users.get(Specialist.username) is None:
            users.create_user(Specialist.username, "a long specialist password", ["specialist"])

    async def programs(self) -> Any:
        return self.client

    async def wait_for_projection(self, position: int) -> bool:
        return False
