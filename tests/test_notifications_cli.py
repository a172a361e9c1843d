"""``trainops notifications`` labels its times as every other table does (``... UTC``), while
JSON and CSV keep the instant as data."""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from typer.testing import CliRunner

from trainops.cli import app

ROWS = [
    {
        "id": 7,
        "created_at": "2027-01-15T09:05:00+00:00",
        "recipient": "mgr.wang",
        "subject": "Approval requested",
    }
]


class _Client:
    def __init__(self) -> None:
        self.headers: dict[str, str] = {"Accept-Language": "zh-CN"}

    def get(self, path: str, **params: Any) -> list[dict[str, Any]]:
        assert path == "/api/v1/notifications"
        ASKED.append(self.headers["Accept-Language"])
        return ROWS


#: The language each request asked its answer in.
ASKED: list[str] = []


@contextlib.contextmanager
def _api() -> Iterator[_Client]:
    yield _Client()


def test_the_notifications_table_says_the_zone_of_its_times(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("trainops.program_reads.api", _api)
    monkeypatch.setenv("TRAINOPS_LANG", "en")
    monkeypatch.setenv("COLUMNS", "200")
    table = CliRunner().invoke(app, ["notifications"])
    assert table.exit_code == 0, table.output
    assert "2027-01-15 09:05 UTC" in table.output
    data = CliRunner().invoke(app, ["notifications", "--json"])
    assert json.loads(data.output)[0]["created_at"] == "2027-01-15T09:05:00+00:00"
    # data is the same in every language (a trial: subjects came translated in --json)
    assert ASKED[-1] == "en"


def test_notifications_as_csv_have_the_outboxs_fields_empty_or_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Issue 16: the CSV header is the same for no notification as for some."""
    from activities.outbox import notifications
    from domain.listings import NOTIFICATION_FIELDS

    assert tuple(column.name for column in notifications.c) == NOTIFICATION_FIELDS
    monkeypatch.setattr("trainops.program_reads.api", _api)
    monkeypatch.setenv("TRAINOPS_LANG", "en")
    headers = []
    for rows in ([], ROWS):
        monkeypatch.setattr(_Client, "get", lambda self, path, rows=rows, **params: rows)
        answer = CliRunner().invoke(app, ["notifications", "-o", "csv"])
        assert answer.exit_code == 0, answer.output
        headers.append(answer.output.splitlines()[0])
    assert headers == [",".join(NOTIFICATION_FIELDS)] * 2


def test_the_inbox_as_csv_has_the_same_header_empty_or_not(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from domain.listings import TASK_FIELDS

    monkeypatch.setattr("trainops.program_reads.api", _api)
    monkeypatch.setenv("TRAINOPS_LANG", "en")
    headers = []
    for rows in ([], [{"task_id": "t1", "program_id": "p1", "overdue": False}]):
        monkeypatch.setattr(_Client, "get", lambda self, path, rows=rows, **params: rows)
        answer = CliRunner().invoke(app, ["inbox", "-o", "csv"])
        assert answer.exit_code == 0, answer.output
        headers.append(answer.output.splitlines()[0])
    assert headers == [",".join(TASK_FIELDS)] * 2


def test_the_table_shows_each_notices_text_in_the_readers_language(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A trial: an approver's reason was only in `--json`; the table shows the notice's text,
    in the reader's language (the stored body holds both)."""
    from domain.notices import compose

    subject, body = compose("changes_requested", title="Safety", approver="wang", reason="a quiz")
    rows = [{**ROWS[0], "subject": subject, "body": body}]
    monkeypatch.setattr("trainops.program_reads.api", _api)
    monkeypatch.setattr(sys.modules[__name__], "ROWS", rows)
    monkeypatch.setenv("COLUMNS", "200")
    for lang, other in (("en", "要求修改"), ("zh-CN", "asks for changes")):
        monkeypatch.setenv("TRAINOPS_LANG", lang)
        table = CliRunner().invoke(app, ["notifications"])
        assert table.exit_code == 0, table.output
        assert "a quiz" in table.output, table.output
        assert other not in table.output, table.output
