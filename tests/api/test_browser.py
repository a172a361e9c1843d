"""End to end in a real browser: Debian's chromium driven by Playwright, against uvicorn serving the
app in this process (the same way ``trainops up`` does), with the worker on the time-skipping
server. A specialist signs in and submits a program; an approver approves it from the inbox; the
specialist's KPI dashboard changes. A trainee answers the survey on a phone.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path

import pytest
import pytest_asyncio
from playwright.async_api import Browser, Page, expect

from api.server import RunningApi, start_api
from tests.api.browser_site import CHROMIUM, chromium
from tests.api.conftest import PASSWORD, World, plan_body, quarter, run

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(),
    reason="Debian's chromium is not at /usr/bin/chromium (apt-get install -y chromium; "
    ".ci/run installs it)",
)


@pytest_asyncio.fixture
async def browser() -> AsyncIterator[Browser]:
    async with chromium() as launched:
        yield launched


async def sign_in(browser: Browser, base: str, username: str) -> Page:
    context = await browser.new_context(base_url=base, locale="en-US")
    page = await context.new_page()
    await page.goto("/login")
    await page.get_by_label("Username").fill(username)
    await page.get_by_label("Password").fill(PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await expect(page.get_by_test_id("whoami")).to_have_text(username)
    return page


async def on_a_phone(browser: Browser, base: str, username: str) -> Page:
    """``username`` signed in, on a phone-sized screen."""
    page = await sign_in(browser, base, username)
    await page.set_viewport_size({"width": 390, "height": 844})
    return page


async def serving(world: World) -> RunningApi:
    """The API of ``world`` on a port of its own; stop it when done."""
    return await start_api(
        world.settings.model_copy(update={"api_port": 0}), world.h.db, world.programs
    )


async def test_plan_to_kpi_dashboard_in_a_real_browser(world: World, browser: Browser) -> None:
    # Secure cookies, as in production: browsers keep them for http://127.0.0.1 too.
    settings = world.settings.model_copy(update={"api_port": 0, "api_cookie_secure": True})
    web = await start_api(settings, world.h.db, world.programs)
    try:
        plan = await plan_body(world.h, "e2e-1")
        period = quarter(plan["planned_date"])
        starts = datetime.fromisoformat(plan["sessions"][0]["starts_at"])

        li = await sign_in(browser, web.url, "spec.li")
        await li.goto("/programs/new")
        await li.get_by_label("Program id").fill("e2e-1")
        await li.get_by_label("Title").fill("Forklift safety")
        await li.get_by_label("Planned date").fill(plan["planned_date"])
        await li.get_by_label("Time zone").fill(plan["timezone"])
        await li.get_by_label("Approvers").fill("mgr.wang")
        await li.get_by_label("Trainees").fill("emp.1, emp.2")
        await li.locator("#session_id_1").fill("s1")
        await li.locator("#starts_at_1").fill(starts.strftime("%Y-%m-%dT%H:%M"))
        await li.get_by_test_id("create").click()
        await expect(li.get_by_test_id("status")).to_have_text("draft")
        await li.get_by_test_id("act-submit").click()
        await expect(li.get_by_test_id("status")).to_have_text("submitted")

        await li.goto("/kpi")
        cell = li.get_by_test_id(f"plan_completion_rate-{period}")
        await expect(cell).to_contain_text("(0/0)")
        await expect(cell).to_contain_text("n/a")

        wang = await sign_in(browser, web.url, "mgr.wang")
        await wang.goto("/inbox")
        await wang.get_by_role("link", name="Forklift safety").click()
        await wang.get_by_label("Comment").fill("looks good")
        await wang.get_by_test_id("approve").click()
        await expect(wang.get_by_test_id("empty")).to_be_visible()

        await li.reload()
        # Approved and not yet due: on track, so it lowers no rate (nothing to rate yet).
        await expect(cell).to_contain_text("(0/0)")
        await expect(cell).not_to_contain_text("below")
        await li.goto("/programs/e2e-1")
        await expect(li.get_by_test_id("status")).to_have_text("approved")
        await expect(li.get_by_test_id("timeline")).to_contain_text("mgr.wang approved: looks good")

        # The same page in Chinese, on a phone-sized screen.
        await li.set_viewport_size({"width": 390, "height": 844})
        await li.get_by_role("link", name="简体中文").click()
        await expect(li.get_by_test_id("status")).to_have_text("已批准")

        # The dashboard on the phone: nothing wider than the screen, and the chart's bar is
        # reached with the keyboard and opens the programs behind its number.
        await li.goto("/kpi")
        assert await li.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        chart = li.locator('[data-testid="chart"][data-kpi="plan_completion"]')
        svg = chart.locator("svg[role=img]")
        await expect(svg).to_have_attribute("aria-label", re.compile(period))
        bar = chart.locator(f'[data-testid="bar-link"][data-period="{period}"]')
        for _ in range(60):
            await li.keyboard.press("Tab")
            if await bar.evaluate("link => link === document.activeElement"):
                break
        else:
            pytest.fail("no chart bar is reachable with the Tab key")
        await li.keyboard.press("Enter")
        await expect(li.get_by_test_id("behind")).to_be_visible()
        # Behind the number: the programs it counts. e2e-1 is approved but not due yet, so
        # none (it is on track); the list is exactly what the rate was computed from.
        await expect(li.locator("tr[data-program]")).to_have_count(0)
    finally:
        await web.stop()


async def test_a_trainee_answers_the_survey_on_a_phone(world: World, browser: Browser) -> None:
    await run(world, "e2e-eval", "evaluating", title="Ladder safety")
    web = await serving(world)
    try:
        emp = await on_a_phone(browser, web.url, "emp.1")
        await expect(emp.get_by_role("heading", name="My trainings")).to_be_visible()
        await expect(emp.get_by_test_id("ask-survey")).to_have_attribute("data-state", "open")
        await emp.get_by_test_id("open-survey").click()
        overall = emp.get_by_label("Overall, how satisfied")
        await overall.fill("150")
        await emp.get_by_test_id("send-survey").click()
        await expect(emp.get_by_test_id("error-overall")).to_have_text(
            "Enter a number from 0 to 100."
        )
        await expect(overall).to_have_attribute("aria-invalid", "true")
        await overall.fill("88")
        await emp.get_by_label("Anything else").fill("Good pace.")
        await emp.get_by_test_id("send-survey").click()
        await expect(emp.get_by_test_id("saved")).to_be_visible()
        await expect(emp.get_by_test_id("ask-survey")).to_have_attribute("data-state", "done")

        await emp.get_by_role("link", name="简体中文").click()
        await expect(emp.get_by_test_id("saved")).to_have_text("谢谢!你的问卷已记录。")
        assert await emp.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    finally:
        await web.stop()
    [survey] = [
        r
        for r in world.h.db.store.read_stream("program-e2e-eval")
        if r.event_type == "SurveySubmitted"
    ]
    assert survey.metadata["actor"] == "emp.1" and survey.payload["scores"] == {"overall": 88.0}


async def test_an_admin_edits_the_configuration_in_the_browser(
    world: World, browser: Browser, tmp_path: Path
) -> None:
    web = await serving(world)
    try:
        admin = await sign_in(browser, web.url, "adm.qian")
        await admin.goto("/admin/config")
        editor = admin.get_by_label("YAML")
        await editor.fill("approval:\n  name: q3-policy\n  steps: nope\n")
        await admin.get_by_role("button", name="Save as a new version").click()
        await expect(admin.get_by_test_id("config-error")).to_contain_text("line 3")
        await expect(editor).to_have_value(re.compile("q3-policy"))  # kept, to fix
        await editor.fill("approval:\n  name: q3-policy\n")
        await admin.get_by_label("Why").fill("a simpler policy for Q3")
        await admin.get_by_role("button", name="Save as a new version").click()
        await expect(admin.get_by_test_id("config-diff")).to_contain_text("+  name: q3-policy")
        await admin.get_by_role("button", name="Confirm and save").click()
        await expect(admin.get_by_test_id("config-saved")).to_be_visible()
        await expect(admin.get_by_test_id("config-history")).to_contain_text(
            "a simpler policy for Q3"
        )
        await admin.screenshot(path=str(tmp_path / "config.png"), full_page=True)
    finally:
        await web.stop()
    assert [e.payload["comment"] for e in world.h.db.store.read_stream("configuration")] == [
        "a simpler policy for Q3"
    ]
