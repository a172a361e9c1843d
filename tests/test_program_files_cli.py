"""``trainops program enrol --file`` and ``trainops program attendance --file`` against a live
API on the Temporal test server: a refused file lists every offending row on stderr (exit 3)
and records nothing; a run stopped midway says how to resume (exit 5) and the same command
resumes it, recording nobody twice; ``--json`` prints only the outcome; the progress bar is
drawn on a terminal only."""

from __future__ import annotations

import asyncio
import io
import json
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import structlog
from rich.console import Console
from typer.testing import CliRunner, Result

from domain import commands
from domain.commands import MAX_ENROL_BATCH
from runtime.settings import get_settings
from services import programs_bulk, roster_files
from tests.api.live import live_api
from tests.conftest import Harness, until
from tests.services.test_programs_bulk import employees, stop_after_first_batch
from tests.workflows.support import published_for
from trainops import program_files
from trainops.cli import app

PEOPLE = [f"staff.{n:03d}@example.com" for n in range(30)]


@pytest.fixture
def signed_in(
    harness: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Harness]:
    """A live API over the harness; the command line signed in as the specialist ``spec``."""
    monkeypatch.setenv("TRAINOPS_CREDENTIALS_FILE", str(tmp_path / "nobody.json"))
    get_settings.cache_clear()
    saved = structlog.get_config()
    try:
        with live_api(harness.db, harness.programs) as live:
            live.users.create_user("spec", "a long specialist password", ["specialist"])
            monkeypatch.setenv("TRAINOPS_SERVER", live.url)
            monkeypatch.setenv("TRAINOPS_TOKEN", live.users.issue_token("spec", "cli")[1])
            # the server's log lines would land in the command's captured stdout
            structlog.configure(logger_factory=structlog.ReturnLoggerFactory())
            yield harness
    finally:
        structlog.configure(**saved)
        get_settings.cache_clear()


async def trainops(*args: str) -> Result:
    """The command, off this loop (the server it calls uses it)."""
    return await asyncio.to_thread(lambda: CliRunner().invoke(app, list(args)))


def enrolled(h: Harness, pid: str) -> list[str]:
    stream = h.db.store.read_stream(f"program-{pid}")
    return [r.payload["trainee"] for r in stream if r.event_type == "TraineeEnrolled"]


async def test_enrol_and_attendance_from_a_file_on_the_command_line(
    signed_in: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = signed_in
    monkeypatch.setattr(programs_bulk, "ENROL_BATCH", 7)
    employees(h.db, [*PEOPLE, "e0"])
    start = await h.env.get_current_time() + timedelta(days=3)
    assert await published_for(h, "cli-files", "Everyone", ("e0",), start) == "published"
    roster = tmp_path / "roster.csv"
    roster.write_text("employee_id\n" + "\n".join(PEOPLE) + "\n", encoding="utf-8")
    bad = tmp_path / "bad.csv"
    bad.write_text(roster.read_text() + "ghost\nstaff.001@example.com\nno way\n")

    refused = await trainops("program", "enrol", "cli-files", "--file", str(bad))
    assert refused.exit_code == 3, refused.output
    assert refused.stdout == ""
    assert refused.stderr.startswith("error: 3 rows refused, nothing was recorded:\n")
    assert "row 32: 'ghost': unknown employee id" in refused.stderr
    assert "row 33: 'staff.001@example.com': duplicate of row 3" in refused.stderr
    assert "row 34: 'no way': not an employee id" in refused.stderr
    assert enrolled(h, "cli-files") == ["e0"]
    in_chinese = await trainops(
        "--lang", "zh-CN", "program", "enrol", "cli-files", "--file", str(bad)
    )
    assert in_chinese.exit_code == 3, in_chinese.output
    assert "32" in in_chinese.stderr
    assert "未知的员工编号" in in_chinese.stderr and "与第 3 行重复" in in_chinese.stderr
    assert "unknown employee id" not in in_chinese.stderr
    latin1 = tmp_path / "latin1.csv"
    latin1.write_bytes("employee_id\nJos\u00e9\n".encode("latin-1"))
    not_text = await trainops("program", "enrol", "cli-files", "--file", str(latin1))
    assert not_text.exit_code == 2, not_text.output
    assert "not UTF-8 text (byte 16)" in not_text.stderr and "row" not in not_text.stderr
    assert len(not_text.stderr.strip().splitlines()) == 1
    # over the API's limit: said before anything is sent, with the file's own size (sent,
    # the server stops reading it and answers early)
    assert program_files.MAX_FILE_BYTES == roster_files.MAX_ROSTER_BYTES
    huge = tmp_path / "huge.csv"
    huge.write_bytes(b"e0\n" * (roster_files.MAX_ROSTER_BYTES // 3 + 1000))
    too_big = await trainops("program", "enrol", "cli-files", "--file", str(huge))
    assert too_big.exit_code == 2, too_big.output
    size = huge.stat().st_size
    assert f"{size} bytes is over the {roster_files.MAX_ROSTER_BYTES}-byte limit" in too_big.stderr
    missing = await trainops("program", "enrol", "cli-files", "--file", str(tmp_path / "no.csv"))
    assert missing.exit_code == 2 and "cannot read" in missing.stderr
    elsewhere = await trainops("program", "enrol", "nope", "--file", str(roster))
    assert elsewhere.exit_code == 4, elsewhere.output

    act = stop_after_first_batch(monkeypatch, h.programs)
    stopped = await trainops("program", "enrol", "cli-files", "--file", str(roster))
    assert stopped.exit_code == 5, stopped.output
    assert "stopped midway, 7 of 30 recorded" in stopped.stderr
    assert stopped.stderr.count("again to resume") == 1, stopped.stderr  # said once
    assert len(enrolled(h, "cli-files")) == 1 + 7
    monkeypatch.setattr(h.programs, "act", act)

    resumed = await trainops("program", "enrol", "cli-files", "--file", str(roster), "--json")
    assert resumed.exit_code == 0, resumed.output
    assert resumed.stderr == ""  # no progress bar: stderr is not a terminal
    outcome = json.loads(resumed.stdout)
    assert (outcome["total"], outcome["recorded"], outcome["skipped"]) == (30, 23, 7)
    assert sorted(enrolled(h, "cli-files")) == sorted(["e0", *PEOPLE])  # everyone, once

    again = await trainops("program", "enrol", "cli-files", "--file", str(roster))
    assert again.exit_code == 0, again.output
    assert "enrolled 0 of 30 in cli-files (30 enrolled before)" in again.stdout

    # a sign-in device's export: refused by the rules before its session starts (exit 3,
    # nothing recorded, no advice to send it again), then with the bar drawn on a terminal
    sheet = tmp_path / "device.csv"
    sheet.write_text("\n".join(PEOPLE[:20]) + "\n", encoding="utf-8")
    early = await trainops("program", "attendance", "cli-files", "s1", "--file", str(sheet))
    assert early.exit_code == 3, early.output
    assert "before it has started" in early.stderr and "resume" not in early.stderr
    await until(h.env, start + timedelta(minutes=5))
    screen = io.StringIO()
    terminal = Console(file=screen, force_terminal=True, width=100)
    monkeypatch.setattr(program_files, "errors", terminal)
    attended = await trainops("program", "attendance", "cli-files", "s1", "--file", str(sheet))
    assert attended.exit_code == 0, attended.output
    assert "recorded 20 of 20 attending s1 (0 recorded before)" in attended.stdout
    assert "sending" in screen.getvalue() and "/20" in screen.getvalue()
    stream = h.db.store.read_stream("program-cli-files")
    names = [
        p for r in stream if r.event_type == "AttendeesRecorded" for p in r.payload["attendees"]
    ]
    assert sorted(names) == sorted(PEOPLE[:20])


async def test_attend_naming_more_than_a_batch_points_to_the_file_command(
    signed_in: Harness,
) -> None:
    h = signed_in
    employees(h.db, ["e0"])
    start = await h.env.get_current_time() + timedelta(days=3)
    assert await published_for(h, "cli-cap", "Everyone", ("e0",), start) == "published"
    await until(h.env, start + timedelta(minutes=5))
    names = ["e0", *(f"staff.{n:04d}@example.com" for n in range(MAX_ENROL_BATCH))]
    attendees = [arg for name in names for arg in ("--attendee", name)]
    refused = await trainops("program", "attend", "cli-cap", "s1", *attendees)
    assert refused.exit_code == 2, refused.output  # invalid input
    assert refused.stdout == ""
    assert "at most 1,000 attendees (1,001 given)" in refused.stderr
    assert "trainops program attendance cli-cap s1 --file sheet.csv" in refused.stderr
    assert "Traceback" not in refused.output
    stream = h.db.store.read_stream("program-cli-cap")
    assert not [r for r in stream if r.event_type == "AttendanceRecorded"]


async def test_attend_in_a_program_bigger_than_a_batch_points_to_the_file_command(
    signed_in: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = signed_in
    employees(h.db, ["e0", "e1"])
    start = await h.env.get_current_time() + timedelta(days=3)
    assert await published_for(h, "cli-big", "Everyone", ("e0", "e1"), start) == "published"
    await until(h.env, start + timedelta(minutes=5))
    monkeypatch.setattr(commands, "MAX_ENROL_BATCH", 1)
    refused = await trainops("program", "attend", "cli-big", "s1", "--attendee", "e0")
    assert refused.exit_code == 2, refused.output
    assert refused.stdout == "" and "Traceback" not in refused.output
    assert "cli-big has 2 trainees enrolled" in refused.stderr
    assert "trainops program attendance cli-big s1 --file" in refused.stderr
    stream = h.db.store.read_stream("program-cli-big")
    assert not [r for r in stream if r.event_type == "AttendanceRecorded"]


async def published_with_a_roster(
    h: Harness, program_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A published program for "e0", and a roster file of ``PEOPLE`` sent 7 a batch."""
    monkeypatch.setattr(programs_bulk, "ENROL_BATCH", 7)
    employees(h.db, [*PEOPLE, "e0"])
    start = await h.env.get_current_time() + timedelta(days=3)
    assert await published_for(h, program_id, "Everyone", ("e0",), start) == "published"
    roster = tmp_path / "roster.csv"
    roster.write_text("\n".join(PEOPLE) + "\n", encoding="utf-8")
    return roster


def pressed_ctrl_c_after_a_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.progress import Progress

    drawn = Progress.update

    def pressed(self: Progress, *args: object, **kwargs: object) -> None:
        drawn(self, *args, **kwargs)  # type: ignore[arg-type]
        if "description" not in kwargs:  # the first batch's line: Ctrl-C
            raise KeyboardInterrupt

    monkeypatch.setattr(Progress, "update", pressed)


def answer_cut_after_a_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    from trainops.http_wire import Answer, ProtocolError

    lines = Answer.__iter__

    def cut(self: Answer) -> Iterator[bytes]:
        read = lines(self)
        yield next(read)  # checked
        yield next(read)  # the first batch sent
        raise ProtocolError("a chunk of the answer was cut short")

    monkeypatch.setattr(Answer, "__iter__", cut)


@pytest.mark.parametrize(
    ("stop", "code", "said"),
    [
        (pressed_ctrl_c_after_a_batch, 130, "interrupted with at least 7 of 30 recorded; run "),
        (
            answer_cut_after_a_batch,  # the API process killed
            5,
            "the connection to trainops was lost with at least 7 of 30 recorded; run ",
        ),
    ],
    ids=["ctrl-c", "api-killed"],
)
async def test_a_file_stopped_midway_says_how_far_it_got_and_resumes(
    signed_in: Harness,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    stop: Callable[[pytest.MonkeyPatch], None],
    code: int,
    said: str,
) -> None:
    """Ctrl-C (exit 130, as a shell reports it) or the answer cut off (exit 5) while a file is
    sent: how many at least were recorded and that the same command resumes, not a silent
    exit or "cannot reach trainops … is it running?"; the same command then enrols the rest,
    nobody twice."""
    h = signed_in
    roster = await published_with_a_roster(h, f"cli-{code}", tmp_path, monkeypatch)
    with monkeypatch.context() as stopping:
        stop(stopping)
        stopped = await trainops("program", "enrol", f"cli-{code}", "--file", str(roster))
    assert stopped.exit_code == code, stopped.output
    assert said + "the same command again to resume" in stopped.stderr
    assert "Traceback" not in stopped.output and "cannot reach" not in stopped.stderr

    resumed = await trainops("program", "enrol", f"cli-{code}", "--file", str(roster), "--json")
    assert resumed.exit_code == 0, resumed.output
    assert sorted(enrolled(h, f"cli-{code}")) == sorted(["e0", *PEOPLE])  # everyone, once


async def test_a_late_sign_in_sheet_is_recorded_with_its_reason(
    signed_in: Harness, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--late-reason`` reaches the server as a query of its own: sent inside the path (which
    is percent-encoded) it named no route, and every late sheet was "Not Found" (exit 4)."""
    h = signed_in
    roster = await published_with_a_roster(h, "cli-late", tmp_path, monkeypatch)
    assert (await trainops("program", "enrol", "cli-late", "--file", str(roster))).exit_code == 0
    start = await h.env.get_current_time() + timedelta(days=3)
    await until(h.env, start + timedelta(days=40))  # past the entry window
    sheet = tmp_path / "paper.csv"
    sheet.write_text("\n".join(PEOPLE[:5]) + "\n", encoding="utf-8")
    command = ("program", "attendance", "cli-late", "s1", "--file", str(sheet))

    unexplained = await trainops(*command)
    blank = await trainops(*command, "--late-reason", "")
    explained = await trainops(*command, "--late-reason", "paper sheet, typed in? later")

    assert unexplained.exit_code == 3, unexplained.output
    assert "late" in unexplained.stderr
    assert blank.exit_code == 2, blank.output  # the server's 422: said, not taken as none
    assert explained.exit_code == 0, explained.output
    assert "recorded 5 of 5 attending s1" in explained.stdout
    stream = h.db.store.read_stream("program-cli-late")
    recorded = [r.payload for r in stream if r.event_type == "AttendeesRecorded"]
    assert [(r["late_reason"], sorted(r["attendees"])) for r in recorded] == [
        ("paper sheet, typed in? later", sorted(PEOPLE[:5]))
    ]
