"""The signing keys over HTTP: anyone signed in reads the public keys; an admin retires one."""

from __future__ import annotations

import asyncio
import base64
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel, ConfigDict, Field

from api.dependencies import CurrentPrincipal, ServicesDep, require_role
from api.errors import COMMON_RESPONSES, NOT_FOUND
from audit.signing_keys import SigningKeyError, retire_key, trusted_keys
from services.errors import NotFound

router = APIRouter(prefix="/api/v1", responses=COMMON_RESPONSES, tags=["keys"])

KeyId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$", description="A key id (16 hex).")]


class SigningKeyOut(BaseModel):
    key_id: str
    algorithm: str = "ed25519"
    public_key: str = Field(description="Standard base64 of the 32 raw bytes.")
    retired_at: datetime | None


class RetireBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Annotated[str, Field(min_length=1, max_length=500)]


@router.get("/signing-keys", summary="The public keys every action's proof is checked against")
def list_signing_keys(principal: CurrentPrincipal, services: ServicesDep) -> list[SigningKeyOut]:
    return [
        SigningKeyOut(
            key_id=k.key_id,
            public_key=base64.b64encode(k.public_key).decode(),
            retired_at=k.retired_at,
        )
        for k in trusted_keys(services.database.store).values()
    ]


@router.post(
    "/signing-keys/{key_id}/retire",
    summary="Stop accepting new proofs by this key (its past proofs stay verifiable); admins",
    responses=NOT_FOUND,
)
async def retire_signing_key(
    key_id: KeyId, body: RetireBody, principal: CurrentPrincipal, services: ServicesDep
) -> list[SigningKeyOut]:
    require_role(principal, "admin", doing="retiring a signing key")
    try:
        await asyncio.to_thread(
            retire_key, services.database.store, key_id, principal.username, body.reason
        )
    except SigningKeyError as exc:
        raise NotFound.passing(exc) from exc
    return list_signing_keys(principal, services)
