"""Prometheus metrics: requests by route template, and the projector and outbox from the DB."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from tests.api.conftest import World, plan_body
from tests.projections.test_quarantine import _append


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


async def test_metrics_show_requests_lag_quarantine_and_outbox(world: World) -> None:
    _append(world.h.db.store, "program-bad", "ProgramPlanned", {"nonsense": True})
    world.h.db.projector.catch_up()
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs", json=await plan_body(world.h, "m-1"))).is_success
        assert (await li.get("/api/v1/programs/m-1")).status_code == 200
        assert (await li.get("/api/v1/programs/none")).status_code == 404
        answer = await li.get("/metrics")
    assert answer.status_code == 200
    samples = _samples(answer.text)
    route = "/api/v1/programs/{program_id}"
    ok = ("trainops_http_requests_total", (("method", "GET"), ("route", route), ("status", "200")))
    assert samples[ok] >= 1
    missing = (ok[0], (("method", "GET"), ("route", route), ("status", "404")))
    assert samples[missing] >= 1
    assert not any("m-1" in str(labels) for _, labels in samples)  # no ids in labels
    assert samples[("trainops_projector_quarantined_events", ())] == 1
    assert samples[("trainops_database_up", ())] == 1
    assert ("trainops_notifications", (("status", "pending"),)) in samples
