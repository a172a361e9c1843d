"""The first admin's screen in a real browser, on a fresh installation (no user yet): in both
languages, on a phone and a desktop, it answers, logs no console error, fits the phone and
shows no English on the zh-CN page; then the first admin is created with the setup code and
signs in."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import pytest_asyncio
from playwright.async_api import Browser, expect

from accounts.users import UserStore
from api.server import RunningApi, start_api
from runtime.settings import Settings
from services.database import Database
from tests.api.browser_site import LANGS, WIDTHS, chromium, open_screen, screenshot
from tests.conftest import BACKENDS, backend_database


@pytest_asyncio.fixture(scope="module")
async def setup_browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


@pytest.fixture(params=BACKENDS)
def fresh_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with backend_database(request.param, tmp_path_factory.mktemp("fresh")) as db:
        yield db


@pytest_asyncio.fixture
async def fresh_site(fresh_db: Database) -> AsyncIterator[RunningApi]:
    """The API alone on a database without any user: what ``trainops up`` serves first."""
    settings = Settings(database_url=str(fresh_db.engine.url), api_port=0, api_cookie_secure=False)
    web = await start_api(settings, fresh_db)
    try:
        yield web
    finally:
        await web.stop()


async def test_the_first_admin_sets_up_trainops(
    fresh_site: RunningApi, fresh_db: Database, setup_browser: Browser
) -> None:
    code = fresh_site.setup_code
    assert code is not None
    for lang in LANGS:
        for width, (w, h) in WIDTHS.items():
            context = await setup_browser.new_context(
                base_url=fresh_site.url,
                locale="zh-CN" if lang == "zh-CN" else "en-US",
                viewport={"width": w, "height": h},
            )
            context.set_default_timeout(10_000)
            page = await context.new_page()
            await open_screen(page, "/setup", lang=lang, user_text=())
            if "sqlite" in str(fresh_db.engine.url):
                await screenshot(page, "setup", lang, width)
            await context.close()
    # The main action, on a phone in Chinese: the first admin, then signing in as them.
    context = await setup_browser.new_context(
        base_url=fresh_site.url, locale="zh-CN", viewport={"width": 390, "height": 844}
    )
    page = await context.new_page()
    await page.goto("/setup")
    await page.locator("#code").fill(code)
    await page.locator("#username").fill("first.admin")
    await page.locator("#password").fill("a long enough password")
    await page.locator("main form button[type=submit]").click()
    await expect(page).to_have_url(f"{fresh_site.url}/login")
    await page.locator("#username").fill("first.admin")
    await page.locator("#password").fill("a long enough password")
    await page.locator("main form button[type=submit]").click()
    await expect(page.get_by_test_id("whoami")).to_have_text("first.admin")
    await context.close()
    admin = UserStore(fresh_db.engine).get("first.admin")
    assert admin is not None and admin.roles == {"admin"}
