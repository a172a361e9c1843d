"""A program too big to list on its page: the page offers enrolment and attendance from a file
and shows counts, never a checkbox or a name per person (at 50,000 trainees a page listing them
never finished: who was still missing was looked up person by person in a list). The file is
checked whole first: a refusal names the offending rows and records nothing."""

from __future__ import annotations

import re

import httpx

from api.pages.people import PEOPLE_ON_PAGE
from tests.api.conftest import World, csrf_of, post_form, run, session_started
from tests.api.test_program_files import of_type
from tests.services.test_programs_bulk import employees

PEOPLE = [f"staff.{n:04d}@example.com" for n in range(PEOPLE_ON_PAGE + 5)]


def sheet(people: list[str]) -> bytes:
    return ("employee_id\n" + "\n".join(people) + "\n").encode()


async def send_file(
    browser: httpx.AsyncClient, action: str, page: str, data: bytes, **fields: str
) -> httpx.Response:
    """Post ``data`` as the page's upload form ``action`` does: multipart, with its CSRF token."""
    files = {"file": ("sheet.csv", data, "text/csv")}
    return await browser.post(action, data={"csrf_token": csrf_of(page), **fields}, files=files)


def checkboxes(page: str) -> int:
    return len(re.findall(r'name="attendees"', page))


async def test_a_big_program_is_enrolled_and_attended_from_files_on_its_page(
    world: World,
) -> None:
    employees(world.h.db, PEOPLE)
    plan = await run(world, "big-page", "published")  # emp.1 and emp.2 enrolled
    await session_started(world, plan)
    roster_action = "/files/programs/big-page/roster"
    attendance_action = "/files/programs/big-page/sessions/s1/attendance"
    async with world.browser("spec.li") as li:
        page = (await li.get("/programs/big-page")).text
        assert checkboxes(page) == 2, "a small program's people are listed"
        assert f'action="{roster_action}"' in page

        refused = await send_file(li, roster_action, page, sheet([*PEOPLE, "ghost.9"]))
        assert refused.status_code == 422, refused.text
        assert "ghost.9" in refused.text and "nothing was recorded" in refused.text
        assert of_type(world, "big-page", "TraineeEnrolled", "trainee") == ["emp.1", "emp.2"]
        empty = await li.post(roster_action, data={"csrf_token": csrf_of(page)})
        assert empty.status_code == 422 and "choose a file" in empty.text
        forged = await li.post(roster_action, files={"file": ("a.csv", sheet(PEOPLE))})
        assert forged.status_code == 403  # no CSRF token: refused before the file is read

        done = await send_file(li, roster_action, page, sheet(PEOPLE))
        assert done.status_code == 303, done.text
        again = await send_file(li, roster_action, page, sheet(PEOPLE))
        assert again.status_code == 303, again.text
        enrolled = of_type(world, "big-page", "TraineeEnrolled", "trainee")
        assert sorted(enrolled) == sorted(["emp.1", "emp.2", *PEOPLE])  # once each

        page = (await li.get("/programs/big-page")).text
        assert checkboxes(page) == 0, "too many to list: no checkbox per person"
        assert f'action="{attendance_action}"' in page
        assert f"{len(PEOPLE) + 2} enrolled" in page

        strangers = await send_file(li, attendance_action, page, sheet(["emp.1", "ghost.2"]))
        assert strangers.status_code == 422 and "not enrolled" in strangers.text
        recorded = await send_file(li, attendance_action, page, sheet(PEOPLE))
        assert recorded.status_code == 303, recorded.text

        page = (await li.get("/programs/big-page")).text
    attended = of_type(world, "big-page", "AttendeesRecorded", "attendees")
    assert sorted(attended) == sorted(PEOPLE)
    counted = re.search(r'data-testid="attended-count-s1">([^<]*)<', page)
    assert counted and counted.group(1) == f"{len(PEOPLE)} people"  # a count, not the names
    assert ", ".join(sorted(PEOPLE)[:2]) not in page
    assert 'data-testid="act-complete-session"' in page

    async with world.client("spec.li") as api:
        for segment, body in (
            ("complete-session", {"session_id": "s1"}),
            ("complete-execution", {}),
        ):
            done = await api.post(f"/api/v1/programs/big-page/{segment}", json=body)
            assert done.status_code == 200, done.text
    async with world.browser("spec.li") as li:
        page = (await li.get("/programs/big-page")).text
    assert 'data-testid="exam-trainee-id"' in page  # the trainee by id, not 205 options
    assert '<option value="staff.' not in page


async def test_a_late_reason_sent_with_a_file_is_checked_before_anything_is_sent(
    world: World,
) -> None:
    employees(world.h.db, PEOPLE)
    plan = await run(world, "big-late", "published")
    await session_started(world, plan)
    action = "/files/programs/big-late/sessions/s1/attendance"
    async with world.browser("spec.li") as li:
        page = (await li.get("/programs/big-late")).text
        bad = await send_file(li, action, page, sheet(["emp.1"]), late_reason="x" * 2001)
    assert bad.status_code == 422, bad.text
    assert of_type(world, "big-late", "AttendeesRecorded", "attendees") == []


async def test_only_the_programs_specialist_sends_a_file_and_only_a_roster_sized_one(
    world: World,
) -> None:
    employees(world.h.db, PEOPLE[:3])
    await run(world, "big-who", "published")
    roster = "/files/programs/big-who/roster"
    async with world.browser("spec.li") as li:
        page = (await li.get("/programs/big-who")).text
        nowhere = await send_file(li, "/files/programs/no-such/roster", page, sheet(PEOPLE[:3]))
        too_big = await send_file(li, roster, page, b"x" * (9 * 1024 * 1024))
        not_text = await send_file(li, roster, page, b"\xff\xfe\x00garbage")
    async with world.browser("emp.1") as trainee:
        mine = (await trainee.get("/my/trainings")).text
        stranger = await send_file(trainee, roster, mine, sheet(PEOPLE[:3]))
    assert nowhere.status_code == 404, nowhere.text
    assert too_big.status_code == 413, too_big.text
    # a page, as every refusal on a page (it was the API's JSON), naming the limit
    assert too_big.headers["content-type"].startswith("text/html"), too_big.text
    assert "the request body is larger than 8.1 MiB" in too_big.text
    assert not_text.status_code == 422, not_text.text
    assert stranger.status_code == 403, stranger.text
    assert of_type(world, "big-who", "TraineeEnrolled", "trainee") == ["emp.1", "emp.2"]

    async with world.client("spec.li") as api:
        cancelled = await api.post("/api/v1/programs/big-who/cancel", json={"reason": "moved"})
        assert cancelled.status_code == 200, cancelled.text
    async with world.browser("spec.li") as li:
        page = (await li.get("/programs/big-who")).text
        ended = await send_file(li, roster, page, sheet(PEOPLE[:3]))
        # said before the file is read: its rows (not text, strangers) are not looked at
        unread = await send_file(li, roster, page, b"\xff\xfe\x00garbage")
        sheet_unread = await send_file(
            li, "/files/programs/big-who/sessions/s1/attendance", page, b"\xff\xfe\x00garbage"
        )
    for refused in (ended, unread, sheet_unread):
        assert refused.status_code == 403, refused.text
        said = re.search(r'data-testid="error">(.*?)</div>', refused.text, re.S)
        # the rules' words, not "no longer running"
        assert said and "cancelled" in said.group(1), said
    assert of_type(world, "big-who", "TraineeEnrolled", "trainee") == ["emp.1", "emp.2"]


async def test_a_session_nobody_attended_is_recorded_from_a_big_programs_page(
    world: World,
) -> None:
    employees(world.h.db, PEOPLE)
    plan = await run(world, "big-none", "published")
    await session_started(world, plan)
    async with world.browser("spec.li") as li:
        page = (await li.get("/programs/big-none")).text
        done = await send_file(li, "/files/programs/big-none/roster", page, sheet(PEOPLE))
        assert done.status_code == 303, done.text
        page = (await li.get("/programs/big-none")).text
        assert checkboxes(page) == 0 and 'data-testid="nobody-s1"' in page
        nobody = await post_form(
            li, "/programs/big-none/attendance", page, session_id="s1", nobody="on"
        )
        assert nobody.status_code == 303, nobody.text
        page = (await li.get("/programs/big-none")).text
    assert of_type(world, "big-none", "AttendanceRecorded", "attendees") == []
    assert "AttendanceRecorded" in [
        r.event_type for r in world.h.db.store.read_stream("program-big-none")
    ]
    assert 'data-testid="act-complete-session"' in page
