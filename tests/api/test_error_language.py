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


async def test_params_are_raw_data_and_the_text_quotes_them(world: World) -> None:
    """A client reads ``params`` as data (``nope``, not ``'nope'``); the English ``detail``
    still quotes them, as it always did."""
    from tests.api.conftest import run

    await run(world, "raw-1", "published")
    async with world.client("spec.li") as li, world.client("adm.qian") as admin:
        missing = (await li.get("/api/v1/programs/nope")).json()
        no_user = (await admin.patch("/api/v1/users/ghost", json={"active": False})).json()
        twice = (await li.post("/api/v1/programs/raw-1/enroll", json={"trainee": "emp.1"})).json()
        twice_zh = (
            await li.post("/api/v1/programs/raw-1/enroll", json={"trainee": "emp.1"}, headers=ZH)
        ).json()
    assert missing["params"] == {"program_id": "nope"}
    assert missing["detail"] == "no program 'nope'"
    assert no_user["params"] == {"username": "ghost"} and no_user["detail"] == "no user 'ghost'"
    assert (twice["code"], twice["params"]) == ("program.already_enrolled", {"trainee": "emp.1"})
    assert twice["detail"] == "refused: 'emp.1' is already enrolled"
    assert twice_zh["detail"] == "已拒绝: 'emp.1' 已报名"


def test_temporal_out_of_reach_is_said_in_the_readers_language() -> None:
    """Issue 16: the API's 503 when Temporal cannot be reached was English under zh-CN."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from api.errors import install
    from services.errors import TemporalUnavailable

    app = FastAPI()
    install(app, lambda request, code, message, translated=False: None)  # type: ignore[arg-type]

    @app.get("/api/v1/down")
    def down() -> None:
        raise TemporalUnavailable("error.temporal_unreachable", address="temporal:7233")

    client = TestClient(app)
    english = client.get("/api/v1/down").json()
    chinese = client.get("/api/v1/down", headers={"Accept-Language": "zh-CN"}).json()
    assert english["detail"] == (
        "cannot reach Temporal at temporal:7233; nothing was changed, try again shortly"
    )
    assert chinese["detail"] == "无法连接 temporal:7233 上的 Temporal;未做任何更改,请稍后重试"
    assert chinese["code"] == english["code"] == "error.temporal_unreachable"


def test_the_workflows_invalid_input_is_said_with_one_prefix() -> None:
    """Issue 16: the workflow's "invalid input: ..." came back as "invalid input: invalid
    input: ..." (and "输入无效:invalid input: ..." under zh-CN)."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from api.errors import install
    from services.program_client import ActionRefused

    app = FastAPI()
    install(app, lambda request, code, message, translated=False: None)  # type: ignore[arg-type]

    @app.post("/api/v1/act")
    def act() -> None:
        raise ActionRefused("invalid input: note: too long", "InvalidInput")

    client = TestClient(app)
    english = client.post("/api/v1/act")
    chinese = client.post("/api/v1/act", headers={"Accept-Language": "zh-CN"})
    assert english.status_code == chinese.status_code == 422
    assert english.json()["detail"] == "invalid input: note: too long"
    assert chinese.json()["detail"] == "输入无效:note: too long"


def test_a_program_still_moving_on_is_a_conflict_to_send_again() -> None:
    """After the client's patience, an action refused because its program moves to a new run
    is a 409 (the same request later lands), not a 403 as if the person may not act."""
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from activities.contracts import MOVING_ON
    from api.errors import install
    from services.program_client import ActionRefused

    app = FastAPI()
    install(app, lambda request, code, message, translated=False: None)  # type: ignore[arg-type]

    @app.post("/api/v1/act")
    def act() -> None:
        raise ActionRefused("the program is moving to a new run; send the action again", MOVING_ON)

    client = TestClient(app)
    english = client.post("/api/v1/act")
    chinese = client.post("/api/v1/act", headers={"Accept-Language": "zh-CN"})
    assert english.status_code == chinese.status_code == 409
    assert "send the action again" in english.json()["detail"]
    assert english.json()["code"] == chinese.json()["code"] == "refused.MovingOn"
    assert english.headers["Retry-After"] == "5"


async def test_a_wrong_name_of_a_score_is_said_as_the_name_not_a_path(world: World) -> None:
    """A trial: `program survey --score bogus=50` said "scores.bogus.[key]: Input should be
    'overall', …" ("分数的 bogus的 [key]" in zh-CN); the name given is what is wrong."""
    from tests.api.conftest import run

    await run(world, "key-1", "evaluating")
    before = world.head()
    body = {"scores": {"overall": 80, "bogus": 50}}
    async with world.client("emp.1") as emp:
        english = await emp.post("/api/v1/programs/key-1/survey", json=body)
        chinese = await emp.post("/api/v1/programs/key-1/survey", json=body, headers=ZH)
    assert english.status_code == chinese.status_code == 422, english.text
    assert english.json()["detail"].startswith(
        "invalid input: scores: 'bogus' must be one of 'overall', 'content'"
    ), english.text
    assert chinese.json()["detail"].startswith("输入无效:分数:'bogus' 应为以下之一:"), chinese.text
    assert "[key]" not in english.json()["detail"] + chinese.json()["detail"]
    assert world.head() == before


async def test_a_trainee_refused_another_program_is_told_they_are_not_enrolled(
    world: World,
) -> None:
    """A trial: a trainee was told "they do not approve it and they are not an auditor", as if
    approving were what they lacked."""
    from tests.api.conftest import plan_body

    body = await plan_body(world.h, "not-mine", trainees=["emp.2"])
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
    async with world.client("emp.1") as emp:
        english, chinese = await _both(emp, "GET", "/api/v1/programs/not-mine")
    assert english["detail"] == (
        "emp.1 may not see program 'not-mine': they are not enrolled in it and are not its "
        "specialist, one of its approvers or an auditor"
    )
    assert "此人未报名该项目,也不是其专员、审批人或审计员" in chinese["detail"], chinese
