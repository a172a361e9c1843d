"""The program page's diagrams in a real browser, in both languages and at phone width: the
approval route and the lifecycle chart are drawn, nothing is wider than the screen, and no
label of theirs is left untranslated. With ``TRAINOPS_DOC_SCREENSHOTS=1`` the screenshots the
docs use are written to ``docs/images/``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.async_api import Browser, expect

from api.i18n_diagrams import DIAGRAMS_ZH_CN
from tests.api.browser_site import CHROMIUM
from tests.api.conftest import World, run
from tests.api.test_browser import browser, on_a_phone, serving

__all__ = ["browser"]

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no chromium at /usr/bin/chromium")

IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
NO_OVERFLOW = "document.documentElement.scrollWidth <= window.innerWidth"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_the_program_diagrams_on_a_phone(world: World, browser: Browser, lang: str) -> None:
    await run(world, "e2e-diagrams", "evaluating", title="Ladder safety")
    web = await serving(world)
    try:
        li = await on_a_phone(browser, web.url, "spec.li")
        if lang != "en":
            await li.get_by_role("link", name="简体中文").click()
        await li.goto("/programs/e2e-diagrams")
        route = li.get_by_test_id("approval-route")
        await expect(route.get_by_test_id("route-step")).not_to_have_count(0)
        for step in await route.get_by_test_id("route-step").all():
            await expect(step).to_have_attribute("data-state", "done")
        chart = li.get_by_test_id("lifecycle-chart")
        await expect(chart.locator('[data-key="session"]')).to_have_attribute(
            "data-state", "ontime"
        )
        await expect(chart.locator('[data-key="evaluated"]')).to_have_attribute(
            "data-state", "planned"
        )
        assert await li.evaluate(NO_OVERFLOW), "the program page is wider than the phone"
        text = await li.locator("main").inner_text()
        shown = ("Approval route", "Lifecycle: planned and actual")
        if lang == "en":
            assert all(label in text for label in shown)
        else:
            assert all(DIAGRAMS_ZH_CN[label] in text for label in shown)
            assert not any(label in text for label in shown), "an English label on a zh-CN page"
        await li.goto("/kpi")
        assert await li.evaluate(NO_OVERFLOW), "the KPI dashboard is wider than the phone"
        cut = await li.evaluate(
            "[...document.querySelectorAll('main table')]"
            ".filter(t => t.scrollWidth > t.parentElement.clientWidth + 1).length"
        )
        assert cut == 0, "a KPI table is wider than the phone (cut or scrolled sideways)"
        if os.environ.get("TRAINOPS_DOC_SCREENSHOTS"):
            IMAGES.mkdir(parents=True, exist_ok=True)
            await li.goto("/programs/e2e-diagrams")
            await chart.screenshot(path=str(IMAGES / f"lifecycle-{lang}.png"))
            await route.screenshot(path=str(IMAGES / f"approval-route-{lang}.png"))
            await li.goto("/kpi")
            await li.screenshot(path=str(IMAGES / f"kpi-phone-{lang}.png"), full_page=True)
    finally:
        await web.stop()
