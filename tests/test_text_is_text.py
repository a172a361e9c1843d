"""Text is text, for every event type: what people typed (markup-like, right-to-left, emoji,
very long, HTML) comes out as typed in the command line's tables and in the pages' history, in
English and in Simplified Chinese."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime
from typing import Any

import pytest
from rich.console import Console

from api.pages.rendering import templates
from api.translator import Translator
from domain.events import EVENT_TYPES
from projections.event_messages import encode, parts, render
from tests.event_samples import TEXTS, build
from trainops import audit_views
from trainops import render as cli_render

ALL_TEXTS = {**TEXTS, "html": "<b>bold</b> & <script>alert(1)</script>"}


def _entries(text: str) -> list[dict[str, Any]]:
    rows = []
    for position, name in enumerate(sorted(EVENT_TYPES), start=1):
        message = parts(build(EVENT_TYPES[name], text))
        rows.append(
            {
                "position": position,
                "occurred_at": datetime(2026, 12, 4, 4, 30, tzinfo=UTC),
                "event_type": name,
                "actor": text[:100],
                "role": "specialist",
                "summary": render(message),
                "message": encode(message),
            }
        )
    return rows


def _flat(out: str) -> str:
    """A table's text without its borders and wrapping."""
    return re.sub(r"[\s│┃|─━┏┓┗┛┡┩└┘╭╮╰╯┌┐├┤┼╇╈┬┴╷╵]+", "", out)


@pytest.mark.parametrize("kind", sorted(ALL_TEXTS))
def test_every_event_type_in_a_cli_table(
    kind: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli_render, "console", Console(width=400, force_terminal=False))
    entries = _entries(ALL_TEXTS[kind])
    cli_render.rows_table(f"{ALL_TEXTS[kind]} timeline", entries, ["position", "actor", "summary"])
    out = _flat(capsys.readouterr().out)
    for entry in entries:
        assert _flat(entry["summary"]) in out, entry["event_type"]
    assert _flat(ALL_TEXTS[kind]) in out  # the title too


def test_a_replay_difference_keeps_its_key_as_typed(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from audit.comparison import Comparison

    comparison = Comparison.model_validate(
        {
            "replayed_position": 1,
            "live_position": 1,
            "tables": [],
            "differences": [
                {"kind": "missing_in_live", "table": "rm_programs", "key": {"program_id": "urgent"},
                 "columns": []}
            ],
            "unlisted_differences": 0,
        }
    )  # fmt: skip
    monkeypatch.setattr(audit_views, "console", Console(width=200, force_terminal=False))
    audit_views.print_comparison(comparison)
    assert "rm_programs [program_id=urgent]" in capsys.readouterr().out


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize("kind", sorted(ALL_TEXTS))
def test_every_event_type_in_a_programs_history_page(kind: str, lang: str) -> None:
    entries = _entries(ALL_TEXTS[kind])
    t = Translator(lang)
    page = templates.get_template("_program.html").render(
        t=t,
        program={"program_id": "p1", "status": "draft", "specialist": "li", "timezone": "UTC",
                 "planned_date": "2026-12-04", "enrolled": 0, "attended": 0},
        state={}, sessions=[], attendance={}, completed=[], reminders=[], timeline=entries,
    )  # fmt: skip
    assert "<script>" not in page and "<b>bold" not in page  # never markup
    for entry in entries:
        shown = html.escape(t.event(entry), quote=False)
        assert shown in page.replace("&#39;", "'").replace("&#34;", '"'), entry["event_type"]
        if lang == "zh-CN" and entry["event_type"] == "ProgramApproved":
            assert "已批准" in shown
