"""A program the log holds is never a 404 because the projector lags: the API waits briefly,
then answers 202 with where to ask again."""

from __future__ import annotations

import pytest

from services import programs as program_cases
from tests.api.conftest import World, plan_body


async def test_a_lagging_projector_never_yields_404(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(program_cases, "CATCH_UP_SECONDS", 0.2)
    world.app.state.services.read_your_writes_seconds = 0.1
    world.pause_projector()
    async with world.client("spec.li") as li:
        planned = await li.post("/api/v1/programs", json=await plan_body(world.h, "lag-1"))
        assert planned.status_code == 201 and planned.json()["projected"] is False
        pending = await li.get("/api/v1/programs/lag-1")
        assert pending.status_code == 202, pending.text
        assert pending.headers["Location"].endswith("/api/v1/programs/lag-1")
        assert "not in the read models yet" in pending.json()["detail"]
        assert (await li.get("/api/v1/programs/nothing-here")).status_code == 404
        # Actions do not wait for the read models: the workflow decides, and ownership is
        # read from the log.
        submitted = await li.post("/api/v1/programs/lag-1/submit")
        assert submitted.status_code == 200 and submitted.json()["projected"] is False
    async with world.client("spec.zhao") as zhao:
        assert (await zhao.post("/api/v1/programs/lag-1/withdraw", json={})).status_code == 403

    world.h.db.projector.catch_up()
    async with world.client("spec.li") as li:
        shown = await li.get("/api/v1/programs/lag-1")
        assert shown.status_code == 200 and shown.json()["program"]["status"] == "submitted"
