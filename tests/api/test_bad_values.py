"""Input the database cannot take, and a CSRF token that is not ASCII: clear 4xx, never a 500."""

from __future__ import annotations

import httpx
import psycopg
from fastapi import FastAPI

from api import errors
from tests.api.conftest import World, csrf_of


async def test_a_value_the_database_refuses_is_a_422() -> None:
    app = FastAPI()
    errors.install(app)

    @app.get("/api/v1/probe/{name}")
    def probe(name: str) -> None:
        raise psycopg.DataError("A string literal cannot contain NUL (0x00) characters.")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        answer = await client.get("/api/v1/probe/a%00b")
    assert answer.status_code == 422 and "NUL" in answer.json()["detail"]


async def test_a_non_ascii_csrf_token_is_refused_not_a_crash(world: World) -> None:
    async with world.browser("adm.qian") as page:
        form = await page.get("/admin/config")
        assert csrf_of(form.text)
        answer = await page.post(
            "/admin/config",
            data={"csrf_token": "tökén", "expected_version": "0", "document": "approval: {}"},
        )
        assert answer.status_code == 403 and "CSRF" in answer.text
