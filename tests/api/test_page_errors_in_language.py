"""A page's refusal is said in the reader's language (issue 16: a task's 404, the expired
sign-in form, an unknown page action and a four-eyes refusal naming the delegate stayed
English on Chinese pages)."""

from __future__ import annotations

from html import unescape

from api.refusal_texts import in_chinese
from domain.notices import subject_in
from tests.api.conftest import World, csrf_of, plan_body

ZH = {"Accept-Language": "zh-CN,zh;q=0.9"}


async def test_page_refusals_are_said_in_chinese(world: World) -> None:
    async with world.browser("mgr.wang") as page:
        task = await page.get("/tasks/nope", headers=ZH)
        assert task.status_code == 404
        assert "任务 'nope' 不在您的待办中" in unescape(task.text), task.text
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
    assert chinese[0]["subject"] == "待你审批:“Workplace safety”"
    assert subject_in("Plain", "no Chinese here", "zh-CN") == "Plain"
