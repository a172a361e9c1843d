"""A page's refusal is said in the reader's language (issue 16: a task's 404, the expired
sign-in form, an unknown page action and a four-eyes refusal naming the delegate stayed
English on Chinese pages)."""

from __future__ import annotations

from datetime import datetime
from html import unescape

from api.refusal_texts import in_chinese
from domain.notices import subject_in
from tests.api.conftest import World, csrf_of, plan_body

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


async def test_page_refusals_are_said_in_chinese(world: World) -> None:
    async with world.browser("mgr.wang") as page:
        task = await page.get("/tasks/nope", headers=ZH)
        assert task.status_code == 404
        assert "任务 'nope' 不在你的待办中" in unescape(task.text), task.text
        english = await page.get("/tasks/nope", headers={"Accept-Language": "en"})
        assert "task 'nope' is not open in your inbox" in unescape(english.text)
        token = csrf_of((await page.get("/programs")).text)
        action = await page.post("/programs/p1/nope", data={"csrf_token": token}, headers=ZH)
        assert action.status_code == 404 and "没有操作 'nope'" in unescape(action.text), action.text
    async with world.client() as client:
        await client.get("/login")
        expired = await client.post(
            "/login",
            data={"username": "spec.li", "password": "x", "csrf_token": "forged"},
            headers=ZH,
        )
        assert expired.status_code == 403
        assert "登录表单已过期" in unescape(expired.text), expired.text


def test_a_four_eyes_subject_is_named_by_its_role_in_chinese() -> None:
    said = in_chinese({"subject": "the delegate 'liu'"})
    assert said["subject"] == "受托人 'liu'"
    assert in_chinese({"subject": "the new assignee 'ma'"})["subject"] == "新处理人 'ma'"
    assert in_chinese({"subject": "'ma'"})["subject"] == "'ma'"


async def test_a_notifications_subject_is_in_the_readers_language(world: World) -> None:
    """Issue 16: `trainops notifications` under zh-CN listed English subjects; the notice
    carries its Chinese subject, and the list says it in the reader's language."""
    import asyncio

    body = await plan_body(world.h, "notice-1")
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        assert (await li.post("/api/v1/programs/notice-1/submit")).status_code == 200
        for _ in range(100):  # the notice is sent by the workflow, just after the answer
            english = (await wang.get("/api/v1/notifications")).json()
            if english:
                break
            await asyncio.sleep(0.05)
        chinese = (await wang.get("/api/v1/notifications", headers=ZH)).json()
    assert english[0]["subject"] == "Waiting for you: approval of “Workplace safety”"
    # every instant with its zone (a trial: the outbox's times came without one on SQLite)
    assert datetime.fromisoformat(english[0]["created_at"]).utcoffset() is not None, english
    assert chinese[0]["subject"] == "待你审批:“Workplace safety”"
    assert subject_in("Plain", "no Chinese here", "zh-CN") == "Plain"


async def test_what_was_typed_stays_in_the_form_after_a_refusal(world: World) -> None:
    """Issue 16: after a 422 the task page's delegate and comment fields, and the sign-in
    form's username, came back empty."""
    body = await plan_body(world.h, "typed-1")
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        assert (await li.post("/api/v1/programs/typed-1/submit")).status_code == 200
    (task,) = [t for t in world.inbox("mgr.wang") if t["program_id"] == "typed-1"]
    async with world.browser("mgr.wang") as page:
        token = csrf_of((await page.get(f"/tasks/{task['task_id']}")).text)
        form = {"csrf_token": token, "decision": "delegate", "to": "ghost", "comment": "4 < 5?"}
        refused = await page.post(f"/tasks/{task['task_id']}", data=form)
        assert refused.status_code == 422, refused.text
        assert 'value="ghost"' in refused.text and "4 &lt; 5?</textarea>" in refused.text
        assert "<details open>" in refused.text
        blank = {"csrf_token": token, "decision": "reject", "comment": "   "}
        again = await page.post(f"/tasks/{task['task_id']}", data=blank)
        assert again.status_code == 422 and 'value="ghost"' not in again.text
        # as the command line says it (a trial: the page said "at least 1 character")
        assert "the reason is blank: write it in words" in again.text, again.text
    async with world.client() as client:
        token = csrf_of((await client.get("/login")).text)
        wrong = await client.post(
            "/login", data={"username": "spec.li", "password": "nope", "csrf_token": token}
        )
        assert wrong.status_code == 303 and "username=spec.li" in wrong.headers["location"]
        form_again = await client.get(wrong.headers["location"])
        assert 'value="spec.li"' in form_again.text and "nope" not in form_again.text


def test_the_audit_page_says_a_problem_in_its_language() -> None:
    from api.translator import translator

    assert (
        translator("zh-CN").problem("row content does not match its hash") == "行内容与其哈希不符"
    )
    assert translator("en").problem("row content does not match its hash") == (
        "row content does not match its hash"
    )
