"""A time typed into a page's form is read on the program's clocks as the command line reads
it: a time those clocks skip (a daylight-saving gap) is refused in the reader's language, never
silently moved; a time they show twice is its first occurrence."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from api.pages.forms import localise
from services import reads
from services.errors import Invalid
from tests.api.conftest import World, csrf_of, plan_body, post_form
from trainops.program_requests import local_time

BERLIN = ZoneInfo("Europe/Berlin")
GAP = "2027-03-28T02:30"  # Berlin's clocks jump from 02:00 to 03:00
TWICE = "2027-10-31T02:30"  # and show 02:00-03:00 twice


def _plan(program_id: str, starts_at: str) -> dict[str, str]:
    return {
        "program_id": program_id,
        "title": "Night shift safety",
        "planned_date": starts_at[:10],
        "timezone": "Europe/Berlin",
        "approvers": "mgr.wang",
        "trainees": "emp.1",
        "session_id_1": "s1",
        "starts_at_1": starts_at,
        "hours_1": "2",
    }


def test_a_skipped_time_is_refused_not_moved() -> None:
    with pytest.raises(Invalid) as refused:
        localise(GAP, BERLIN)
    assert refused.value.key == "error.time_skipped"
    assert str(refused.value).startswith("2027-03-28 02:30 does not exist in Europe/Berlin")
    assert localise(TWICE, BERLIN) == "2027-10-31T02:30:00+02:00"  # the first 02:30
    assert localise("2027-03-28T02:30+00:00", BERLIN) == "2027-03-28T02:30:00+00:00"


async def test_the_plan_form_refuses_a_time_the_clocks_skip(world: World) -> None:
    before = world.head()
    async with world.browser("spec.li") as li:
        form = await li.get("/programs/new")
        refused = await post_form(li, "/programs/new", form.text, **_plan("gap-1", GAP))
        assert refused.status_code == 422, refused.text
        assert "2027-03-28 02:30 does not exist in Europe/Berlin" in refused.text
        assert 'value="Night shift safety"' in refused.text  # the form kept as filled in
        await li.get("/lang/zh-CN", params={"next": "/"})
        chinese = await post_form(li, "/programs/new", form.text, **_plan("gap-1", GAP))
        assert chinese.status_code == 422
        assert "Europe/Berlin 没有 2027-03-28 02:30 这个时刻" in chinese.text
    assert world.head() == before


async def test_the_plan_form_reads_a_repeated_time_as_the_command_line_does(
    world: World,
) -> None:
    async with world.browser("spec.li") as li:
        form = await li.get("/programs/new")
        made = await post_form(li, "/programs/new", form.text, **_plan("twice-1", TWICE))
        assert made.status_code == 303, made.text
    state = reads.program_state(world.h.db.engine, "twice-1")
    stored = datetime.fromisoformat(state["sessions"]["s1"]["starts_at"])
    cli = local_time(datetime.fromisoformat(TWICE), "Europe/Berlin")
    # (compared as instants: Python never calls a repeated wall time equal across zones)
    assert stored.timestamp() == cli.timestamp() and stored.utcoffset() == cli.utcoffset()


async def test_the_revise_form_refuses_a_time_the_clocks_skip(world: World) -> None:
    async with world.client("spec.li") as api:
        plan = await plan_body(world.h, "gap-rev", timezone="Europe/Berlin")
        assert (await api.post("/api/v1/programs", json=plan)).status_code == 201
    before = world.head()
    async with world.browser("spec.li") as li:
        form = await li.get("/programs/gap-rev/edit")
        values = {
            "csrf_token": csrf_of(form.text),
            "title": "Moved",
            "planned_date": plan["planned_date"],
            "trainees": "emp.1",
            "session_id_1": "s1",
            "starts_at_1": GAP,
            "hours_1": "2",
        }
        refused = await li.post("/programs/gap-rev/edit", data=values)
        assert refused.status_code == 422, refused.text
        assert "2027-03-28 02:30 does not exist in Europe/Berlin" in refused.text
    assert world.head() == before


async def test_a_title_of_spaces_is_said_as_the_command_line_says_it(world: World) -> None:
    """A trial: the form said "title: must have at least 1 character(s)" where the command
    line says "the title is blank: write it in words"; both say the latter."""
    before = world.head()
    plan = {**_plan("blank-form-1", "2027-11-02T09:00"), "title": "   "}
    async with world.browser("spec.li") as li:
        form = await li.get("/programs/new")
        refused = await post_form(li, "/programs/new", form.text, **plan)
    assert refused.status_code == 422, refused.text
    assert "the title is blank: write it in words" in refused.text, refused.text
    assert world.head() == before


def test_a_list_typed_with_chinese_commas_splits_as_with_ascii_ones() -> None:
    """A list field (trainees) split on full-width ，and ；as on , and ; (a punctuation
    sweep once turned them into ASCII in the pattern, and 'emp.1，emp.2' became one name)."""
    from starlette.datastructures import FormData

    from api.pages.forms import form_to_fields
    from services.actions import PlanBody

    form = FormData([("trainees", "emp.1\uff0cemp.2\uff1b emp.3, emp.4")])
    assert form_to_fields(PlanBody, form)["trainees"] == ["emp.1", "emp.2", "emp.3", "emp.4"]
