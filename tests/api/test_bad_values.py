"""Input the database cannot take, and a CSRF token that is not ASCII: clear 4xx, never a 500."""

from __future__ import annotations

import secrets

import httpx
import pytest
from sqlalchemy import text

from accounts.users import UserStore
from api.app import create_app
from eventlog.engine import make_engine
from runtime.settings import Settings
from services.database import open_database
from tests.api.conftest import PASSWORD, World, csrf_of, fast_hasher
from tests.conftest import TEST_SIGNER
from tests.eventlog.conftest import POSTGRES_URL, postgres_unavailable


async def test_a_value_postgresql_refuses_is_a_422_and_changes_nothing() -> None:
    """PostgreSQL cannot take a NUL character in text, even in a search: that is bad input."""
    reason = postgres_unavailable()
    if reason is not None:
        pytest.fail(reason)
    schema = f"t_{secrets.token_hex(6)}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    database = open_database(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
    try:
        users = UserStore(database.engine, hasher=fast_hasher())
        users.create_user("emp.1", PASSWORD, ["trainee"])
        token = users.issue_token("emp.1", "test")[1]
        app = create_app(
            Settings(database_url=str(database.engine.url)), database=database, signer=TEST_SIGNER
        )
        before = database.store.head()[0]
        transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
        async with httpx.AsyncClient(
            transport=transport,
            base_url="http://testserver",
            headers={"Authorization": f"Bearer {token}"},
        ) as client:
            answer = await client.get("/my/trainings/a%00b")
        assert answer.status_code == 422 and "NUL character" in answer.text
        assert database.store.head()[0] == before
    finally:
        database.close()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


async def test_a_non_ascii_csrf_token_is_refused_not_a_crash(world: World) -> None:
    async with world.browser("adm.qian") as page:
        form = await page.get("/admin/config")
        assert csrf_of(form.text)
        answer = await page.post(
            "/admin/config",
            data={"csrf_token": "tökén", "expected_version": "0", "document": "approval: {}"},
        )
        assert answer.status_code == 403 and "CSRF" in answer.text
