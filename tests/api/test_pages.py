"""The web pages through a cookie session: sign-in, CSRF, roles, both languages, the flows."""

from __future__ import annotations

import re
from datetime import datetime

import pytest
import structlog

from services.errors import TemporalTimeout
from tests.api.conftest import (
    PASSWORD,
    World,
    attendance_refused,
    csrf_of,
    emp_1_attended,
    plan_body,
    post_form,
    run,
    session_started,
)


async def test_sign_in_sets_a_safe_session_cookie_and_sign_out_ends_it(world: World) -> None:
    async with world.client() as client:
        page = await client.get("/login")
        assert page.status_code == 200
        token = csrf_of(page.text)
        wrong = await client.post(
            "/login", data={"username": "spec.li", "password": "nope", "csrf_token": token}
        )
        assert wrong.status_code == 303 and "failed=true" in wrong.headers["location"]
        forged = await client.post("/login", data={"username": "spec.li", "password": PASSWORD})
        assert forged.status_code == 403
        done = await client.post(
            "/login",
            data={"username": "spec.li", "password": PASSWORD, "csrf_token": token, "next": "/kpi"},
        )
        assert done.status_code == 303 and done.headers["location"] == "/kpi"
        cookie = next(
            v for k, v in done.headers.multi_items() if k == "set-cookie" and "session" in v
        )
        assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
        assert PASSWORD not in cookie
        home = await client.get("/programs")
        assert home.status_code == 200 and "spec.li" in home.text
        assert home.headers["content-security-policy"].startswith("default-src 'self'")
        assert home.headers["x-request-id"]

        # A form without the session's CSRF token is refused; with it, it works.
        no_csrf = await client.post("/logout")
        assert no_csrf.status_code == 403
        out = await post_form(client, "/logout", home.text)
        assert out.status_code == 303
        again = await client.get("/programs")
        assert again.status_code == 303 and again.headers["location"].startswith("/login")


async def test_secure_cookies_by_default(world: World) -> None:
    world.settings.api_cookie_secure = True
    async with world.client() as client:
        page = await client.get("/login")
        assert "secure" in page.headers["set-cookie"].lower()


async def test_no_open_redirects(world: World) -> None:
    async with world.client() as client:
        for target in ("//evil.example/", "https://evil.example/", "/\\evil"):
            response = await client.get("/lang/en", params={"next": target})
            assert response.headers["location"] == "/"


async def test_pages_in_chinese_and_english(world: World) -> None:
    async with world.browser("mgr.wang") as browser:
        english = await browser.get("/inbox")
        assert "No open tasks." in english.text and 'lang="en"' in english.text
        switched = await browser.get("/lang/zh-CN", params={"next": "/inbox"})
        assert switched.headers["location"] == "/inbox"
        chinese = await browser.get("/inbox")
        assert 'lang="zh-CN"' in chinese.text and "没有待处理的审批任务" in chinese.text
        assert "待审批" in chinese.text


async def test_plan_submit_and_approve_in_the_pages(world: World) -> None:
    h = world.h
    plan = await plan_body(h, "web-1")
    starts = datetime.fromisoformat(plan["sessions"][0]["starts_at"])
    async with world.browser("spec.li") as li, world.browser("mgr.wang") as wang:
        form = await li.get("/programs/new")
        created = await post_form(
            li,
            "/programs/new",
            form.text,
            program_id="web-1",
            title="Fire drills",
            planned_date=plan["planned_date"],
            timezone=plan["timezone"],
            approvers="mgr.wang",
            trainees="emp.1\nemp.2",
            session_id_1="s1",
            starts_at_1=starts.strftime("%Y-%m-%dT%H:%M"),
            hours_1="3",
        )
        assert created.status_code == 303, created.text
        page = await li.get("/programs/web-1")
        assert "Fire drills" in page.text and "draft" in page.text
        submitted = await post_form(li, "/programs/web-1/submit", page.text)
        assert submitted.status_code == 303

        inbox = await wang.get("/inbox")
        assert "Fire drills" in inbox.text
        task_id = next(t["task_id"] for t in world.inbox("mgr.wang"))
        task = await wang.get(f"/tasks/{task_id}")
        assert task.status_code == 200 and "emp.1" in task.text
        # Requesting changes needs a reason: a clear error, nothing recorded.
        before = world.head()
        no_reason = await post_form(
            wang, f"/tasks/{task_id}", task.text, decision="request_changes", comment=""
        )
        assert no_reason.status_code == 422 and "reason" in no_reason.text
        assert world.head() == before
        approved = await post_form(
            wang, f"/tasks/{task_id}", task.text, decision="approve", comment="ok"
        )
        assert approved.status_code == 303, approved.text
        assert "No open tasks." in (await wang.get("/inbox")).text

        kpi = await li.get("/kpi")
        # Approved, due in 20 days, not yet held: on track, so no rate is lowered by it.
        assert "(0/0)" in kpi.text and "(0/1)" not in kpi.text and "<svg" in kpi.text

        # Someone else's program page is refused with a reason.
        async with world.browser("spec.zhao") as zhao:
            other = await zhao.get("/programs/web-1")
            assert other.status_code == 403 and "may not see" in other.text


async def test_attendance_from_the_program_page(world: World) -> None:
    plan = await run(world, "web-att", "published")
    async with world.browser("spec.li") as li:
        page = await li.get("/programs/web-att")
        # Not started on the programs' clock: no form, the time it opens instead; a form
        # posted anyway is refused and records nothing.
        assert 'name="attendees"' not in page.text
        assert (
            'data-testid="not-started-s1"' in page.text and "once the session starts" in page.text
        )
        before = world.head()
        await attendance_refused(li, "web-att", page.text, "before it has started")
        assert world.head() == before
        await session_started(world, plan)
        page = await li.get("/programs/web-att")
        assert 'name="attendees" value="emp.1"' in page.text and "not-started-s1" not in page.text
        recorded = await emp_1_attended(li, "web-att", page.text)
        assert recorded.status_code == 303, recorded.text
        page = await li.get("/programs/web-att")
        assert "executing" in page.text and "complete-session" in page.text
        # The history reads in the reader's language, from the events' message keys.
        await li.get("/lang/zh-CN", params={"next": "/"})
        chinese = (await li.get("/programs/web-att")).text
        visible = re.sub(r"<[^>]*>", " ", chinese)  # the text, not attribute values
        assert "课次 s1 出勤:1/" in visible and "已发布" in visible and "published" not in visible
        await li.get("/lang/en", params={"next": "/"})
        strangers = await post_form(li, "/programs/web-att/enroll", page.text, trainee="")
        assert strangers.status_code == 422


async def test_attendance_is_confirmed_when_empty_and_added_to_in_every_path(
    world: World,
) -> None:
    """An empty form asks first; a recorded session's attendance is added to (web, API),
    the way a file adds to it, and someone recorded already is refused by name."""
    plan = await run(world, "web-add", "published")
    await session_started(world, plan)
    async with world.browser("spec.li") as li, world.client("spec.li") as api:
        page = await li.get("/programs/web-add")
        before = world.head()
        empty = await post_form(li, "/programs/web-add/attendance", page.text, session_id="s1")
        assert empty.status_code == 422 and "Nobody attended" in empty.text
        both = await post_form(
            li,
            "/programs/web-add/attendance",
            page.text,
            session_id="s1",
            attendees="emp.1",
            nobody="on",
        )  # issue 16: "Nobody attended" beside a name was recorded
        assert both.status_code == 422 and "untick one" in both.text
        assert world.head() == before
        recorded = await emp_1_attended(li, "web-add", page.text)
        assert recorded.status_code == 303, recorded.text
        page = await li.get("/programs/web-add")
        assert "Add attendees" in page.text and 'name="attendees" value="emp.2"' in page.text
        again = await api.post(
            "/api/v1/programs/web-add/attendance",
            json={"session_id": "s1", "attendees": ["emp.1"]},
        )
        assert again.status_code == 403 and "already recorded as attending" in again.text
        nothing = await api.post(
            "/api/v1/programs/web-add/attendance", json={"session_id": "s1", "attendees": []}
        )
        assert nothing.status_code == 422 and "name the people to add" in nothing.text
        added = await post_form(
            li, "/programs/web-add/attendance", page.text, session_id="s1", attendees="emp.2"
        )
        assert added.status_code == 303, added.text
        state = (await api.get("/api/v1/programs/web-add")).json()["state"]
        assert sorted(state["attendance"]["s1"]) == ["emp.1", "emp.2"]
        nobody = await post_form(
            li, "/programs/web-add/attendance", page.text, session_id="s1", nobody="on"
        )
        assert nobody.status_code == 422  # recorded already: there is no one to add


async def test_auditor_sees_timeline_raw_events_and_verification(world: World) -> None:
    h = world.h
    async with world.client("spec.li") as li:
        await li.post("/api/v1/programs", json=await plan_body(h, "web-aud"))
    async with world.browser("aud.sun") as sun:
        audit = await sun.get("/audit")
        assert "Log intact" in audit.text and "web-aud" in audit.text
        page = await sun.get("/programs/web-aud")
        assert 'data-testid="raw-events"' in page.text and "ProgramPlanned" in page.text
        # hashes whole, as text (a tooltip is out of reach on a phone), never cut with "…"
        head = h.db.store.head()[1]
        assert f'<code class="hash">{head}</code>' in audit.text
        shown = re.findall(r'<code class="hash">([^<]*)</code>', page.text)
        assert shown and all(re.fullmatch("[0-9a-f]{64}", x) for x in shown), shown
        assert "…</code>" not in page.text + audit.text
        assert "act-submit" not in page.text  # auditors get no action buttons
        refused = await post_form(sun, "/programs/web-aud/submit", page.text)
        assert refused.status_code == 403


async def test_admin_creates_users_in_the_pages(world: World) -> None:
    async with world.browser("adm.qian") as admin:
        page = await admin.get("/admin/users")
        made = await post_form(
            admin,
            "/admin/users",
            page.text,
            username="spec.new",
            password="another long password",
            roles=["specialist", "trainee"],
        )
        assert made.status_code == 303
        user = world.users.get("spec.new")
        assert user is not None and user.roles == {"specialist", "trainee"}
        weak = await post_form(admin, "/admin/users", page.text, username="x", password="short")
        assert weak.status_code == 422 and "at least" in weak.text
        roleless = await post_form(
            admin, "/admin/users", page.text, username="no.roles", password="a long password"
        )
        assert roleless.status_code == 422 and "at least one role" in roleless.text
        assert world.users.get("no.roles") is None
    async with world.client("adm.qian") as api:
        refused = await api.post(
            "/api/v1/users",
            json={"username": "no.roles", "password": "a long password", "roles": []},
        )
        assert refused.status_code == 422 and "at least one role" in refused.json()["detail"]
        assert world.users.get("no.roles") is None
    async with world.browser("spec.li") as li:
        assert (await li.get("/admin/users")).status_code == 403


async def test_log_lines_carry_request_id_and_actor_never_secrets(world: World) -> None:
    token = world.tokens["spec.li"]
    with structlog.testing.capture_logs(
        processors=[structlog.contextvars.merge_contextvars]
    ) as logs:
        async with world.browser("spec.li") as li:
            await li.get("/programs")
        async with world.client("spec.li") as api:
            await api.get("/api/v1/me", headers={"X-Request-ID": "trace-1234567"})
            await api.post("/api/v1/programs/nope/cancel", json={"reason": "x"})
    requests = [line for line in logs if line["event"] == "request"]
    assert requests and all(line.get("request_id") for line in requests)
    assert {line["actor"] for line in requests if line["path"] == "/programs"} == {"spec.li"}
    assert any(line["request_id"] == "trace-1234567" for line in requests)
    text = repr(logs)
    assert PASSWORD not in text and token not in text


async def _temporal_does_not_confirm(*args: object, **kwargs: object) -> None:
    raise TemporalTimeout("error.temporal_timeout", what="the revision")


async def test_revise_a_program_sent_back_for_changes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = world.h
    async with world.client("spec.li") as api, world.client("mgr.wang") as wang:
        await api.post("/api/v1/programs", json=await plan_body(h, "web-rev"))
        await api.post("/api/v1/programs/web-rev/submit")
        sent_back = await wang.post(
            "/api/v1/programs/web-rev/request-changes", json={"reason": "add emp.3"}
        )
        assert sent_back.json()["status"] == "changes_requested"
    async with world.browser("spec.li") as li:
        form = await li.get("/programs/web-rev/edit")
        assert form.status_code == 200 and "Workplace safety" in form.text
        assert 'name="session_id_1"' in form.text and 'value="s1"' in form.text
        values = {
            "csrf_token": csrf_of(form.text),
            "title": "Workplace safety (v2)",
            "planned_date": (await plan_body(h, "x"))["planned_date"],
            "trainees": "emp.1 emp.2 emp.3",
            "session_id_1": "s1",
            "starts_at_1": next(
                line.split('value="')[1].split('"')[0]
                for line in form.text.splitlines()
                if 'name="starts_at_1"' in line
            ),
            "hours_1": "3",
            "comment": "added emp.3",
        }
        with monkeypatch.context() as slow:  # Temporal does not confirm in time
            slow.setattr("services.programs.act", _temporal_does_not_confirm)
            kept = await li.post("/programs/web-rev/edit", data=values)
        # the form, as filled in, with the reason on it (as every other form answers)
        assert kept.status_code == 504 and "Workplace safety (v2)" in kept.text, kept.text
        saved = await li.post("/programs/web-rev/edit", data=values)
        assert saved.status_code == 303, saved.text
        page = await li.get("/programs/web-rev")
        assert "Workplace safety (v2)" in page.text and "emp.3" in page.text
        assert 'data-testid="status">draft' in page.text
    async with world.browser("spec.zhao") as zhao:
        assert (await zhao.get("/programs/web-rev/edit")).status_code == 403


async def test_the_api_reference_renders_markdown_and_never_raw_html(world: World) -> None:
    async with world.client() as anyone:
        page = await anyone.get("/api/docs")
    assert page.status_code == 200
    text = page.text
    assert "``" not in text  # Markdown code spans are rendered, not shown as typed
    assert "<code>" in text
    assert "<script" not in text.lower().replace('<script src="/static', "")


async def test_the_plan_forms_other_fields_are_labelled_in_words(world: World) -> None:
    async with world.browser("spec.li") as li:
        english = await li.get("/programs/new")
        assert (
            "External instructor" in english.text and "> external_instructor<" not in english.text
        )
        await li.get("/lang/zh-CN", params={"next": "/programs/new"})
        chinese = (await li.get("/programs/new")).text
        for label in ("外部讲师", "预算", "部门", "地区"):
            assert label in chinese, label
        assert "External instructor" not in chinese and "Region" not in chinese


async def test_the_users_page_names_the_tasks_a_change_leaves_waiting(world: World) -> None:
    """As the API and the command line do: taking the approver role away (or the account) is
    allowed, but the page then names each task only they could decide, in the reader's language."""
    async with world.client("spec.li") as li:
        await li.post("/api/v1/programs", json=await plan_body(world.h, "left-web"))
        assert (await li.post("/api/v1/programs/left-web/submit")).status_code == 200
    [task] = world.inbox("mgr.wang")
    async with world.browser("adm.qian") as admin:
        page = await admin.get("/admin/users")
        changed = await post_form(admin, "/admin/users/mgr.wang", page.text, roles=["auditor"])
        assert changed.status_code == 303
        shown = await admin.get(changed.headers["location"])
        assert 'data-testid="left-tasks"' in shown.text
        assert f"task {task['task_id']} of program left-web was mgr.wang&#39;s" in shown.text
        assert f"trainops program reassign left-web --task {task['task_id']}" in shown.text
        other = await post_form(admin, "/admin/users/mgr.chen", page.text, roles=["approver"])
        assert "left-tasks" not in (await admin.get(other.headers["location"])).text
        await admin.get("/lang/zh-CN", params={"next": "/"})
        chinese = await admin.get(changed.headers["location"])
        assert f"项目 left-web 的任务 {task['task_id']} 原属 mgr.wang" in chinese.text
        assert "以下审批任务现在无人处理" in chinese.text


async def test_admin_forms_say_what_is_wrong_in_words(world: World) -> None:
    """A tampered version field or an expiry not offered: a sentence in the reader's language,
    never Python's "invalid literal for int()"."""
    async with world.browser("adm.qian") as admin:
        page = await admin.get("/admin/config")
        tampered = await post_form(
            admin, "/admin/config", page.text, document="x: 1", expected_version="abc"
        )
        assert tampered.status_code == 422
        assert "invalid literal" not in tampered.text
        assert "expected_version: must be a whole number" in tampered.text
        account = await admin.get("/account")
        odd = await post_form(
            admin, "/account/tokens", account.text, label="ci", expires_in_days="7000"
        )
        assert odd.status_code == 422 and "choose an expiry of" in odd.text
        admin.cookies.set("trainops_lang", "zh-CN")
        account = await admin.get("/account")
        odd = await post_form(
            admin, "/account/tokens", account.text, label="ci", expires_in_days="7000"
        )
        assert odd.status_code == 422 and "请选择有效期" in odd.text


async def test_the_programs_period_stays_on_one_line(world: World) -> None:
    """A trial: the Period column wrapped as "2026-" / "Q4" on a desktop."""
    async with world.client("spec.li") as li:
        assert (
            await li.post("/api/v1/programs", json=await plan_body(world.h, "per-1"))
        ).is_success
    async with world.browser("spec.li") as li:
        listed = (await li.get("/programs")).text
    assert re.search(r'<td data-label="Period" class="nowrap">\d{4}-Q[1-4]</td>', listed), listed
