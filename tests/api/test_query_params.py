"""A query parameter an address does not take, or a value it cannot use, is a 422 that names
it (the JSON API) or a page saying so, in the reader's language: never silently ignored."""

from __future__ import annotations

from tests.api.conftest import World


async def test_an_unknown_query_parameter_is_refused_by_name(world: World) -> None:
    async with world.client("spec.li") as li:
        limited = await li.get("/api/v1/programs?limit=abc")
        paged = await li.get("/api/v1/me?page=2")
        fine = await li.get("/api/v1/programs?status=draft&period=2027-Q1")
        chinese = await li.get("/api/v1/programs?limit=abc", headers={"Accept-Language": "zh-CN"})
    assert limited.status_code == 422, limited.text
    body = limited.json()
    assert body["code"] == "request.invalid" and body["params"] == {"fields": "query.limit"}
    assert body["detail"] == (
        "invalid input: limit: unknown query parameter; this address takes period, "
        "specialist, status"
    )
    assert paged.status_code == 422
    assert "page: unknown query parameter; this address takes none" in paged.json()["detail"]
    assert fine.status_code == 200, fine.text
    assert "不认识的查询参数;此地址接受:period, specialist, status" in chinese.json()["detail"]


async def test_a_page_says_which_query_parameter_it_does_not_take(world: World) -> None:
    async with world.browser("spec.li") as li:
        limited = await li.get("/programs?limit=abc")
        kept = await li.get("/programs?status=draft")
    assert limited.status_code == 422
    assert "limit: unknown query parameter" in limited.text
    assert kept.status_code == 200  # the page's own filters are taken
    async with world.browser("mgr.wang") as wang:
        due = await wang.get("/inbox?due=someday")
        fine = await wang.get("/inbox?due=overdue&q=x")
    assert due.status_code == 422 and "due" in due.text  # was read as "all"
    assert fine.status_code == 200


async def test_a_parameter_given_twice_is_refused_unless_it_takes_a_list(world: World) -> None:
    """``?status=draft&status=published`` was answered as if only the last had been sent."""
    async with world.client("spec.li") as li:
        twice = await li.get("/api/v1/programs?status=draft&status=published")
        chinese = await li.get(
            "/api/v1/programs?period=2027-Q1&period=2027-Q2",
            headers={"Accept-Language": "zh-CN"},
        )
        once = await li.get("/api/v1/programs?status=draft")
    assert twice.status_code == 422, twice.text
    assert "status: given more than once; this parameter takes one value" in twice.json()["detail"]
    assert "重复给出;此参数只接受一个值" in chinese.json()["detail"]
    assert once.status_code == 200
    async with world.client("aud.sun") as auditor:
        listed = await auditor.get(
            "/api/v1/audit/history?event_type=ProgramPlanned&event_type=ProgramApproved"
        )
    assert listed.status_code == 200, listed.text  # a list parameter: many values, as declared
