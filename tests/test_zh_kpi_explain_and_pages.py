"""zh-CN where the KPI screens still spoke English: ``trainops kpi explain`` (its line, its
sample and note, its table's headings), the organisation's and no department's names in a
``kpi report`` title, and the KPI dashboard's samples, notes and survey dimensions, all from
``services.kpi_texts`` and the pages' catalog."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.api.live import LiveApi, evaluation_api
from trainops.cli import app

#: English that must not reach a Chinese reader (a field name, a sample's or a note's words).
ENGLISH = re.compile(
    r"benefits|costs|trained|control|too little|no data|programs:|read-model|"
    r"\bkind\b|\bposition\b|\(none\)|instructor|content\b"
)


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveApi]:
    with evaluation_api(tmp_path, monkeypatch) as live:
        yield live


def explain(*args: str) -> str:
    shown = CliRunner().invoke(app, ["--lang", "zh-CN", "kpi", "explain", *args])
    assert shown.exit_code == 0, shown.output
    return shown.stdout


def test_explain_says_its_line_and_headings_in_chinese(server: LiveApi) -> None:
    spec0 = ["--scope", "specialist", "--name", "spec0", "--period", "2027-Q1"]
    org = ["--scope", "organisation", "--name", "all", "--period", "2027-Q1"]
    roi = explain("roi_percent", *spec0)
    assert "投资回报率 ROI(Phillips) = 142.13 %(收益 1284.00 / 成本 530.30" in roi, roi
    assert "项目:g00" in roi and "明细编号" in roi and "成本" in roi and "收益" in roi, roi
    dimension = explain("satisfaction", *org, "--subject", "content")
    assert "满意度(0-100): 内容 = 72.7(n=26)" in dimension, dimension
    assert "维度" in dimension and "│ 内容" in dimension, dimension
    study = explain("results_change", *org, "--subject", "s2")
    assert "培训组 8 人,对照组 8 人;DiD" in study and "研究" in study, study
    for said in (roi, dimension, study):
        assert not ENGLISH.search(said), said


def test_a_department_with_no_name_is_titled_in_chinese(server: LiveApi) -> None:
    args = ["kpi", "report", "--period", "2027-Q1", "--scope", "department"]
    shown = CliRunner().invoke(app, ["--lang", "zh-CN", *args])
    assert shown.exit_code == 0, shown.output
    assert "部门 (无) — 2027-Q1" in shown.stdout and not ENGLISH.search(shown.stdout), shown.stdout
    english = CliRunner().invoke(app, ["--lang", "en", *args])
    assert "department (none) — 2027-Q1" in english.stdout, english.stdout


def test_explain_says_the_events_behind_an_execution_kpi_in_chinese(server: LiveApi) -> None:
    """The timeline rows behind plan completion are put into words from their message keys;
    ``--json`` keeps the keys and the English summary."""
    org = ["--scope", "organisation", "--name", "all", "--period", "2027-Q1"]
    said = explain("plan_completion", *org)
    assert "摘要" in said and not re.search(r"approved|executed|planned", said), said
    as_json = CliRunner().invoke(
        app, ["--lang", "zh-CN", "kpi", "explain", "on_time", *org, "--json"]
    )
    rows = json.loads(as_json.stdout)["evidence"]
    assert rows and all(row["message"] and row["summary"] for row in rows), rows
