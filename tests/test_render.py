"""Text is text: user and data text printed by the command line is never read as markup."""

from __future__ import annotations

import pytest

from trainops.render import Output, fail, rows_table, show_rows


def test_an_error_goes_to_stderr_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    exit_ = fail("unknown column(s) x. Expected columns: employee_id, [hire_date], [bold]y")
    out, err = capsys.readouterr()
    assert exit_.exit_code == 2 and out == ""
    assert "[hire_date], [bold]y" in err


def test_table_cells_and_titles_keep_brackets(capsys: pytest.CaptureFixture[str]) -> None:
    rows_table("[note] programs", [{"title": "[urgent] please check", "id": "p[1]"}], ["title"])
    out = capsys.readouterr().out
    assert "[note] programs" in out and "[urgent] please check" in out


def test_tables_never_cut_an_identifier_and_say_what_did_not_fit(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from rich.console import Console

    from trainops import render

    row = {
        "task_id": "e04fef19-aaaa-bbbb-cccc-1234567890ab",
        "title": "Workplace safety, with a title long enough to wrap",
        "step_name": "Approval by the plan's approvers",
        "due": "2026-12-09T04:30:13+00:00",
    }
    narrow = Console(width=60, file=None)
    original = render.console
    render.console = narrow
    try:
        render.rows_table("inbox", [row], list(row))
    finally:
        render.console = original
    shown = capsys.readouterr()
    assert "e04fef19-aaaa-bbbb-cccc-1234567890ab" in shown.out
    assert "not shown at this width" in shown.err


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
