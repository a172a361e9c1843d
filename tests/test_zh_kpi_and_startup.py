"""zh-CN where English used to leak: the KPI report's detail rows and notes, and the one line
that stops ``python -m api`` and the worker at start (port in use, database unreachable, bad
settings), said in ``TRAINOPS_LANG``."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from domain.ratings import Rating
from domain.scorecards import KpiValue, Scorecard
from runtime.startup import EXIT_CONFIG
from tests.api.live import evaluation_api
from trainops import language
from trainops.cli import app
from trainops.kpi_cli import scorecard_table

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def chinese() -> Iterator[None]:
    language.choose("zh-CN")
    yield
    language.choose(None)


def test_the_kpi_report_says_its_survey_dimensions_in_chinese(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with evaluation_api(tmp_path, monkeypatch):
        monkeypatch.setenv("TRAINOPS_LANG", "zh-CN")
        shown = CliRunner().invoke(app, ["kpi", "report", "--period", "2027-Q1"])
        assert shown.exit_code == 0, shown.output
        assert "↳ 内容" in shown.stdout and "↳ content" not in shown.stdout, shown.stdout
        assert "↳ i1" in shown.stdout  # a resource's name stays as written
        said = shown.stdout
        assert "收益 1284.00 / 成本" in said and "培训组 8 人,对照组 8 人;DiD" in said, said
        assert "L4 业务结果改变(对照组比较): s2" in said, said
        assert "数据太少:培训组 3 人、对照组 12 人,每组至少需要 5 人" in said, said
        assert not re.search(r"benefits|trained|control|too little|results change", said)
        monkeypatch.setenv("TRAINOPS_LANG", "en")
        english = CliRunner().invoke(app, ["kpi", "report", "--period", "2027-Q1"])
        assert "↳ content" in english.stdout


def _row(subject: str = "", note: str = "", n: int = 1) -> KpiValue:
    return KpiValue(
        kpi="satisfaction",
        subject=subject,
        headline=not subject,
        value=88.0,
        unit="score",
        n=n,
        rating=Rating.MEETS,
        note=note,
    )


def test_a_single_response_and_a_built_in_dimension_read_in_chinese(chinese: None) -> None:
    card = Scorecard(
        scope="specialist",
        name="spec.li",
        period="2027-Q1",
        kpis=(_row(note="one response: no interval"), _row("instructor"), _row("课程氛围")),
        attained=1,
        rated=1,
    )
    console = Console(width=200, record=True)
    console.print(scorecard_table(card))
    text = console.export_text()
    assert "n=1 (只有一份答卷:无置信区间)" in text and "↳ 讲师" in text, text
    assert "↳ 课程氛围" in text  # a dimension a survey added stays as written
    assert "one response" not in text and "instructor" not in text, text


def _start(command: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=120, check=False, cwd=ROOT
    )


@pytest.fixture
def service_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("TRAINOPS_")}
    return {
        **env,
        "TRAINOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'trainops.db'}",
        "TRAINOPS_SIGNING_KEY_FILE": str(tmp_path / "signing-key.pem"),
        "TRAINOPS_DATABASE_CONNECT_WAIT_SECONDS": "1",
    }


def test_the_api_says_its_port_is_taken_in_the_chosen_language(service_env: dict[str, str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        env = {**service_env, "TRAINOPS_API_HOST": "127.0.0.1", "TRAINOPS_API_PORT": port}
        done = _start([sys.executable, "-m", "api"], {**env, "TRAINOPS_LANG": "zh-CN"})
        assert done.returncode == EXIT_CONFIG, done.stderr
        last = done.stderr.strip().splitlines()[-1]
        assert last == f"错误: 端口 {port} 被其他程序占用:请设置 TRAINOPS_API_PORT", done.stderr
        done = _start([sys.executable, "-m", "api"], {**env, "TRAINOPS_LANG": "en"})
        assert done.returncode == EXIT_CONFIG
        last = done.stderr.strip().splitlines()[-1]
        assert last == f"error: port {port} is in use by another program: set TRAINOPS_API_PORT"


def test_bad_settings_and_an_unreachable_database_in_the_chosen_language(
    service_env: dict[str, str],
) -> None:
    zh = {**service_env, "TRAINOPS_LANG": "zh-CN"}
    done = _start([sys.executable, "-m", "api"], {**zh, "TRAINOPS_API_PORT": "abc"})
    assert done.returncode == EXIT_CONFIG
    assert done.stderr.strip().splitlines()[-1] == "错误: 设置有误:TRAINOPS_API_PORT:应为整数"
    weak = {**zh, "TRAINOPS_REQUIRE_SECRETS": "true", "TRAINOPS_API_SECRET_KEY": "short"}
    done = _start([sys.executable, "-m", "api"], {**weak, "TRAINOPS_API_PORT": "0"})
    assert done.returncode == EXIT_CONFIG
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("错误: 必须把 TRAINOPS_API_SECRET_KEY 设为至少 32 个随机字符"), last
    nowhere = {**zh, "TRAINOPS_DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/x"}
    for command in ([sys.executable, "-m", "api"], [sys.executable, "worker.py"]):
        done = _start(command, {**nowhere, "TRAINOPS_API_PORT": "0"})
        assert done.returncode == EXIT_CONFIG, done.stderr
        last = done.stderr.strip().splitlines()[-1]
        assert last.startswith("错误: postgresql+psycopg://nobody@127.0.0.1:9/x 上的数据库在尝试")
        assert "does not answer" not in last, last
