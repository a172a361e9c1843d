"""Enrolment and attendance from a file over HTTP: checked whole (a 422 listing every offending
row, nothing recorded), progress streamed as the batches go, and a run stopped midway resumed
by sending the same file again, without recording anyone twice."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from domain import commands as c
from projections import kpi_queries
from services import programs_bulk, roster_files
from tests.api.conftest import World, run, session_started
from tests.services.test_programs_bulk import employees, stop_after_first_batch


def lines(response: httpx.Response) -> list[dict[str, Any]]:
    assert response.headers["content-type"].startswith("application/x-ndjson")
    return [json.loads(line) for line in response.text.splitlines()]


def of_type(world: World, program_id: str, event_type: str, field: str) -> list[str]:
    stream = world.h.db.store.read_stream(f"program-{program_id}")
    found: list[str] = []
    for row in stream:
        if row.event_type == event_type:
            value = row.payload[field]
            found += value if isinstance(value, list) else [value]
    return found


async def upload(
    client: httpx.AsyncClient, path: str, data: bytes, **params: str
) -> httpx.Response:
    files = {"file": ("roster.csv", data, "text/csv")}
    return await client.post(f"/api/v1/bulk/programs/{path}", files=files, params=params)


async def test_a_roster_file_is_checked_whole_then_enrolled_and_resumed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(programs_bulk, "ENROL_BATCH", 7)
    people = [f"staff.{n:03d}@example.com" for n in range(30)]
    employees(world.h.db, people)
    plan = await run(world, "files-1", "published")
    before = of_type(world, "files-1", "TraineeEnrolled", "trainee")
    roster = ("employee_id\n" + "\n".join(people) + "\n").encode()

    async with world.client("spec.li") as li:
        bad = roster + b"ghost.1@example.com\nstaff.004@example.com\nnot an id!\n"
        refused = await upload(li, "files-1/roster", bad)
        assert refused.status_code == 422, refused.text
        assert refused.json()["rows"] == [
            {
                "row": 32,
                "value": "ghost.1@example.com",
                "code": "row.unknown_employee",
                "params": {},
                "problem": "unknown employee id",
            },
            {
                "row": 33,
                "value": "staff.004@example.com",
                "code": "row.duplicate",
                "params": {"first": 6},
                "problem": "duplicate of row 6",
            },
            {
                "row": 34,
                "value": "not an id!",
                "code": "row.not_an_id",
                "params": {},
                "problem": "not an employee id",
            },
        ]
        assert "nothing was recorded" in refused.json()["detail"]
        assert of_type(world, "files-1", "TraineeEnrolled", "trainee") == before

        async with world.client("spec.zhao") as zhao:  # not their program
            assert (await upload(zhao, "files-1/roster", roster)).status_code == 403
        assert (await upload(li, "nope/roster", roster)).status_code == 404

        # the server stops after the first batch: what went through is recorded, once
        act = stop_after_first_batch(monkeypatch, world.programs)
        stopped = await upload(li, "files-1/roster", roster)
        assert stopped.status_code == 200
        progress = lines(stopped)
        assert progress[0] == {"checked": 30, "skipped": 0, "to_send": 30}
        assert progress[1] == {"sent": 7, "of": 30}
        assert {k: progress[-1][k] for k in ("recorded_before", "of", "resume")} == {
            "recorded_before": 7,
            "of": 30,
            "resume": True,  # lost on the way: sending the same file again resumes
        }
        assert len(of_type(world, "files-1", "TraineeEnrolled", "trainee")) == len(before) + 7

        monkeypatch.setattr(world.programs, "act", act)
        resumed = lines(await upload(li, "files-1/roster", roster))
    assert resumed[0] == {"checked": 30, "skipped": 7, "to_send": 23}
    assert [p["sent"] for p in resumed[1:-1]] == [14, 21, 28, 30]
    assert {k: resumed[-1][k] for k in ("total", "recorded", "skipped")} == {
        "total": 30,
        "recorded": 23,
        "skipped": 7,
    }
    enrolled = of_type(world, "files-1", "TraineeEnrolled", "trainee")
    assert sorted(enrolled) == sorted([*before, *people])  # everyone, once

    # attendance from a device export: checked whole, then recorded once however often sent
    await session_started(world, plan)
    sheet = ("\n".join(people[:10]) + "\nemp.1\n").encode()
    async with world.client("spec.li") as li:
        strangers = await upload(li, "files-1/sessions/s1/attendance", sheet + b"ghost.2\n")
        assert strangers.status_code == 422
        assert strangers.json()["rows"] == [
            {
                "row": 12,
                "value": "ghost.2",
                "code": "row.not_enrolled",
                "params": {},
                "problem": "not enrolled in this program",
            }
        ]
        no_session = await upload(li, "files-1/sessions/s9/attendance", sheet)
        assert no_session.status_code == 404 and "no session 's9'" in no_session.text
        first = lines(await upload(li, "files-1/sessions/s1/attendance", sheet))
        again = lines(await upload(li, "files-1/sessions/s1/attendance", sheet))
    assert first[-1]["recorded"] == 11 and (again[-1]["recorded"], again[-1]["skipped"]) == (0, 11)
    attended = of_type(world, "files-1", "AttendeesRecorded", "attendees")
    assert sorted(attended) == sorted([*people[:10], "emp.1"])
    # `kpi explain participation` shows the attendance the file recorded (issue 16)
    behind = kpi_queries.evidence(world.h.db.engine, "participation", ["files-1"])
    assert "AttendeesRecorded" in {row["event_type"] for row in behind}


async def test_a_file_the_programs_rules_refuse_is_answered_as_a_refusal_up_front(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its first batch goes before the answer starts: a refusal by the rules is a 403 with its
    code, nothing recorded, not a 200 whose stream tells to send it again."""
    monkeypatch.setattr(programs_bulk, "ENROL_BATCH", 2)
    people = [f"staff.{n}@example.com" for n in range(5)]
    employees(world.h.db, people)
    roster = ("\n".join(people) + "\n").encode()
    await run(world, "files-approved", "approved")  # not published yet: nobody enrolled
    plan = await run(world, "files-early", "published")  # its session has not started
    async with world.client("spec.li") as li:
        early_roster = await upload(li, "files-approved/roster", roster)
        assert early_roster.status_code == 403, early_roster.text
        assert early_roster.json()["code"] == "program.not_allowed_in_status"
        early_sheet = await upload(li, "files-early/sessions/s1/attendance", b"emp.1\n")
        assert early_sheet.status_code == 403, early_sheet.text
        assert early_sheet.json()["code"] == "facts.before_session_start"
    assert of_type(world, "files-approved", "TraineeEnrolled", "trainee") == []
    assert of_type(world, "files-early", "AttendeesRecorded", "attendees") == []

    # refused by the rules after its first batch (really cancelled meanwhile, by its
    # specialist): the rules' words, not "no longer running", and not to be sent again
    act = world.programs.act
    sent: list[int] = []

    async def cancelled_after_one(program_id: str, command: Any, **kw: Any) -> Any:
        if sent:
            return await act(program_id, command, **kw)
        sent.append(1)
        first = await act(program_id, command, **kw)
        cancel = c.CancelProgram(actor="spec.li", reason="trainer ill")
        cancelled = await act(program_id, cancel)
        while world.h.db.projector.position() < cancelled.last_position:
            await asyncio.sleep(0.02)  # as an API answers once its action is projected
        return first

    monkeypatch.setattr(world.programs, "act", cancelled_after_one)
    async with world.client("spec.li") as li:
        stopped = lines(await upload(li, "files-early/roster", roster))
    assert stopped[1] == {"sent": 2, "of": 5}
    assert {k: stopped[-1][k] for k in ("code", "recorded_before", "of", "resume")} == {
        "code": "program.not_allowed_in_status",
        "recorded_before": 2,
        "of": 5,
        "resume": False,
    }
    assert plan["program_id"] == "files-early"


async def test_an_oversized_roster_is_refused_before_it_is_read(world: World) -> None:
    async with world.client("spec.li") as li:
        limit = roster_files.MAX_ROSTER_BYTES
        too_big = b"x" * (limit + 128 * 1024)
        answer = await upload(li, "any/roster", too_big)
    assert answer.status_code == 413, answer.text


async def test_two_files_in_one_upload_are_refused_and_record_nothing(world: World) -> None:
    """Not one of them taken unsaid (the last was, before)."""
    employees(world.h.db, ["staff.000@example.com", "staff.001@example.com"])
    await run(world, "files-two", "published")
    before = of_type(world, "files-two", "TraineeEnrolled", "trainee")
    files = [
        ("file", ("a.csv", b"staff.000@example.com\n", "text/csv")),
        ("file", ("b.csv", b"staff.001@example.com\n", "text/csv")),
    ]
    async with world.client("spec.li") as li:
        answer = await li.post("/api/v1/bulk/programs/files-two/roster", files=files)
    assert answer.status_code == 422, answer.text
    assert "it holds 2 files; send one file a request" in answer.json()["detail"]
    files = [files[0], ("other", ("b.csv", b"staff.001@example.com\n", "text/csv"))]
    async with world.client("spec.li") as li:
        other = await li.post("/api/v1/bulk/programs/files-two/roster", files=files)
    assert other.status_code == 422, other.text
    assert "parts this address does not take (other)" in other.json()["detail"]
    assert of_type(world, "files-two", "TraineeEnrolled", "trainee") == before


async def test_one_attendance_naming_too_many_is_refused_with_the_file_route(
    world: World,
) -> None:
    plan = await run(world, "files-cap", "published")
    await session_started(world, plan)
    too_many = ["emp.1", *(f"staff.{n:04d}@example.com" for n in range(c.MAX_ENROL_BATCH))]
    body = {"session_id": "s1", "attendees": too_many}
    async with world.client("spec.li") as li:
        refused = await li.post("/api/v1/programs/files-cap/attendance", json=body)
    assert refused.status_code == 422, refused.text
    assert "at most 1,000 attendees (1,001 given)" in refused.text
    assert "trainops program attendance files-cap s1 --file sheet.csv" in refused.text
    assert of_type(world, "files-cap", "AttendanceRecorded", "attendees") == []


async def test_one_attendance_in_a_program_bigger_than_a_batch_is_refused(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its absentees (everyone enrolled and not named) would ride in the look-up's answer and
    the event: a program with more enrolled than a batch records attendance from a file."""
    plan = await run(world, "files-big", "published")  # emp.1 and emp.2 enrolled
    await session_started(world, plan)
    monkeypatch.setattr(c, "MAX_ENROL_BATCH", 1)
    body = {"session_id": "s1", "attendees": ["emp.1"]}
    async with world.client("spec.li") as li:
        refused = await li.post("/api/v1/programs/files-big/attendance", json=body)
    assert refused.status_code == 422, refused.text
    assert "files-big has 2 trainees enrolled" in refused.json()["detail"]
    assert "trainops program attendance files-big s1 --file" in refused.json()["detail"]
    assert of_type(world, "files-big", "AttendanceRecorded", "attendees") == []


async def test_a_trainee_sees_their_programs_lines_not_pages_of_others_enrolments(
    world: World,
) -> None:
    """A trainee reads the program's lines they may see (published, sessions, their own), a
    page of them chosen in the query: 250 others' enrolments are not 200 lines read and
    narrowed to an empty page (a tester walked 94 empty pages of a 20,000-person program)."""
    people = [f"staff.{n:03d}@example.com" for n in range(250)]
    employees(world.h.db, people)
    await run(world, "files-view", "published")  # emp.1 and emp.2 enrolled
    async with world.client("spec.li") as li:
        done = await upload(li, "files-view/roster", ("\n".join(people) + "\n").encode())
        assert done.status_code == 200, done.text
        assert lines(done)[-1]["recorded"] == 250
        whole = (await li.get("/api/v1/programs/files-view")).json()
    assert len(whole["timeline"]) == 200 and whole["timeline_older"] is not None

    async with world.client("emp.1") as emp:
        read = await emp.get("/api/v1/programs/files-view")
        assert read.status_code == 200, read.text
        page = await emp.get("/api/v1/programs/files-view/timeline")
    seen = read.json()
    kinds = [t["event_type"] for t in seen["timeline"]]
    assert "ProgramPublished" in kinds and "SessionScheduled" in kinds
    assert "TraineeEnrolled" not in kinds
    assert seen["timeline_older"] is None  # all they may see fits one page: nothing to walk
    assert [t["event_type"] for t in page.json()] == kinds


async def test_a_sender_disabled_midway_is_stopped_and_told_not_to_resume(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An admin disables the specialist after the file's first batch: the stream ends with the
    refusal and ``resume: false`` (sending it again would be refused at the door)."""
    monkeypatch.setattr(programs_bulk, "ENROL_BATCH", 7)
    people = [f"staff.{n:03d}@example.com" for n in range(30)]
    employees(world.h.db, people)
    await run(world, "files-off", "published")
    before = of_type(world, "files-off", "TraineeEnrolled", "trainee")
    act = world.programs.act

    async def then_disabled(program_id: str, command: Any, **kw: Any) -> Any:
        answer = await act(program_id, command, **kw)
        world.users.set_active("spec.li", False, actor="admin")
        return answer

    monkeypatch.setattr(world.programs, "act", then_disabled)
    async with world.client("spec.li") as li:
        stopped = await upload(li, "files-off/roster", ("\n".join(people) + "\n").encode())
    assert stopped.status_code == 200, stopped.text
    last = lines(stopped)[-1]
    assert (last["code"], last["recorded_before"], last["resume"]) == (
        "error.sender_changed",
        7,
        False,
    )
    assert len(of_type(world, "files-off", "TraineeEnrolled", "trainee")) == len(before) + 7
