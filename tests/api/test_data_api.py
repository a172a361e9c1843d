"""Reference data over HTTP (admins) and every KPI as rated scorecards (by role)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx

from tests.api.conftest import World, run


async def finished(client: httpx.AsyncClient, answer: httpx.Response) -> dict[str, Any]:
    """The job a load answered with (202), polled until it succeeded or failed."""
    assert answer.status_code == 202, answer.text
    location = answer.headers["location"]
    for _ in range(2000):
        job: dict[str, Any] = (await client.get(location)).json()
        if job["status"] in ("succeeded", "failed"):
            return job
        await asyncio.sleep(0.02)
    raise AssertionError(f"the job at {location} did not finish: {job}")


async def test_admins_load_reference_data_with_a_validation_report(world: World) -> None:
    good = "employee_id,department\ne1,sales\ne2,ops\n"
    before = world.head()
    async with world.client("adm.qian") as admin, world.client("spec.li") as li:
        refused = await li.post(
            "/api/v1/data/employees", files={"file": ("e.csv", good, "text/csv")}
        )
        assert refused.status_code == 403 and world.head() == before
        loaded = await admin.post(
            "/api/v1/data/employees", files={"file": ("e.csv", good, "text/csv")}
        )
        assert (await finished(admin, loaded))["report"]["events_appended"] == 2
        head = world.head()
        again = await admin.post(
            "/api/v1/data/employees", files={"file": ("e.csv", good, "text/csv")}
        )
        assert (await finished(admin, again))["report"]["events_appended"] == 0
        assert world.head() == head
        bad = "employee_id,department\ne3,sales\n,ops\n"
        rejected = await admin.post(
            "/api/v1/data/employees", files={"file": ("e.csv", bad, "text/csv")}
        )
        assert (await finished(admin, rejected))["report"]["events_appended"] == 0
        assert world.head() == head, "a file with a rejected row loads nothing"
        unknown = await admin.post(
            "/api/v1/data/spaceships", files={"file": ("e.csv", good, "text/csv")}
        )
        assert unknown.status_code == 422 and "unknown kind" in unknown.text
        wrong = await admin.post("/api/v1/data/employees", files={"file": ("e.txt", good)})
        assert wrong.status_code == 422 and ".csv or .json" in wrong.text
        gbk = "employee_id,department\ne9,销售\n".encode("gbk")
        encoding = await admin.post(
            "/api/v1/data/employees", files={"file": ("e.csv", gbk, "text/csv")}
        )
        assert encoding.status_code == 422 and world.head() == head


async def test_scorecards_by_role(world: World) -> None:
    await run(world, "sc-1", "approved")
    world.h.db.projector.catch_up()
    async with world.client("spec.li") as li:
        mine = (await li.get("/api/v1/kpi/scorecards")).json()
        assert {(c["scope"], c["name"]) for c in mine} == {("specialist", "spec.li")}
        kpis = {k["kpi"] for card in mine for k in card["kpis"]}
        assert "plan_completion" in kpis
        other = await li.get("/api/v1/kpi/scorecards", params={"specialist": "spec.zhao"})
        assert other.status_code == 403
    async with world.client("aud.sun") as auditor, world.client("mgr.wang") as wang:
        every = (await auditor.get("/api/v1/kpi/scorecards")).json()
        assert {c["scope"] for c in every} == {"specialist", "department", "organisation"}
        assert (await wang.get("/api/v1/kpi/scorecards")).status_code == 403


async def test_the_dashboard_shows_every_kpi_rated(world: World) -> None:
    await run(world, "sc-2", "approved")
    world.h.db.projector.catch_up()
    async with world.browser("spec.li") as page:
        html = (await page.get("/kpi")).text
        assert 'data-testid="scorecard"' in html and "KPI attainment" in html
        assert "spec.li" in html and "satisfaction" in html.lower()
        await page.get("/lang/zh-CN", params={"next": "/kpi"})
        chinese = (await page.get("/kpi")).text
        assert 'lang="zh-CN"' in chinese and "计分卡" in chinese and "KPI 达成率" in chinese


async def test_a_load_reads_in_the_readers_language(world: World) -> None:
    """A Chinese reader gets the report's words and each rejected row's ``problem`` in
    Chinese, beside the English ``reason`` and the ``code`` and ``params`` a client's own
    catalog reads; a file refused whole is a 422 said in Chinese too (issue 16)."""
    chinese = {"Accept-Language": "zh-CN"}
    bad = "employee_id,hire_date\ne1,2999-01-01\n,\n"
    async with world.client("adm.qian") as admin:
        job = await finished(
            admin,
            await admin.post("/api/v1/data/employees", files={"file": ("e.csv", bad, "text/csv")}),
        )
        english = job["report"]
        assert english["rejected"][0]["problem"] == english["rejected"][0]["reason"]
        said = (await admin.get(f"/api/v1/jobs/{job['job_id']}", headers=chinese)).json()
        report = said["report"]
        assert report["message"].startswith("2 行被拒绝"), report["message"]
        future, empty = report["rejected"]
        assert future["code"] == "import.future_day" and future["params"]["column"] == "hire_date"
        assert "在未来" in future["problem"] and "in the future" in future["reason"]
        assert empty["code"] == "import.empty_column" and "为空" in empty["problem"]
        refused = await admin.post(
            "/api/v1/data/employees",
            files={"file": ("e.csv", b"employee_id,shoe_size\ne1,42\n", "text/csv")},
            headers=chinese,
        )
        assert refused.status_code == 422 and refused.json()["code"] == "import.unknown_columns"
        assert "未知的列 shoe_size" in refused.json()["detail"], refused.text
    async with world.browser("adm.qian") as page:
        shown = (await page.get(f"/admin/data/jobs/{job['job_id']}", headers=chinese)).text
        assert "2 行被拒绝" in shown and "在未来" in shown and "in the future" not in shown
