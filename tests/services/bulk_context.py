"""What a bulk action's service call needs in a test: a specialist, and a context holding the
database and the signing Temporal client (the projector is not waited for)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from runtime.settings import Settings, get_settings
from services.database import Database
from services.program_client import ProgramClient


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

    async def programs(self) -> Any:
        return self.client

    async def wait_for_projection(self, position: int) -> bool:
        return False
