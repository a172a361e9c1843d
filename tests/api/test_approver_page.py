"""What an approver decides on, on the inbox and the task page: budget, department, trainees,
sessions, cost per trainee and how the specialist's earlier programs went; and the reminders
a program will send, visible before they go out."""

from __future__ import annotations

from tests.api.conftest import World, plan_body, run


async def test_the_task_page_shows_what_the_approver_decides_on(world: World) -> None:
    await run(world, "earlier-1", "published")  # spec.li's earlier program
    body = await plan_body(world.h, "decide-1", budget="1200.00", department="Logistics")
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        assert (await li.post("/api/v1/programs/decide-1/submit", json={})).status_code == 200
    async with world.client("mgr.wang") as wang, world.browser("mgr.wang") as page:
        (task,) = [
            t for t in (await wang.get("/api/v1/inbox")).json() if t["program_id"] == "decide-1"
        ]
        assert task["cost_per_trainee"] == "600.00"  # 1,200 for two trainees
        inbox = (await page.get("/inbox")).text
        detail = (await page.get(f"/tasks/{task['task_id']}")).text
    assert "1200.00" in inbox and "Logistics" in inbox and "600.00" in inbox
    facts = detail[detail.index('data-testid="decision-facts"') :]
    facts = facts[: facts.index("</dl>")]
    assert "1200.00" in facts and "Logistics" in facts and "600.00" in facts
    assert "<dd>2</dd>" in facts  # trainees
    assert "1 (0 executed, 0 on time)" in facts  # the specialist's earlier program


async def test_upcoming_reminders_are_visible_before_they_are_sent(world: World) -> None:
    await run(world, "soon-1", "published")
    async with world.browser("spec.li") as page:
        owner = (await page.get("/programs/soon-1")).text
    async with world.browser("emp.1") as page:
        trainee = (await page.get("/programs/soon-1")).text
    table = owner[owner.index('data-testid="upcoming-reminders"') :]
    table = table[: table.index("</table>")]
    assert "Prepare materials" in table and "Attend the session" in table
    assert "08:00 Asia/Shanghai" in table and "CST" not in table  # one convention: zone named
    assert 'data-testid="upcoming-reminders"' not in trainee  # a trainee sees their own facts only


async def test_a_calendar_year_without_an_official_schedule_is_shown_as_provisional(
    world: World,
) -> None:
    from domain.calendar import provisional_years

    body = await plan_body(world.h, "cn-far", region="CN")
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        calendar = (await li.get("/api/v1/programs/cn-far")).json()["state"]["calendar"]
    async with world.browser("spec.li") as page:
        html = (await page.get("/programs/cn-far")).text
    expected = provisional_years("CN", tuple(calendar["years"]))
    assert tuple(calendar["provisional"]) == expected
    if expected:  # the package publishes China's schedule a year at a time
        shown = html[html.index('data-testid="provisional-calendar"') :]
        shown = shown[: shown.index("</dd>")]
        assert all(str(year) in shown for year in expected)
    else:
        assert 'data-testid="provisional-calendar"' not in html
    assert provisional_years("US", (2026, 2040)) == ()


async def test_the_inbox_page_and_the_api_filter_alike(world: World) -> None:
    async with world.client("spec.li") as li:
        for pid, title in (("find-1", "Forklift licence"), ("find-2", "First aid")):
            body = await plan_body(world.h, pid, title=title)
            assert (await li.post("/api/v1/programs", json=body)).status_code == 201
            assert (await li.post(f"/api/v1/programs/{pid}/submit", json={})).status_code == 200
    async with world.client("mgr.wang") as wang, world.browser("mgr.wang") as page:
        found = (await wang.get("/api/v1/inbox", params={"q": "FORKLIFT"})).json()
        on_time = (await wang.get("/api/v1/inbox", params={"overdue": "false"})).json()
        overdue = (await wang.get("/api/v1/inbox", params={"overdue": "true"})).json()
        shown = (await page.get("/inbox", params={"q": "forklift"})).text
        shown_overdue = (await page.get("/inbox", params={"due": "overdue"})).text
    assert [t["program_id"] for t in found] == ["find-1"]
    # a task's instants are read in its program's zone, as on every other screen
    assert found[0]["timezone"] == "Asia/Shanghai" and "Asia/Shanghai" in shown
    assert {t["program_id"] for t in on_time} == {"find-1", "find-2"} and overdue == []
    assert "find-1" in shown and "find-2" not in shown
    assert "find-1" not in shown_overdue and "find-2" not in shown_overdue
