"""An action that went through says what it changes (issue 16: a started session passed
approval and publishing without a word; a session moved past the planned date said nothing)."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.api.conftest import World, plan_body, session_started


async def test_approving_and_publishing_a_started_program_warn(world: World) -> None:
    body = await plan_body(world.h, "late-1")
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        assert (await li.post("/api/v1/programs/late-1/submit")).status_code == 200
        await session_started(world, body)
        approved = await wang.post(
            "/api/v1/programs/late-1/approve", json={}, headers={"Accept-Language": "zh-CN"}
        )
        assert approved.status_code == 200, approved.text
        (warning,) = approved.json()["warnings"]
        assert warning["code"] == "warning.sessions_started"
        assert warning["params"] == {"sessions": "s1"}
        assert warning["message"].startswith("课次 s1 已经开始"), warning
        published = (await li.post("/api/v1/programs/late-1/publish")).json()
        assert [w["code"] for w in published["warnings"]] == ["warning.sessions_started"]
        assert "record their attendance" in published["warnings"][0]["message"]


async def test_moving_a_session_past_the_planned_date_warns(world: World) -> None:
    body = await plan_body(world.h, "moved-1")
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        assert (await li.post("/api/v1/programs/moved-1/submit")).status_code == 200
        clean = await wang.post("/api/v1/programs/moved-1/approve", json={})
        assert clean.json()["warnings"] == []  # nothing started: nothing to say
        assert (await li.post("/api/v1/programs/moved-1/publish")).status_code == 200
        start = datetime.fromisoformat(body["sessions"][0]["starts_at"])
        later = (start + timedelta(days=10)).isoformat()
        moved = await li.post(
            "/api/v1/programs/moved-1/reschedule", json={"session_id": "s1", "starts_at": later}
        )
        assert moved.status_code == 200, moved.text
        (warning,) = moved.json()["warnings"]
        assert warning["code"] == "warning.after_planned_date"
        assert warning["params"]["planned"] == body["planned_date"]
        sooner = (start + timedelta(days=1)).isoformat()
        back = await li.post(
            "/api/v1/programs/moved-1/reschedule", json={"session_id": "s1", "starts_at": sooner}
        )
        assert back.json()["warnings"] == []
