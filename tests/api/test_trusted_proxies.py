"""X-Forwarded-For is believed only from the proxies named in TRAINOPS_TRUSTED_PROXIES: a local
client cannot dodge the per-address sign-in lock by inventing addresses."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from api.server import start_api
from api.throttle import SignInThrottle
from runtime.settings import Settings
from services.database import Database
from tests.api.conftest import csrf_of


async def _failed_sign_ins(url: str, attempts: int) -> list[int]:
    codes = []
    async with httpx.AsyncClient(base_url=url) as client:
        for n in range(attempts):
            token = csrf_of((await client.get("/login")).text)
            answer = await client.post(
                "/login",
                data={"username": f"nobody{n}", "password": "wrong-password", "csrf_token": token},
                headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
            )
            codes.append(answer.status_code)
    return codes


@pytest.mark.parametrize(("trusted", "locked"), [("", True), ("127.0.0.1", False)])
async def test_forwarded_addresses_count_only_from_trusted_proxies(
    database: Database, tmp_path: Path, trusted: str, locked: bool
) -> None:
    settings = Settings(
        database_url=str(database.engine.url),
        api_port=0,
        api_cookie_secure=False,
        signing_key_file=tmp_path / "key.pem",
        trusted_proxies=trusted,
    )
    web = await start_api(settings, database)
    try:
        # Different usernames each time: only the address's count (50) can lock them out.
        codes = await _failed_sign_ins(web.url, SignInThrottle().max_address_failures + 2)
    finally:
        await web.stop()
    assert (429 in codes) is locked, codes
