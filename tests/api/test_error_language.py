"""Every JSON error's ``detail`` is in the reader's language (``Accept-Language``), as the 422s
already were: 401, 403, 404 and 405 too. ``code`` and ``params`` stay the same data in every
language, for a client that says it in its own words."""

from __future__ import annotations

import re

import httpx

from tests.api.conftest import World

CHINESE = re.compile(r"[\u4e00-\u9fff]")
ZH = {"Accept-Language": "zh-CN"}


async def _both(client: httpx.AsyncClient, method: str, url: str) -> tuple[dict, dict]:  # type: ignore[type-arg]
    english = await client.request(method, url)
    chinese = await client.request(method, url, headers=ZH)
    assert english.status_code == chinese.status_code
    return english.json(), chinese.json()


async def test_401_403_404_and_405_are_said_in_the_readers_language(world: World) -> None:
    async with world.client() as anonymous, world.client("spec.li") as li:
        asked = [
            (anonymous, "GET", "/api/v1/programs", "请先登录"),
            (li, "GET", "/api/v1/users", "需要管理员角色"),
            (li, "GET", "/api/v1/notifications?recipient=mgr.wang", "只能查看自己的通知"),
            (li, "GET", "/api/v1/kpi?specialist=spec.zhao", "只能查看自己的 KPI"),
            (li, "GET", "/api/v1/programs/nope", "没有培训项目"),
            (li, "GET", "/api/v1/no-such-thing", "未找到"),
            (li, "DELETE", "/api/v1/programs", "此处不允许 DELETE 请求"),
            (li, "DELETE", "/api/v1/tokens/abc123", "abc123"),
        ]
        for client, method, url, words in asked:
            english, chinese = await _both(client, method, url)
            assert not CHINESE.search(english["detail"]), english
            assert words in chinese["detail"] and CHINESE.search(chinese["detail"]), chinese
            assert (chinese["code"], chinese["params"]) == (english["code"], english["params"])
    assert english["code"] == "error.no_token"


async def test_a_refusal_of_the_rules_is_said_in_the_readers_language(world: World) -> None:
    from tests.api.conftest import plan_body

    async with world.client("spec.li") as li:
        await li.post("/api/v1/programs", json=await plan_body(world.h, "zh-refused"))
        english = (await li.post("/api/v1/programs/zh-refused/publish")).json()
        chinese = (await li.post("/api/v1/programs/zh-refused/publish", headers=ZH)).json()
    assert english["detail"].startswith("refused: ")
    assert chinese["detail"].startswith("已拒绝:") and "草稿" in chinese["detail"], chinese
    assert (chinese["code"], chinese["params"]) == (english["code"], english["params"])
