"""Enrolment from a roster file: refused whole with every offending row listed, sent in
batches, and resumed after a failure midway without enrolling anyone twice."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import pytest

from accounts.users import UserStore
from domain import commands as c
from domain.events import Session
from domain.reference import EmployeeRecorded
from eventlog import NewEvent
from services import programs_bulk
from services.database import Database
from services.error_texts import say
from services.errors import Forbidden, Invalid, NotFound
from services.program_checks import check_sizes
from services.programs_bulk import attendance_from_file, enrol_from_file
from services.roster_files import RosterFileRefused, RosterRefused, check_roster, read_roster
from tests.conftest import Harness, until
from tests.services.bulk_context import FAST_HASHER, Context, Specialist
from tests.workflows.support import published_for


def test_a_roster_is_refused_whole_with_every_offending_row() -> None:
    data = b"employee_id\ne1\nnot an id\ne2\ne1\n\ne3,extra column\ne2\n"
    with pytest.raises(RosterRefused) as refused:
        read_roster(data)
    rows = [(p.row, p.value, p.problem) for p in refused.value.problems]
    assert rows == [
        (3, "not an id", "not an employee id"),
        (5, "e1", "duplicate of row 2"),
        (8, "e2", "duplicate of row 4"),
    ]
    assert "nothing was recorded" in str(refused.value)
    assert read_roster(b"\xef\xbb\xbfe1\r\ne2\r\n") == ["e1", "e2"]  # BOM, CRLF, no header
    with pytest.raises(RosterFileRefused, match="over the 10-byte limit"):
        read_roster(b"e1\ne2\ne3\ne4\n", max_bytes=10)
    with pytest.raises(RosterFileRefused, match="not UTF-8 text"):
        read_roster("e1\nJos\u00e9\n".encode("latin-1"))
    with pytest.raises(RosterFileRefused, match="names nobody"):
        read_roster(b"employee_id\n\n")
    # Lines ended by a lone carriage return (older Excel for Mac) read as lines; a field CSV
    # cannot read (over 128 KiB, a quote left open) refuses the file, naming its line.
    assert read_roster(b"employee_id\re1\re2\r") == ["e1", "e2"]
    for unreadable in (b"employee_id\n" + b"x" * 200_000, b'employee_id\n"' + b"x" * 140_000):
        with pytest.raises(RosterFileRefused, match="line 2 cannot be read as CSV") as refusal:
            read_roster(unreadable)
        said = say(refusal.value.key, refusal.value.params, "zh-CN")
        assert said is not None and "第 2 行无法按 CSV 读取" in said
    in_chinese = [p.said("zh-CN") for p in refused.value.problems]
    assert in_chinese == ["不是员工编号", "与第 2 行重复", "与第 4 行重复"]
    assert refused.value.said("zh-CN").startswith("名单被拒绝")
    assert "第 3 行 'not an id':不是员工编号" in refused.value.said("zh-CN")


@dataclass
class FailingContext(Context):
    """Sends through the real client until ``fail_after`` batches, then the process "dies"."""

    fail_after: int | None = None
    sent: list[int] = field(default_factory=list)

    async def programs(self) -> Any:
        return self

    async def act(self, program_id: str, command: Any, *, update_id: str | None = None) -> Any:
        if self.fail_after is not None and len(self.sent) >= self.fail_after:
            raise ConnectionError("the API process died")
        self.sent.append(len(command.trainees))
        return await self.client.act(program_id, command, update_id=update_id)


def stop_after_first_batch(monkeypatch: pytest.MonkeyPatch, programs: Any) -> Any:
    """The sender loses its worker once the first batch went through (every later update
    fails to send): what the file resumes from. Returns the real ``act``, to put back."""
    act = programs.act
    sent: list[int] = []

    async def dies_after_one(program_id: str, command: Any, **kw: Any) -> Any:
        if sent:
            raise ConnectionError("the worker went away")
        sent.append(1)
        return await act(program_id, command, **kw)

    monkeypatch.setattr(programs, "act", dies_after_one)
    return act


def employees(database: Database, people: list[str]) -> None:
    for person in people:
        event = EmployeeRecorded(employee_id=person)
        row = NewEvent(
            event_id=uuid4(),
            event_type=event.type,
            payload=event.model_dump(mode="json"),
            occurred_at=datetime.now(UTC),
            metadata={},
        )
        database.store.append(f"employee-{person}", 0, [row])


def test_a_row_is_named_by_the_line_it_starts_on() -> None:
    """A quoted field may hold line breaks: rows and lines then differ, and a person looking
    for "row 3" in an editor looks at line 3."""
    data = b'"a\nb",x\nno way\ne1\n"e2"\ne1\n'

    with pytest.raises(RosterRefused) as refused:
        read_roster(data)

    assert [(p.row, p.value, p.code) for p in refused.value.problems] == [
        (1, "a\nb", "row.not_an_id"),
        (3, "no way", "row.not_an_id"),
        (6, "e1", "row.duplicate"),
    ]
    assert refused.value.problems[2].params == {"first": 4}


def test_a_roster_of_seventy_thousand_unknown_ids_is_refused_row_by_row(
    database: Database,
) -> None:
    """More unknown ids than a statement may carry parameters (PostgreSQL's 65,535; SQLite's
    32,766): refused as bad rows, not as "database unavailable"."""
    people = [f"x{n:06d}" for n in range(70_000)]
    employees(database, ["x000001"])

    with pytest.raises(RosterRefused) as refused:
        check_roster(database.store, "\n".join(people).encode())

    problems = refused.value.problems
    assert len(problems) == 69_999
    assert {p.code for p in problems} == {"row.unknown_employee"}
    assert "x000001" not in {p.value for p in problems}


async def test_a_roster_file_is_enrolled_in_batches_and_resumes_after_a_failure(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    monkeypatch.setattr(programs_bulk, "ENROL_BATCH", 7)
    people = [f"e{n:03d}" for n in range(40)]
    employees(h.db, people)
    pid = f"bulk-{uuid4().hex[:8]}"
    start = await h.env.get_current_time() + timedelta(days=3)
    await h.programs.plan(
        c.PlanProgram(
            program_id=pid,
            actor="spec",
            approvers=("boss",),
            title="Everyone",
            planned_date=(start + timedelta(days=9)).date(),
            sessions=(Session(session_id="s1", starts_at=start),),
            trainees=("e000", "e001"),
        )
    )
    for command in (
        c.SubmitProgram(actor="spec"),
        c.ApproveProgram(actor="boss"),
        c.PublishProgram(actor="spec"),
    ):
        await h.programs.act(pid, command)

    def enrolled() -> list[str]:
        stream = h.db.store.read_stream(f"program-{pid}")
        return [r.payload["trainee"] for r in stream if r.event_type == "TraineeEnrolled"]

    # an unknown employee id: refused before anything is recorded
    stranger = "\n".join([*people, "ghost"]).encode()
    with pytest.raises(RosterRefused, match="row 41 'ghost': unknown employee id"):
        await enrol_from_file(Context(h.db, h.programs), Specialist(), pid, stranger)
    assert enrolled() == ["e000", "e001"]

    data = "\n".join(people).encode()
    failing = FailingContext(h.db, h.programs, fail_after=2)
    with pytest.raises(ConnectionError):
        await enrol_from_file(failing, Specialist(), pid, data)
    assert len(enrolled()) == 2 + 14  # two batches went through

    seen: list[tuple[int, int]] = []
    resumed = FailingContext(h.db, h.programs)
    outcome = await enrol_from_file(
        resumed, Specialist(), pid, data, lambda done, total: seen.append((done, total))
    )
    assert sorted(enrolled()) == people  # everyone, once
    assert (outcome.total, outcome.recorded, outcome.skipped) == (40, 24, 16)
    assert resumed.sent == [7, 7, 7, 3]
    assert seen == [(16, 40), (23, 40), (30, 40), (37, 40), (40, 40)]

    # attendance from a sign-in sheet: checked whole, then resumed like the enrolment
    await until(h.env, start + timedelta(minutes=5))
    sheet = "\n".join(people[:10]).encode()
    with pytest.raises(NotFound, match="no session 'nope'"):
        await attendance_from_file(Context(h.db, h.programs), Specialist(), pid, "nope", sheet)
    with pytest.raises(RosterRefused, match="row 11 'ghost': not enrolled in this program"):
        await attendance_from_file(
            Context(h.db, h.programs), Specialist(), pid, "s1", sheet + b"\nghost"
        )
    # a malformed row and a stranger are listed together, in the file's order (issue 16)
    with pytest.raises(RosterRefused) as both:
        await attendance_from_file(
            Context(h.db, h.programs), Specialist(), pid, "s1", sheet + b"\nghost\nno id!"
        )
    assert [(p.row, p.code) for p in both.value.problems] == [
        (11, "row.not_enrolled"),
        (12, "row.not_an_id"),
    ]
    first = await attendance_from_file(Context(h.db, h.programs), Specialist(), pid, "s1", sheet)
    longer = "\n".join(people[:15]).encode()
    again = await attendance_from_file(Context(h.db, h.programs), Specialist(), pid, "s1", longer)
    assert (first.recorded, again.recorded, again.skipped) == (10, 5, 10)
    stream = h.db.store.read_stream(f"program-{pid}")
    attended = [
        p for r in stream if r.event_type == "AttendeesRecorded" for p in r.payload["attendees"]
    ]
    assert sorted(attended) == people[:15]  # each once


async def published_for_a_file(
    h: Harness, name: str, monkeypatch: pytest.MonkeyPatch
) -> tuple[str, datetime, list[str]]:
    """A published program for e000 and e001, sent 7 a batch: its id, its session's start,
    and the 30 more people a file names."""
    monkeypatch.setattr(programs_bulk, "ENROL_BATCH", 7)
    people = [f"e{n:03d}" for n in range(2, 32)]
    employees(h.db, ["e000", "e001", *people])
    start = await h.env.get_current_time() + timedelta(days=3)
    pid = f"{name}-{uuid4().hex[:8]}"
    assert await published_for(h, pid, name, ("e000", "e001"), start) == "published"
    return pid, start, people


@dataclass
class BusyContext(Context):
    """Before the file's first batch goes, other requests record some of its people (a
    specialist's single enrolment, another file), as they may while it is sent."""

    meanwhile: list[c.ProgramCommand] = field(default_factory=list)
    sent: list[tuple[str, ...]] = field(default_factory=list)

    async def programs(self) -> Any:
        return self

    async def act(self, program_id: str, command: Any, *, update_id: str | None = None) -> Any:
        while self.meanwhile:
            await self.client.act(program_id, self.meanwhile.pop(0))
        batch = getattr(command, "trainees", None) or command.attendees
        self.sent.append(tuple(batch))
        return await self.client.act(program_id, command, update_id=update_id)


async def test_people_recorded_meanwhile_by_another_request_leave_the_file_complete(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tester's single enrolment during a 10,000-person upload stopped it for good ("e09000
    is already enrolled", resume: false) with 1,499 left out, though sending it again worked.
    The batch is sent again without those the rules name; they count as skipped."""
    h = harness
    pid, start, people = await published_for_a_file(h, "busy", monkeypatch)
    data = "\n".join(people).encode()
    busy = BusyContext(
        h.db,
        h.programs,
        meanwhile=[
            c.EnrollTrainees(actor="spec", trainees=tuple(people[14:21])),  # a whole batch
            c.EnrollTrainee(actor="spec", trainee=people[9]),
        ],
    )

    outcome = await enrol_from_file(busy, Specialist(), pid, data)

    stream = h.db.store.read_stream(f"program-{pid}")
    enrolled = [r.payload["trainee"] for r in stream if r.event_type == "TraineeEnrolled"]
    assert sorted(enrolled) == ["e000", "e001", *people]  # everyone, once
    assert (outcome.total, outcome.recorded, outcome.skipped) == (30, 22, 8)
    assert busy.sent[1] == tuple(people[7:14]) and busy.sent[2] == tuple(
        p for p in people[7:14] if p != people[9]
    )  # sent again without the one enrolled meanwhile; the batch enrolled meanwhile once
    assert len(busy.sent) == 1 + 2 + 1 + 2

    # attendance, the same way: someone recorded attending meanwhile is left out
    await until(h.env, start + timedelta(minutes=5))
    sheet = "\n".join(people[:10]).encode()
    signed_in = BusyContext(
        h.db,
        h.programs,
        meanwhile=[c.RecordAttendees(actor="spec", session_id="s1", attendees=(people[3],))],
    )
    attended = await attendance_from_file(signed_in, Specialist(), pid, "s1", sheet)
    assert (attended.recorded, attended.skipped) == (9, 1)
    stream = h.db.store.read_stream(f"program-{pid}")
    names = [
        p for r in stream if r.event_type == "AttendeesRecorded" for p in r.payload["attendees"]
    ]
    assert sorted(names) == people[:10]  # each once


async def test_the_same_file_sent_twice_at_once_is_recorded_once_and_counted_once(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two sendings of one file at once (two windows, two colleagues): each person is
    recorded once, and the two outcomes say so together: a batch the other had recorded is
    counted skipped, not "recorded" by both (a tester saw both claim all 18,500)."""
    h = harness
    pid, _, people = await published_for_a_file(h, "twice", monkeypatch)
    data = "\n".join(people).encode()

    one, other = await asyncio.gather(
        enrol_from_file(Context(h.db, h.programs), Specialist(), pid, data),
        enrol_from_file(Context(h.db, h.programs), Specialist(), pid, data),
    )

    stream = h.db.store.read_stream(f"program-{pid}")
    enrolled = [r.payload["trainee"] for r in stream if r.event_type == "TraineeEnrolled"]
    assert sorted(enrolled) == ["e000", "e001", *people]  # everyone, once
    assert one.recorded + other.recorded == 30
    assert (one.total, other.total) == (30, 30)
    assert one.recorded + one.skipped == other.recorded + other.skipped == 30


@dataclass
class DisablingContext(Context):
    """An admin disables the sender once the file's first batch is recorded."""

    async def programs(self) -> Any:
        return self

    async def act(self, program_id: str, command: Any, *, update_id: str | None = None) -> Any:
        answer = await self.client.act(program_id, command, update_id=update_id)
        UserStore(self.database.engine, hasher=FAST_HASHER).set_active("spec", False)
        return answer


async def test_a_sender_disabled_while_a_file_is_sent_is_stopped_there(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A tester disabled an account a second into its 4,999-row upload: 3,999 more were
    enrolled in its name, after its tokens were revoked. The sender is asked again before
    each later batch."""
    h = harness
    pid, _, people = await published_for_a_file(h, "disabled", monkeypatch)

    with pytest.raises(Forbidden, match="spec is no longer an active user"):
        await enrol_from_file(
            DisablingContext(h.db, h.programs), Specialist(), pid, "\n".join(people).encode()
        )

    stream = h.db.store.read_stream(f"program-{pid}")
    enrolled = [r.payload["trainee"] for r in stream if r.event_type == "TraineeEnrolled"]
    assert sorted(enrolled) == ["e000", "e001", *people[:7]]  # the first batch only


def test_a_plan_naming_more_than_the_inline_cap_points_to_a_roster_file() -> None:
    start = datetime(2030, 1, 10, 9, tzinfo=UTC)
    fields: dict[str, Any] = {
        "program_id": "big",
        "actor": "spec",
        "title": "Everyone",
        "planned_date": start.date(),
        "sessions": (Session(session_id="s1", starts_at=start),),
    }
    people = tuple(f"e{n}" for n in range(c.MAX_TRAINEES + 1))
    # The model reads back what a workflow history holds, however old: never refused there.
    bigger = c.PlanProgram(**fields, trainees=people)
    with pytest.raises(Invalid) as refused:
        check_sizes(bigger, "big")
    assert refused.value.key == "error.plan_too_many_trainees"
    assert "at most 800 trainees (801 given)" in str(refused.value)
    assert "trainops program enrol big --file roster.csv" in str(refused.value)
    check_sizes(c.PlanProgram(**fields, trainees=people[:-1]), "big")  # the most is fine


def test_one_attendance_naming_more_than_a_batch_points_to_the_file_route() -> None:
    people = tuple(f"e{n}" for n in range(c.MAX_ENROL_BATCH + 1))
    bigger = c.RecordAttendance(actor="spec", session_id="s1", attendees=people)
    with pytest.raises(Invalid) as refused:
        check_sizes(bigger, "big")
    assert "at most 1,000 attendees (1,001 given)" in str(refused.value)
    assert "trainops program attendance big s1 --file sheet.csv" in str(refused.value)
    most = c.RecordAttendance(actor="spec", session_id="s1", attendees=people[:-1])
    check_sizes(most, "big")
