"""Quarantined events over HTTP: the status API (admins, auditors) and /readyz."""

from __future__ import annotations

from tests.api.conftest import World
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
