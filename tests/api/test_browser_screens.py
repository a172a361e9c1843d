"""Every screen in a real browser, in English and in Chinese, on a phone and on a desktop, each
reached as its user reaches it, over data made through the API: it answers, logs no console
error, is never wider than a phone, shows no English on a zh-CN page, and its main action
works. One chromium and one served site per backend for the whole module.

``TRAINOPS_DOC_SCREENSHOTS=1`` writes ``docs/images/<screen>-<lang>-<phone|desktop>.png``."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import pytest_asyncio
from playwright.async_api import Browser, FilePayload, Page, expect

from activities.admin_config import AdminConfig, default_document
from api.translator import Translator
from domain.reference import ProgramResourcesAssigned
from services.database import Database
from tests.api.browser_site import LANGS, Site, chromium, open_screen, screenshot, serving
from tests.api.conftest import PEOPLE, plan_body, run
from tests.api.test_trainee_pages import COURSE
from tests.conftest import BACKENDS, backend_database, record_reference
from tests.plans import plan_json

TITLES = {
    "eval": "Forklift safety",
    "pending": "Ladder safety",
    "draft": "Fire drill",
    "published": "Crane safety",
}
EMPLOYEES = "employee_id,department\n" + "".join(f"e{k},Logistics\n" for k in range(5))


@pytest_asyncio.fixture(scope="module")
async def screens_browser() -> AsyncIterator[Browser]:
    async with chromium() as browser:
        yield browser


@pytest.fixture(scope="module", params=BACKENDS)
def screens_db(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Database]:
    with backend_database(request.param, tmp_path_factory.mktemp("screens")) as db:
        yield db


@pytest_asyncio.fixture(scope="module")
async def site(
    screens_db: Database, screens_browser: Browser, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Site]:
    async with serving(screens_db, tmp_path_factory.mktemp("keys"), screens_browser) as site:
        await make_data(site)
        yield site


async def make_data(site: Site) -> None:
    """Per language, as its users would: a program in evaluation (its trainee answers the
    survey and the exam), one waiting for mgr.wang's approval, a draft; and a data load."""
    world = site.world
    record_reference(world.h.db.store, COURSE)
    for lang in LANGS:
        program = f"scr-eval-{lang}"
        record_reference(
            world.h.db.store,
            ProgramResourcesAssigned(program_id=program, course_id=COURSE.course_id),
        )
        # a long evaluation window: the next language's program skips the clock 20 days on
        await run(
            world,
            program,
            "evaluating",
            title=f"{TITLES['eval']} {lang}",
            evaluation_window_days=90,
        )
        for kind in ("pending", "draft"):
            body = await plan_body(world.h, f"scr-{kind}-{lang}", title=f"{TITLES[kind]} {lang}")
            async with world.client("spec.li") as li:
                assert (await li.post("/api/v1/programs", json=body)).status_code == 201
                if kind == "pending":
                    done = await li.post(f"/api/v1/programs/scr-{kind}-{lang}/submit", json={})
                    assert done.status_code == 200 and done.json()["projected"], done.text
    for task in world.inbox("mgr.wang"):
        site.facts[f"task-{task['program_id']}"] = task["task_id"]
    for lang in LANGS:  # published, its session far off: its reminders are all to come
        await published_far_off(site, f"scr-pub-{lang}", f"{TITLES['published']} {lang}")
    async with world.client("adm.qian") as admin:
        queued = await admin.post(
            "/api/v1/data/employees", files={"file": ("staff.csv", EMPLOYEES, "text/csv")}
        )
        assert queued.status_code in (200, 202), queued.text
        site.facts["job"] = queued.json()["job_id"]
    site.user_text |= {f"{t} {lang}" for t in TITLES.values() for lang in LANGS}
    kinds = ("eval", "pending", "draft", "pub")
    site.user_text |= {f"scr-{k}-{lang}" for k in kinds for lang in LANGS}
    site.user_text |= set(PEOPLE) | {
        "emp.2",
        "staff.csv",
        "scr-none",
        COURSE.title,
        COURSE.course_id,
    }
    site.user_text |= {q.text for q in COURSE.questions} | set(COURSE.knowledge_points)
    site.user_text |= {"Asia/Shanghai", "test"}  # the zone of the plans; the tokens' label
    for lang in LANGS:  # what the main actions write
        site.user_text |= {f"Night shift safety {lang}", f"scr-new-{lang}", f"new.{lang.lower()}"}
        site.user_text |= {f"laptop {lang}", f"a simpler policy ({lang})", f"policy-{lang}"}
    # the built-in approval policy's step, as configuration names it
    default_step = AdminConfig().approval.steps[0]
    site.user_text |= {default_step.id}  # the built-in step's name is translated; its id is data
    site.user_text |= {c for q in COURSE.questions for c in q.choices}


async def published_far_off(site: Site, program_id: str, title: str) -> None:
    """A program published through the API, its one session 300 days off (no clock the
    module skips reaches its reminders)."""
    world = site.world
    now = await world.h.env.get_current_time()
    start = datetime.combine(
        (now + timedelta(days=300)).date(), datetime.min.time(), ZoneInfo("Asia/Shanghai")
    ).replace(hour=10)
    async with world.client("spec.li") as li:
        planned = await li.post("/api/v1/programs", json=plan_json(program_id, start, title=title))
        assert planned.status_code == 201, planned.text
    for who, segment in (("spec.li", "submit"), ("mgr.wang", "approve"), ("spec.li", "publish")):
        async with world.client(who) as client:
            done = await client.post(f"/api/v1/programs/{program_id}/{segment}", json={})
            assert done.status_code == 200 and done.json()["projected"], done.text


# ------------------------------------------------------------------ the screens


@dataclass(frozen=True)
class Screen:
    name: str
    user: str | None
    path: Callable[[Site, str], str]
    act: Callable[[Page, Site, str], Awaitable[None]] | None = None
    status: int = 200


def t(lang: str) -> Translator:
    return Translator(lang)


async def sign_in(page: Page, site: Site, lang: str) -> None:
    await page.locator("#username").fill("spec.li")
    await page.locator("#password").fill("correct horse battery staple")
    await page.locator("main form button[type=submit]").click()
    await expect(page.get_by_test_id("whoami")).to_have_text("spec.li")


async def open_task(page: Page, site: Site, lang: str) -> None:
    await page.get_by_role("link", name=f"{TITLES['pending']} {lang}").click()
    await expect(page).to_have_url(f"{site.url}/tasks/{site.facts[f'task-scr-pending-{lang}']}")


async def approve(page: Page, site: Site, lang: str) -> None:
    await page.locator("#comment").fill("Budget is fine")
    await page.get_by_test_id("approve").click()
    await expect(page).to_have_url(f"{site.url}/inbox")
    async with site.world.client("spec.li") as li:
        shown = await li.get(f"/api/v1/programs/scr-pending-{lang}")
    assert shown.json()["program"]["status"] == "approved"


async def submit(page: Page, site: Site, lang: str) -> None:
    await page.get_by_test_id("act-submit").click()
    await expect(page.get_by_test_id("status")).to_have_text(t(lang)("submitted"))


async def open_program(page: Page, site: Site, lang: str) -> None:
    await page.get_by_role("link", name=f"{TITLES['eval']} {lang}").first.click()
    await expect(page).to_have_url(f"{site.url}/programs/scr-eval-{lang}")


async def whole_hashes(page: Page, site: Site, lang: str) -> None:
    """The raw events' hashes whole on a phone, wrapped within the screen."""
    hashes = page.get_by_test_id("raw-events").locator("code.hash")
    await expect(hashes.first).to_have_text(re.compile("^[0-9a-f]{64}$"))
    box = await hashes.first.bounding_box()
    assert box is not None and box["x"] + box["width"] <= 390


async def reminders_as_cards(page: Page, site: Site, lang: str) -> None:
    """On a phone the upcoming reminders are one labelled card each, like the other tables:
    every cell within the screen, none behind a sideways scroll."""
    table = page.get_by_test_id("upcoming-reminders")
    await expect(table.locator("tbody tr")).to_have_count(2)  # prepare materials, attend
    cells = await table.locator("td").evaluate_all(
        "cells => cells.map(c => [c.getBoundingClientRect().right,"
        " getComputedStyle(c, '::before').content])"
    )
    assert all(right <= 390 for right, _ in cells), cells
    sends_at = t(lang)("Sends at")
    assert any(sends_at in label for _, label in cells), cells


async def create_program(page: Page, site: Site, lang: str) -> None:
    plan = await plan_body(site.world.h, f"scr-new-{lang}")
    starts = datetime.fromisoformat(plan["sessions"][0]["starts_at"])
    form = {  # by the fields' ids: their labels are in the page's language
        "program_id": f"scr-new-{lang}",
        "title": f"Night shift safety {lang}",
        "planned_date": plan["planned_date"],
        "timezone": plan["timezone"],
        "approvers": "mgr.wang",
        "trainees": "emp.1",
        "session_id_1": "s1",
        "starts_at_1": starts.strftime("%Y-%m-%dT%H:%M"),
    }
    for field_id, value in form.items():
        await page.locator(f"#{field_id}").fill(value)
    await page.get_by_test_id("create").click()
    await expect(page.get_by_test_id("status")).to_have_text(t(lang)("draft"))


async def follow_a_bar(page: Page, site: Site, lang: str) -> None:
    bar = page.get_by_test_id("bar-link").first
    await bar.click()
    await expect(page.get_by_test_id("behind")).to_be_visible()


async def log_intact(page: Page, site: Site, lang: str) -> None:
    await expect(page.get_by_test_id("verify")).to_contain_text(t(lang)("Log intact"))


async def create_user(page: Page, site: Site, lang: str) -> None:
    name = f"new.{lang.lower()}"
    await page.locator("#new-username").fill(name)
    await page.locator("#new-password").fill("a long enough password")
    await page.locator('input[name="roles"][value="trainee"]').first.check()
    await page.get_by_test_id("create-user").click()
    await expect(page.locator("main")).to_contain_text(name)
    assert site.world.users.get(name) is not None


async def new_token(page: Page, site: Site, lang: str) -> None:
    await page.locator("#label").fill(f"laptop {lang}")
    await page.locator("main form").first.locator("button[type=submit]").click()
    await expect(page.get_by_test_id("new-token")).to_be_visible()


async def open_training(page: Page, site: Site, lang: str) -> None:
    await page.get_by_role("link", name=f"{TITLES['eval']} {lang}").click()
    await expect(page).to_have_url(f"{site.url}/my/trainings/scr-eval-{lang}")


async def open_survey(page: Page, site: Site, lang: str) -> None:
    await page.locator(f'a[href="/my/trainings/scr-eval-{lang}/survey"]').first.click()
    await expect(page.get_by_test_id("survey-form")).to_be_visible()


async def answer_survey(page: Page, site: Site, lang: str) -> None:
    await page.locator("#s-overall").fill("90")
    await page.get_by_test_id("send-survey").click()
    await expect(page.get_by_test_id("saved")).to_be_visible()


async def sit_exam(page: Page, site: Site, lang: str) -> None:
    await page.get_by_label("Lower the forks").check()
    await page.locator("#a-q2").fill("Dial 120 at once")
    await page.get_by_test_id("send-exam").click()
    await expect(page.get_by_test_id("saved")).to_be_visible()
    await expect(page.get_by_test_id("exam-score")).to_have_text("100")


async def upload(page: Page, site: Site, lang: str) -> None:
    await page.locator("#kind").select_option("employees")
    await page.locator("#file").set_input_files(
        files=FilePayload(name="staff.csv", mimeType="text/csv", buffer=EMPLOYEES.encode())
    )
    await page.get_by_test_id("data-form").locator("button[type=submit]").click()
    await expect(page.get_by_test_id("job-status")).to_be_visible()


async def job_report(page: Page, site: Site, lang: str) -> None:
    await expect(page.get_by_test_id("job-report")).to_be_visible()


async def edit_configuration(page: Page, site: Site, lang: str) -> None:
    """Checked as typed (the server's own validation, with the line), then the change as a
    diff to confirm before it is saved."""
    editor = page.locator("#document")
    check = page.get_by_test_id("config-check")
    async with site.world.client("adm.qian") as admin:
        in_force = (await admin.get("/api/v1/config")).json()["document"] or default_document()
    await expect(editor).to_have_value(in_force)  # it opens on the YAML in force
    await editor.fill("approval:\n  name: q3-policy\n  steps: nope\n")
    await expect(check).to_have_attribute("data-state", "invalid")
    # the line said once, in the message's own words (a trial: "行 2: 配置,第 2 行…")
    line = "line 3 (approval.steps)" if lang == "en" else "第 3 行(approval.steps)"
    await expect(check).to_contain_text(line)
    said = await check.inner_text()
    assert said.count("3") == 1 and not said.startswith(("line", "行")), said
    await expect(editor).to_have_attribute("aria-invalid", "true")
    await editor.fill(f"approval:\n  name: policy-{lang}\n")
    await expect(check).to_have_attribute("data-state", "valid")
    await expect(check).to_have_text(t(lang)("No problems: this version can be saved."))
    await page.locator("#comment").fill(f"a simpler policy ({lang})")
    await page.get_by_test_id("config-form").locator("button[type=submit]").click()
    diff = page.get_by_test_id("config-diff")
    await expect(diff).to_contain_text(f"+  name: policy-{lang}")
    await expect(diff.locator(".diff-del")).not_to_have_count(0)
    # one line a diff line: no empty line after each (the spans' heights fill the box)
    gap = await diff.evaluate(
        """e => { const style = getComputedStyle(e);
          const lines = [...e.querySelectorAll('span')]
            .reduce((sum, s) => sum + s.getBoundingClientRect().height, 0);
          return e.scrollHeight - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom)
            - lines; }"""
    )
    assert abs(gap) < 2, f"the diff has {gap}px of empty lines"
    assert await page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth")
    before = site.world.h.db.store.stream_version("configuration")
    await page.get_by_test_id("config-confirm-save").click()
    await expect(page.get_by_test_id("config-saved")).to_be_visible()
    await expect(page.locator("#document")).to_have_value(f"approval:\n  name: policy-{lang}\n")
    assert site.world.h.db.store.stream_version("configuration") == before + 1


async def reference_rendered(page: Page, site: Site, lang: str) -> None:
    body = await page.locator("main").inner_text()
    assert "PUT" in body and "/api/v1/config" in body
    assert "```" not in body and "\n## " not in body, "raw Markdown on the API page"


async def says_not_found(page: Page, site: Site, lang: str) -> None:
    await expect(page.get_by_test_id("error")).to_contain_text("scr-none")


SCREENS = [
    Screen("login", None, lambda s, lang: "/login", sign_in),
    Screen("inbox", "mgr.wang", lambda s, lang: "/inbox", open_task),
    Screen(
        "task",
        "mgr.wang",
        lambda s, lang: f"/tasks/{s.facts[f'task-scr-pending-{lang}']}",
        approve,
    ),
    Screen("program", "spec.li", lambda s, lang: f"/programs/scr-draft-{lang}", submit),
    Screen("program-evaluating", "spec.li", lambda s, lang: f"/programs/scr-eval-{lang}"),
    Screen(
        "program-auditor", "aud.sun", lambda s, lang: f"/programs/scr-eval-{lang}", whole_hashes
    ),
    Screen(
        "program-published",
        "spec.li",
        lambda s, lang: f"/programs/scr-pub-{lang}",
        reminders_as_cards,
    ),
    Screen("programs", "spec.li", lambda s, lang: "/programs", open_program),
    Screen("program_new", "spec.li", lambda s, lang: "/programs/new", create_program),
    Screen("kpi", "spec.li", lambda s, lang: "/kpi", follow_a_bar),
    Screen("kpi-auditor", "aud.sun", lambda s, lang: "/kpi"),
    Screen("audit", "aud.sun", lambda s, lang: "/audit", log_intact),
    Screen("users", "adm.qian", lambda s, lang: "/admin/users", create_user),
    Screen("account", "spec.li", lambda s, lang: "/account", new_token),
    Screen("trainings", "emp.1", lambda s, lang: "/my/trainings", open_training),
    Screen("training", "emp.1", lambda s, lang: f"/my/trainings/scr-eval-{lang}", open_survey),
    Screen(
        "survey", "emp.1", lambda s, lang: f"/my/trainings/scr-eval-{lang}/survey", answer_survey
    ),
    Screen("exam", "emp.1", lambda s, lang: f"/my/trainings/scr-eval-{lang}/exam", sit_exam),
    Screen("data", "adm.qian", lambda s, lang: "/admin/data", upload),
    Screen(
        "data_job", "adm.qian", lambda s, lang: f"/admin/data/jobs/{s.facts['job']}", job_report
    ),
    Screen("config", "adm.qian", lambda s, lang: "/admin/config", edit_configuration),
    Screen("config-auditor", "aud.sun", lambda s, lang: "/admin/config"),
    Screen("api_docs", "spec.li", lambda s, lang: "/api/docs", reference_rendered),
    Screen("error", "spec.li", lambda s, lang: "/programs/scr-none", says_not_found, status=404),
]


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("screen", SCREENS, ids=lambda s: s.name)
async def test_the_screen(site: Site, screen: Screen, lang: str) -> None:
    path = screen.path(site, lang)
    for width in ("desktop", "phone"):
        async with site.page(screen.user, lang, width) as page:
            await open_screen(page, path, status=screen.status, lang=lang, user_text=site.user_text)
            if site.world.h.db.engine.url.get_backend_name() == "sqlite":
                await screenshot(page, screen.name, lang, width)
            if width == "phone" and screen.act is not None:  # the main action, on the phone
                await screen.act(page, site, lang)


async def test_the_configuration_editor_without_scripts(site: Site) -> None:
    """With JavaScript off nothing is checked as typed, and the save still validates on the
    server and asks to confirm the diff before anything is saved."""
    context = await site.browser.new_context(
        base_url=site.url, java_script_enabled=False, storage_state=await site.signed_in("adm.qian")
    )
    context.set_default_timeout(10_000)
    page = await context.new_page()
    try:
        await page.goto("/admin/config")
        document = await page.locator("#document").input_value()
        await page.locator("#document").fill(document + "  steps: nope\n")
        await page.get_by_test_id("config-form").locator("button[type=submit]").click()
        await expect(page.get_by_test_id("config-error")).to_contain_text("line")
        await expect(page.get_by_test_id("config-check")).to_be_empty()  # no script ran
        await page.locator("#document").fill(document.replace("name:", "name: no-js-"))
        await page.get_by_test_id("config-form").locator("button[type=submit]").click()
        await expect(page.get_by_test_id("config-diff")).to_contain_text("+  name: no-js-")
        before = site.world.h.db.store.stream_version("configuration")
        await page.get_by_test_id("config-back").click()
        await expect(page.locator("#document")).to_have_value(re.compile("no-js-"))
        await page.get_by_test_id("config-form").locator("button[type=submit]").click()
        await page.get_by_test_id("config-confirm-save").click()
        await expect(page.get_by_test_id("config-saved")).to_be_visible()
        assert site.world.h.db.store.stream_version("configuration") == before + 1
    finally:
        await context.close()


async def test_a_long_unbroken_title_fits_a_phone(site: Site) -> None:
    """Issue 16: a 200-character title without a space overflowed My programs and the
    program's heading at 390 px, then (another trial) the approver's inbox, the trainee's
    trainings and the exam's way back; it wraps anywhere instead, on every screen showing it.
    The last test of the module: its programs appear on the screens above otherwise."""
    world = site.world
    title = "Arbeitssicherheitsunterweisungsnachweisfortschreibung" * 3 + "X" * 41  # 200
    body = await plan_body(world.h, "scr-long-title", title=title)
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
    pending = await plan_body(world.h, "scr-long-pending", title=title)
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs", json=pending)).status_code == 201
        assert (await li.post("/api/v1/programs/scr-long-pending/submit", json={})).is_success
    async with world.client("mgr.wang") as wang:
        tasks = (await wang.get("/api/v1/inbox")).json()
    (task,) = [t["task_id"] for t in tasks if t["program_id"] == "scr-long-pending"]
    record_reference(
        world.h.db.store,
        ProgramResourcesAssigned(program_id="scr-long-eval", course_id=COURSE.course_id),
    )
    await run(world, "scr-long-eval", "evaluating", title=title, evaluation_window_days=90)
    screens = [
        ("spec.li", "/programs"),
        ("spec.li", "/programs/scr-long-title"),
        ("mgr.wang", "/inbox"),
        ("mgr.wang", f"/tasks/{task}"),
        ("emp.1", "/my/trainings"),
        ("emp.1", "/my/trainings/scr-long-eval"),
        ("emp.1", "/my/trainings/scr-long-eval/survey"),
        ("emp.1", "/my/trainings/scr-long-eval/exam"),
    ]
    ids = {"scr-long-title", "scr-long-pending", "scr-long-eval"}
    for lang in LANGS:
        for person, path in screens:
            async with site.page(person, lang, "phone") as page:
                await open_screen(page, path, lang=lang, user_text=site.user_text | {title} | ids)
