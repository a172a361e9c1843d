"""Quarantined events over HTTP: the status API (admins, auditors) and /readyz."""

from __future__ import annotations

from services.program_client import ProgramClient
from tests.api.conftest import World, plan_body
from tests.projections.test_quarantine import _append


async def test_status_api_and_readyz_report_quarantined_events(world: World) -> None:
    _append(world.h.db.store, "program-bad", "ProgramPlanned", {"nonsense": True})
    world.h.db.projector.catch_up()
    async with world.client("aud.sun") as auditor, world.client("emp.1") as trainee:
        status = (await auditor.get("/api/v1/projections/status")).json()
        assert status["quarantined"] == 1
        assert (await trainee.get("/api/v1/projections/status")).status_code == 403
        assert (await trainee.post("/api/v1/projections/retry")).status_code == 403
        ready = await trainee.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["quarantined"] == 1 and ready.json()["database"] is True
        assert ready.json()["temporal"] is True


async def test_readyz_is_503_when_temporal_does_not_answer(world: World) -> None:
    services = world.app.state.services

    async def unreachable() -> ProgramClient:
        raise RuntimeError("connection refused")

    services.programs_client, services.client_factory = None, unreachable
    async with world.client() as anyone:
        ready = await anyone.get("/readyz")
        alive = await anyone.get("/healthz")
    assert ready.status_code == 503
    assert (
        ready.json()["temporal"] is False and "Temporal does not answer" in ready.json()["detail"]
    )
    assert alive.status_code == 200  # alive, only not ready: no restart loop


async def test_an_action_while_temporal_is_away_is_a_503_in_the_readers_language(
    world: World,
) -> None:
    services = world.app.state.services

    async def unreachable() -> ProgramClient:
        raise RuntimeError("connection refused")

    async with world.client("spec.li") as li:
        planned = await li.post("/api/v1/programs", json=await plan_body(world.h, "away-1"))
        assert planned.status_code == 201, planned.text
        services.programs_client, services.client_factory = None, unreachable
        english = await li.post("/api/v1/programs/away-1/submit")
        chinese = await li.post(
            "/api/v1/programs/away-1/submit", headers={"Accept-Language": "zh-CN"}
        )
    assert english.status_code == 503 and english.json()["code"] == "error.temporal_unreachable"
    assert english.json()["detail"].startswith("cannot reach Temporal at ")
    assert english.json()["detail"].endswith("; nothing was changed, try again shortly")
    assert chinese.status_code == 503
    assert chinese.json()["detail"].startswith("无法连接")
    assert chinese.json()["detail"].endswith("未做任何更改,请稍后重试")
