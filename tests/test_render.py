"""Text is text: user and data text printed by the command line is never read as markup."""

from __future__ import annotations

import pytest

from trainops.render import fail, rows_table


def test_an_error_goes_to_stderr_verbatim(capsys: pytest.CaptureFixture[str]) -> None:
    exit_ = fail("unknown column(s) x. Expected columns: employee_id, [hire_date], [bold]y")
    out, err = capsys.readouterr()
    assert exit_.exit_code == 2 and out == ""
    assert "[hire_date], [bold]y" in err


def test_table_cells_and_titles_keep_brackets(capsys: pytest.CaptureFixture[str]) -> None:
    rows_table("[note] programs", [{"title": "[urgent] please check", "id": "p[1]"}], ["title"])
    out = capsys.readouterr().out
    assert "[note] programs" in out and "[urgent] please check" in out
