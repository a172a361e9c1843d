"""Text is text: user and data text printed by the command line is never read as markup."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from trainops.render import Output, fail, rows_table, show_rows


def test_an_error_goes_to_stderr_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    exit_ = fail("unknown column(s) x. Expected columns: employee_id, [hire_date], [bold]y")
    out, err = capsys.readouterr()
    assert exit_.code == 2 and out == ""
    assert "[hire_date], [bold]y" in err


def test_table_cells_and_titles_keep_brackets(capsys: pytest.CaptureFixture[str]) -> None:
    rows_table("[note] programs", [{"title": "[urgent] please check", "id": "p[1]"}], ["title"])
    out = capsys.readouterr().out
    assert "[note] programs" in out and "[urgent] please check" in out


#: A program id as long as ids may be (88 characters): never broken, in a title either.
LONG_ID = "compliance-2027-" + "x" * 72


@pytest.mark.parametrize("width", [20, 40, 60, 80, 200])
def test_tables_never_cut_a_word_and_leave_no_column_out(
    width: int, capsys: pytest.CaptureFixture[str]
) -> None:
    """Ids, hashes, event types and headings stay whole at any width (narrow terminals get a
    block per row); every column is there, none dropped with a note."""
    from rich.console import Console

    from trainops import render
    from trainops.language import heading

    row = {
        "task_id": "e04fef19-aaaa-bbbb-cccc-1234567890ab",
        "event_type": "ApprovalStepStarted",
        "title": "Workplace safety, with a title long enough to wrap",
        "step_name": "Approval by the plan's approvers",
        "hash": "9f" * 32,
        "due": "2026-12-09 04:30 UTC",
    }
    original = render.console
    render.console = Console(width=width, file=None)
    try:
        render.rows_table(f"{LONG_ID}: inbox", [row, {**row, "task_id": "t2"}], list(row))
    finally:
        render.console = original
    shown = capsys.readouterr()
    words = shown.out.split()
    for value in (*row.values(), *map(heading, row), f"{LONG_ID}:"):
        for word in str(value).split():
            assert word.strip("'") in words or any(word in w for w in words), (word, shown.out)
    assert shown.err == ""


def test_one_time_convention_the_programs_zone_labelled_or_utc() -> None:
    from trainops.render import when

    moment = "2026-12-04T04:30:13.149686+00:00"
    assert when(moment, "Asia/Shanghai") == "2026-12-04 12:30 Asia/Shanghai"
    assert when(moment, "Asia/Shanghai", utc=True) == "2026-12-04 04:30 UTC"
    assert when(moment, None) == "2026-12-04 04:30 UTC"
    assert when(moment, "Not/AZone") == "2026-12-04 04:30 UTC"
    assert when(None) == "—"


def test_an_empty_list_as_csv_still_has_its_header_line(capsys: pytest.CaptureFixture[str]) -> None:
    show_rows("tasks", [], ["task_id", "program_id", "due"], output=Output.CSV)
    assert capsys.readouterr().out == "task_id,program_id,due\n"


def test_cells_never_show_python_reprs(capsys: pytest.CaptureFixture[str]) -> None:
    rows = [{"token_id": "t1", "roles": ["admin", "auditor"], "revoked_at": None, "on_time": True}]
    rows_table("tokens", rows, ["token_id", "roles", "revoked_at", "on_time"])
    out = capsys.readouterr().out
    assert "admin, auditor" in out and "yes" in out
    assert "None" not in out and "['admin'" not in out and "True" not in out


def test_an_error_is_one_line_however_long(capsys: pytest.CaptureFixture[str]) -> None:
    message = "the planned date 2027-01-10 is before session s1 " * 4
    fail(message)
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and message.strip() in err


@pytest.mark.parametrize("width", [40, 45, 50, 69, 80, 120])
def test_a_kpi_table_never_breaks_a_word_at_any_width(
    width: int, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Wide enough for every word: a table whose columns wrap between words; narrower: one
    block per row, ``heading: value``. Either way every name and number is whole."""
    from rich.console import Console

    from domain.kpi import ExecutionKpis, Rate
    from trainops import render

    monkeypatch.setattr(render, "console", Console(width=width, force_terminal=False))
    row = ExecutionKpis.model_construct(
        specialist="spec.zhao.longname",
        period="2027-Q1",
        plan_completion=Rate(numerator=3, denominator=4, value=0.75),
        on_time=Rate(numerator=2, denominator=3, value=2 / 3),
        participation=Rate(numerator=45, denominator=50, value=0.9),
    )
    render.kpi_table([row])
    out = capsys.readouterr().out
    words = {word.strip("│┃") for line in out.splitlines() for word in line.split()}
    for whole in ("spec.zhao.longname", "2027-Q1", "75.0%", "66.7%", "(45/50)"):
        assert whole in words, out
    assert all(len(line) <= width for line in out.splitlines()), out
    if width < 69:
        assert "participation: 90.0% (45/50)" in out  # a block per row


def test_csv_cells_that_would_start_a_formula_are_text(capsys: pytest.CaptureFixture[str]) -> None:
    """`-o csv` is "ready for a spreadsheet": a title typed as a formula must not run there."""
    from trainops.render import write_csv

    rows = [
        {"title": '=HYPERLINK("http://x","y")', "n": -5, "note": "+1 call", "ok": "fine"},
        {"title": "@SUM(A1)", "n": 3, "note": "-- dashes", "ok": "a=b"},
    ]
    write_csv(rows)
    lines = capsys.readouterr().out.splitlines()
    assert lines[1] == '"\'=HYPERLINK(""http://x"",""y"")",-5,\'+1 call,fine'
    assert lines[2] == "'@SUM(A1),3,'-- dashes,a=b"


def test_piped_output_is_never_wrapped(tmp_path: Path) -> None:
    """Issue 16: a path or an id printed to a pipe or a file stays on one line, to be copied
    and grepped, even with ``COLUMNS`` exported (rich would fold at 80 columns)."""
    folder = tmp_path / ("a-folder-name-long-enough-to-cross-eighty-columns-" * 2) / "certs"
    env = {**os.environ, "COLUMNS": "80", "TRAINOPS_LANG": "en"}
    for name in ("FORCE_COLOR", "TTY_COMPATIBLE"):
        env.pop(name, None)
    trainops = Path(sys.executable).with_name("trainops")
    command = [str(trainops), "certs", "generate", str(folder), "--days", "2"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert str(folder) in done.stdout and len(done.stdout.strip().splitlines()) == 1


def test_a_program_list_as_csv_has_the_same_header_empty_or_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 16: the header is the schema's fields, not the first row's (6 columns for an
    empty list, 20 otherwise, and a trainee's shorter rows another header again)."""

    from typer.testing import CliRunner

    from domain.listings import PROGRAM_FIELDS
    from projections.tables import programs
    from trainops.cli import app

    listed: list[dict[str, Any]] = []
    _api = _answering(listed)
    monkeypatch.setattr("trainops.program_reads.api", _api)
    monkeypatch.setenv("TRAINOPS_LANG", "en")
    headers = []
    full = {name: f"v-{name}" for name in PROGRAM_FIELDS}
    trainee = {name: full[name] for name in ("program_id", "title", "status", "timezone")}
    for rows in ([], [full], [trainee]):
        listed[:] = rows
        answer = CliRunner().invoke(app, ["program", "list", "-o", "csv"])
        assert answer.exit_code == 0, answer.output
        headers.append(answer.output.splitlines()[0])
    assert headers == [",".join(PROGRAM_FIELDS)] * 3
    summary = {column.name for column in programs.c} - {"state", "department"}
    assert set(PROGRAM_FIELDS) == summary  # every listed column of the read model, named once


def test_users_tokens_and_seals_as_csv_are_headed_by_the_apis_models(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The same header for no token as for some: the API's fields, held to its models."""
    import dataclasses

    from typer.testing import CliRunner

    from accounts.model import TokenInfo
    from api.rest.schemas import UserOut
    from audit.digest import Seal
    from domain.listings import TOKEN_FIELDS, USER_FIELDS
    from trainops.cli import app

    assert tuple(UserOut.model_fields) == USER_FIELDS
    assert tuple(f.name for f in dataclasses.fields(TokenInfo)) == TOKEN_FIELDS
    listed: list[dict[str, Any]] = []
    _api = _answering(listed)
    monkeypatch.setattr("trainops.account_cli.api", _api)
    monkeypatch.setattr("trainops.audit_cli.api", _api)
    monkeypatch.setenv("TRAINOPS_LANG", "en")
    seal = {
        "seq": 1,
        "position": 9,
        "hash": "a" * 64,
        "sealed_at": "2027-01-01T00:00:00+00:00",
        "prev_seal_hash": "0" * 64,
        "seal_hash": "b" * 64,
    }
    for command, row, header in (
        (["tokens", "list"], {"token_id": "t1", "label": "ci", "roles": None}, TOKEN_FIELDS),
        (["audit", "seals"], seal, tuple(Seal.model_fields)),
    ):
        headers = []
        for rows in ([], [row]):
            listed[:] = rows
            answer = CliRunner().invoke(app, [*command, "-o", "csv"])
            assert answer.exit_code == 0, answer.output
            headers.append(answer.output.splitlines()[0])
        assert headers == [",".join(header)] * 2, command


def _answering(listed: list[dict[str, Any]]) -> Any:
    """A stand-in for the commands' ``api()``: every GET answers ``listed`` as it is then."""
    import contextlib
    from collections.abc import Iterator

    class _Client:
        def get(self, path: str, **params: Any) -> list[dict[str, Any]]:
            return listed

    @contextlib.contextmanager
    def _api() -> Iterator[_Client]:
        yield _Client()

    return _api


def test_a_terminal_table_shows_text_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 16: the spreadsheet guard leaked into terminal tables (`'-` for "none" in
    `config check`, `'=x` for a title); only CSV cells are guarded. A whole number of days
    reads 2, not 2.0."""
    from trainops.render import rows_table

    rows_table("t", [{"a": "-", "b": "=x", "c": 2.0, "d": 2.5}], ["a", "b", "c", "d"])
    out = capsys.readouterr().out
    (cells,) = [line for line in out.splitlines() if line.startswith("│")]
    assert [c.strip() for c in cells.split("│")[1:5]] == ["-", "=x", "2", "2.5"], out


def test_money_reads_with_its_two_decimals() -> None:
    """The trial's "1200" budget beside a "600.00" cost per trainee: one way to show money."""
    from trainops.program_reads import money

    assert (money("1200"), money(1200.5), money(None), money("")) == ("1200.00", "1200.50", "", "")


def test_a_programs_status_in_any_table_is_said_in_words(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial: `audit replay --as-of-position` in zh-CN showed `published` where every other
    table says 已发布; a table says a status in the reader's words (JSON and CSV keep codes)."""
    from rich.console import Console

    from trainops import language, render

    monkeypatch.setattr(render, "console", Console(width=100, force_terminal=False))
    monkeypatch.setattr(language, "_chosen", ["zh-CN"])
    rows: list[dict[str, Any]] = [
        {"program_id": "p1", "status": "published"},
        {"program_id": "p2", "status": None},
    ]
    rows_table("programs", rows, ["program_id", "status"])
    out = capsys.readouterr().out
    assert "已发布" in out and "published" not in out, out


def test_a_column_the_server_keeps_from_the_reader_is_left_out(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial: a trainee's `program show` had empty enrolled/attended/on_time cells (the API
    does not send them to a trainee); a column no row carries is left out, a missing value in
    one row of several stays a blank cell."""
    from rich.console import Console

    from trainops import render

    monkeypatch.setattr(render, "console", Console(width=100, force_terminal=False))
    columns = ["specialist", "planned_date", "session_count", "enrolled", "attended", "on_time"]
    rows_table("p1", [{"specialist": "li", "planned_date": "2027-01-15"}], columns)
    out = capsys.readouterr().out
    assert "Specialist" in out or "specialist" in out.lower(), out
    assert "attended" not in out.lower() and "enrolled" not in out.lower(), out
    rows_table("two", [{"a": 1, "b": 2}, {"a": 3}], ["a", "b"])
    both = capsys.readouterr().out
    assert " B " in both.upper(), both


def test_a_narrow_terminals_blocks_drop_a_tables_indent_and_empty_lines(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial at 50 columns: "KPI:   ↳ instructor" kept the table's indent of a detail row
    (the ↳ says it is one, and stays), and a row without an interval printed "95% interval: "
    with nothing after it."""
    from rich.console import Console

    from trainops import render

    monkeypatch.setattr(render, "console", Console(width=30, force_terminal=False))
    rows = [{"kpi": "  ↳ instructor", "value": "85.0", "interval": "", "sample": "n=2 of 2 people"}]
    rows_table("KPIs", rows, ["kpi", "value", "interval", "sample"])
    lines = capsys.readouterr().out.splitlines()
    assert any(line.endswith(": ↳ instructor") for line in lines), lines  # no table indent
    assert not [line for line in lines if line.rstrip().endswith(":")], lines


def test_a_checkpoints_label_is_in_the_readers_language(monkeypatch: pytest.MonkeyPatch) -> None:
    """A trial: zh-CN `audit verify` printed "seal 1 位于位置 76"."""
    from trainops import language
    from trainops.audit_views import _checkpoint_label

    monkeypatch.setattr(language, "_chosen", ["zh-CN"])
    assert _checkpoint_label("seal 1") == "封存 1"
    assert _checkpoint_label("witness seal 2") == "见证的封存 2"
    assert _checkpoint_label("something else") == "something else"


def test_a_hash_wider_than_the_terminal_is_printed_whole(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial at 60 columns: `log verify` broke the head's hash over two lines (a copied hash
    came out cut); a line holding a word wider than the terminal is left to the terminal."""
    from rich.console import Console

    from trainops import db_cli, render

    narrow = Console(width=60, force_terminal=False)
    monkeypatch.setattr(render, "console", narrow)
    monkeypatch.setattr(db_cli, "console", narrow)  # where it printed before
    head = "3de0c25bc7" + "ab" * 27
    db_cli.print_intact(180, 180, head)
    assert head in capsys.readouterr().out.replace("\n", " ").split(), "the hash was cut"


def test_an_actions_answer_and_a_jobs_heading_keep_hashes_and_names_whole(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """A trial at 50 columns: `config apply` broke its SHA-256 over lines, and zh-CN `data job`
    folded "emps2.c" / "sv" (a Chinese line has no spaces to wrap at)."""
    from rich.console import Console

    from trainops import data_cli, language, render

    narrow = Console(width=50, force_terminal=False)
    monkeypatch.setattr(render, "console", narrow)
    sha = "ddd538de61eebeacd2f072727c1aa9726862e53e156907a5fbc84a1443578" + "05a"
    render.said(f"applied c5.yaml as version 6 ({sha})", {})
    assert f"({sha})" in capsys.readouterr().out.split(), "the hash was cut"
    monkeypatch.setattr(language, "_chosen", ["zh-CN"])
    job = {
        "job_id": "d399053a5ba94324af850afacf8533df",
        "kind": "employees",
        "source": "emps2.csv",
        "owner": "admin",
        "status": "done",
        "total": 3,
        "done": 3,
    }
    data_cli._job_heading(job)
    shown = capsys.readouterr().out
    assert "emps2.csv," in shown.split() and job["job_id"] in shown.split(), shown
