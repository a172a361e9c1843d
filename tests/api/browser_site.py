"""One site per test module for the browser checks of every screen: a worker on its own
time-skipping server, the API served by uvicorn as ``trainops up`` serves it, realistic data
made through the API, and one chromium. Helpers check what every screen owes its reader: a
status, no console error, nothing wider than a phone, and no English left on a zh-CN page."""

from __future__ import annotations

import os
import re
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from activities.config_versions import ConfigSource
from api.i18n import CATALOG
from api.server import RunningApi, start_api
from imports.reference import KINDS
from services.database import Database
from tests.api.conftest import PASSWORD, World, world_on
from tests.conftest import running_worker, time_skipping

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
IMAGES = Path(__file__).resolve().parents[2] / "docs" / "images"
LANGS = ["en", "zh-CN"]
WIDTHS = {"desktop": (1280, 900), "phone": (390, 844)}
NO_OVERFLOW = "document.scrollingElement.scrollWidth <= window.innerWidth"

#: Words a zh-CN page may show in Latin letters: names of things, not interface text.
TERMS = frozenset(
    {"trainops", "KPI", "API", "YAML", "SLA", "UTC", "UTF", "SHA", "CSV", "JSON", "OpenAPI"}
    | {"HTTP", "URL", "json", "openapi", "csv", "min", "ROI", "Phillips"}
) | {w for kind in KINDS for w in kind.split("-")}  # the kinds of files, as the API names them

#: The visible text of a page, one entry per text node, leaving out code, the editor's text,
#: and anything marked as being in another language than the page's (its language links).
VISIBLE_TEXT = """() => {
  const page = document.documentElement.lang;
  const out = [];
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walk.nextNode()) {
    const node = walk.currentNode, el = node.parentElement;
    const text = node.textContent.trim();
    if (!el || !text || el.closest('code, pre, textarea, script, style, .brand')) continue;
    const marked = el.closest('[lang]');
    if (marked && marked.lang !== page) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    out.push(text);
  }
  return out;
}"""


@dataclass
class Site:
    world: World
    web: RunningApi
    browser: Browser
    #: what the pages may show as their users wrote it (titles, names, comments, file names)
    user_text: set[str] = field(default_factory=set)
    facts: dict[str, str] = field(default_factory=dict)
    _states: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return self.web.url

    @asynccontextmanager
    async def page(self, username: str | None, lang: str, width: str) -> AsyncIterator[Page]:
        """A tab of ``username`` (None: signed out) whose browser asks for ``lang``."""
        state = await self.signed_in(username) if username else None
        w, h = WIDTHS[width]
        context: BrowserContext = await self.browser.new_context(
            base_url=self.url,
            locale="zh-CN" if lang == "zh-CN" else "en-US",
            viewport={"width": w, "height": h},
            storage_state=state,
        )
        context.set_default_timeout(10_000)
        try:
            yield await context.new_page()
        finally:
            await context.close()

    async def signed_in(self, username: str) -> Any:
        """``username``'s session cookies, signed in once through the sign-in form."""
        if username not in self._states:
            context = await self.browser.new_context(base_url=self.url)
            page = await context.new_page()
            await page.goto("/login")
            await page.locator("#username").fill(username)
            await page.locator("#password").fill(PASSWORD)
            await page.locator("main form button[type=submit]").click()
            await expect(page.get_by_test_id("whoami")).to_have_text(username)
            self._states[username] = await context.storage_state()
            await context.close()
        return self._states[username]


class Watch:
    """The console errors and uncaught exceptions of a tab."""

    def __init__(self, page: Page, expected_status: int) -> None:
        self.errors: list[str] = []
        self.expected_status = expected_status
        page.on("pageerror", lambda exc: self.errors.append(f"uncaught: {exc}"))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        own = f"status of {self.expected_status}" in message.text
        if not (own and self.expected_status >= 400):  # the error page's own status
            self.errors.append(message.text)


#: Short names in ``code`` (event types, ids) in at most three pieces: a column squeezed so
#: narrow that "ApprovalStepStarted" reads one letter a line is as unreadable as a cut one.
#: Words of at most 12 characters that a table cell or a code span breaks over lines, a column
#: squeezed narrower than its words: a name, a number, a time broken but at a hyphen ("spe" /
#: "c.li", "2" / "2"), Chinese one character a line ("评 / 估 / 中"; Chinese otherwise breaks
#: between characters, as it is typeset).
BROKEN_WORDS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('td, th, code')) {
    const box = (cell.closest('thead') || cell).getBoundingClientRect();
    if (cell.offsetParent === null || box.width <= 2) continue;  // hidden (a phone's headings)
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (const word of node.data.matchAll(/\\S+/g)) {
        if (word[0].length > 12) continue;
        const range = document.createRange();
        range.setStart(node, word.index);
        range.setEnd(node, word.index + word[0].length);
        const lines = new Set([...range.getClientRects()]
          .filter(r => r.width > 0).map(r => Math.round(r.top)));
        const text = word[0];
        const cjk = /[\\u3000-\\u9fff\\uff00-\\uffef]/.test(text);
        const bad = cjk ? lines.size > 1 && lines.size >= [...text].length  // a character a line
          : lines.size > 1 && !text.includes('-');  // a word, a number breaks at a hyphen only
        if (bad) broken.push(text);
      }
    }
  }
  return broken.slice(0, 8);
}"""


async def open_screen(
    page: Page, path: str, *, status: int = 200, lang: str, user_text: Iterable[str]
) -> Watch:
    """Go to ``path`` and check what every screen owes: its status, no console error, nothing
    wider than the screen, and on zh-CN no English interface text."""
    watch = Watch(page, status)
    response = await page.goto(path)
    assert response is not None and response.status == status, (path, response and response.status)
    await page.wait_for_load_state("load")
    assert await page.evaluate(NO_OVERFLOW), f"{path} is wider than the screen: {await wide(page)}"
    broken = await page.evaluate(BROKEN_WORDS)
    assert not broken, f"{path}: short names broken over lines (one letter a line?): {broken}"
    assert await page.evaluate("document.documentElement.lang") == lang
    if lang == "zh-CN":
        untranslated = english_left(await page.evaluate(VISIBLE_TEXT), user_text)
        assert not untranslated, f"{path}: English on the zh-CN page: {untranslated}"
    assert not watch.errors, f"{path}: console errors {watch.errors}"
    return watch


async def wide(page: Page) -> list[str]:
    """The innermost elements that reach past the right edge of the screen."""
    found: list[str] = await page.evaluate(
        """() => {
          const past = e => e.getBoundingClientRect().right > window.innerWidth + 1;
          return [...document.querySelectorAll('body *')]
            .filter(e => past(e) && ![...e.children].some(past))
            .slice(0, 8)
            .map(e => `${e.tagName}.${e.className} ${(e.textContent || '').trim().slice(0, 60)}`);
        }"""
    )
    return found


def english_left(texts: Iterable[str], user_text: Iterable[str]) -> list[str]:
    """The text nodes that still read English once user data and names of things are taken
    out; each with the catalog's English it matches, when it does."""
    data = sorted((u for u in user_text if u), key=len, reverse=True)
    english = {k for k, v in CATALOG["zh-CN"].items() if k != v}
    left = []
    for text in texts:
        rest = text
        for item in data:
            rest = rest.replace(item, " ")
        words = [
            w for w in re.findall(r"(?<![\w-])[A-Za-z][A-Za-z'-]+(?![\w])", rest) if w not in TERMS
        ]
        if words:
            left.append(f"{text!r}" + (" (in the catalog)" if text in english else ""))
    return left


async def screenshot(page: Page, screen: str, lang: str, width: str) -> None:
    """With ``TRAINOPS_DOC_SCREENSHOTS=1``: the screen as the docs show it (the visible part)."""
    if os.environ.get("TRAINOPS_DOC_SCREENSHOTS"):
        IMAGES.mkdir(parents=True, exist_ok=True)
        await page.screenshot(path=str(IMAGES / f"{screen}-{lang}-{width}.png"))


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    if not CHROMIUM.exists():
        pytest.skip("no chromium at /usr/bin/chromium")
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=ARGS
        )
        try:
            yield launched
        finally:
            await launched.close()


@asynccontextmanager
async def serving(db: Database, keys: Path, browser: Browser) -> AsyncIterator[Site]:
    """The worker, the projector and the API over ``db``, its keys kept in ``keys``."""
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TRAINOPS_SIGNING_KEY_FILE", str(keys / "signing-key.pem"))
        env.setenv("TRAINOPS_SEAL_KEY_FILE", str(keys / "seal-key.pem"))
        env.setenv("TRAINOPS_WITNESS_DIR", str(keys / "witness"))
        async with (
            time_skipping() as temporal,
            running_worker(temporal, db, ConfigSource(db.store, None)) as harness,
            world_on(harness) as world,
        ):
            settings = world.settings.model_copy(update={"api_port": 0})
            web = await start_api(settings, db, world.programs)
            try:
                yield Site(world, web, browser)
            finally:
                await web.stop()
