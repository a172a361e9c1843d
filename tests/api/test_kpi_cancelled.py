"""The KPI JSON of the API: a program cancelled before its date is due and not completed from
its cancellation on, never on track."""

from __future__ import annotations

from datetime import date

from domain.kpi import quarter_of
from tests.api.conftest import World, plan_body


async def test_a_cancelled_program_counts_as_due_not_on_track(world: World) -> None:
    body = await plan_body(world.h, "kpi-cancel", timezone="UTC")  # days as the report's today
    period = quarter_of(date.fromisoformat(body["planned_date"]))

    async def counts() -> dict[str, object]:
        async with world.client("spec.li") as li:
            rows = (await li.get("/api/v1/kpi", params={"period": period})).json()
        [row] = rows
        rate = row["plan_completion_rate"]
        return {
            **{k: row[k] for k in ("planned", "due", "completed", "on_track")},
            "rate": (rate["numerator"], rate["denominator"]),
        }

    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        assert (await li.post("/api/v1/programs/kpi-cancel/submit")).status_code == 200
        approve = await wang.post("/api/v1/programs/kpi-cancel/approve", json={"comment": "go"})
        assert approve.status_code == 200, approve.text
        assert await counts() == {
            "planned": 1, "due": 0, "completed": 0, "on_track": 1, "rate": (0, 0)
        }  # fmt: skip
        cancel = await li.post("/api/v1/programs/kpi-cancel/cancel", json={"reason": "no room"})
        assert cancel.status_code == 200, cancel.text
    assert await counts() == {"planned": 1, "due": 1, "completed": 0, "on_track": 0, "rate": (0, 1)}
