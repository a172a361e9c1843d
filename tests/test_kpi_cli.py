"""``trainops kpi`` and ``trainops data`` from the shell, through the real API: the rated report
(table, JSON, as of a position), the drill-down, who may read them, and the import reports
with their exit codes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.api.live import LiveApi, evaluation_api
from tests.imports.test_history import history_files
from tests.projections.evaluation_log import write_csv
from trainops.cli import app


@pytest.fixture
def server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveApi]:
    """The evaluation log behind a live API; the command line signed in as an auditor."""
    with evaluation_api(tmp_path, monkeypatch) as live:
        yield live


@pytest.fixture
def cli(server: LiveApi) -> CliRunner:
    return CliRunner()


def test_report_json_table_and_as_of(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["kpi", "report", "--json", "--specialist", "spec0"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["thresholds"]["satisfaction"] == {"meets": 85.0, "excellent": 90.0}
    card = report["scorecards"][0]
    assert (card["scope"], card["name"], card["period"]) == ("specialist", "spec0", "2027-Q1")
    kinds = {k["kpi"] for k in card["kpis"]}
    assert {"plan_completion", "satisfaction", "exam_pass_rate", "roi_percent"} <= kinds
    assert all(
        k["rating"] in {"below target", "meets", "excellent", "not rated"} for k in card["kpis"]
    )
    assert card["attainment"]["denominator"] > 0

    table = cli.invoke(app, ["kpi", "report", "--period", "2027-Q1"])
    assert table.exit_code == 0 and "KPI attainment" in table.stdout and "ROI" in table.stdout

    early = json.loads(
        cli.invoke(app, ["kpi", "report", "--json", "--as-of-position", "40"]).stdout
    )
    assert early["position"] == 40 and early["scorecards"] != report["scorecards"]

    (tmp_path / "t.yaml").write_text("satisfaction: {meets: 10, excellent: 20}\npass_mark: 50\n")
    tuned = json.loads(
        cli.invoke(
            app, ["kpi", "report", "--json", "--thresholds", str(tmp_path / "t.yaml")]
        ).stdout
    )
    assert tuned["pass_mark"] == 50 and tuned["thresholds"]["satisfaction"]["meets"] == 10
    typo = tmp_path / "typo.yaml"
    typo.write_text("satisfation: {meets: 10}\n")
    refused = cli.invoke(app, ["kpi", "report", "--thresholds", str(typo)])
    assert refused.exit_code == 2 and "unknown KPI 'satisfation'" in refused.stderr
    percent = tmp_path / "percent.yaml"  # issue 16: shares written as percentages
    percent.write_text("plan_completion: {meets: 80, excellent: 95}\n")
    refused = cli.invoke(app, ["kpi", "report", "--thresholds", str(percent)])
    assert refused.exit_code == 2 and "write 0.95 for 95 %" in refused.stderr, refused.output


def test_an_as_of_that_is_no_instant_is_said_in_the_readers_language(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16: `--as-of yesterday` printed Python's "Invalid isoformat string"."""

    from trainops import kpi_cli, language

    monkeypatch.setattr(language, "_chosen", ["zh-CN"])
    with pytest.raises(SystemExit) as stopped:
        kpi_cli.as_of_body(None, "yesterday")
    said = capsys.readouterr().err
    assert stopped.value.code == 2 and "'yesterday' 不是时刻" in said, said
    assert "isoformat" not in said


def test_a_narrow_terminal_wraps_the_report_never_cuts_it(
    cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a phone-sized terminal every value is still there, wrapped (no "…" in its place)."""
    from rich.console import Console

    from trainops import kpi_cli

    monkeypatch.setattr(kpi_cli, "console", Console(width=48, file=None))
    table = cli.invoke(app, ["kpi", "report", "--period", "2027-Q1", "--specialist", "spec0"])
    assert table.exit_code == 0, table.output
    assert "KPI" in table.stdout and "…" not in table.stdout


def test_explain_lists_the_events(cli: CliRunner) -> None:
    args = ["kpi", "explain", "roi_percent", "--scope", "specialist", "--name", "spec0"]
    result = cli.invoke(app, [*args, "--period", "2027-Q1", "--json"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["kpi"]["detail"]["roi_percent"] == "142.13"
    assert {row["kind"] for row in found["evidence"]} == {"cost", "benefit"}
    assert all(row["position"] > 0 for row in found["evidence"])
    missing = cli.invoke(app, [*args, "--period", "2031-Q1"])
    assert missing.exit_code == 4
    assert "no specialist scorecard 'spec0' for 2031-Q1" in missing.stderr
    table = cli.invoke(app, [*args, "--period", "2027-Q1"])
    assert table.exit_code == 0 and "read-model row(s) behind it" in table.stdout


def test_execution_table_and_json(cli: CliRunner) -> None:
    result = cli.invoke(app, ["kpi", "execution", "--json", "--specialist", "spec0"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)
    assert rows and {r["specialist"] for r in rows} == {"spec0"}
    assert set(rows[0]["plan_completion_rate"]) == {"value", "numerator", "denominator"}
    table = cli.invoke(app, ["kpi", "execution"])
    assert table.exit_code == 0 and "Execution KPIs" in table.stdout


def test_kpis_need_a_token_and_the_role(
    cli: CliRunner, server: LiveApi, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TRAINOPS_TOKEN")
    anonymous = cli.invoke(app, ["kpi", "report"])
    assert anonymous.exit_code == 3 and "run `trainops login`" in anonymous.stderr
    assert anonymous.exception is None or isinstance(anonymous.exception, SystemExit)

    server.users.create_user("spec0", "a long specialist pw", ["specialist"])
    server.users.create_user("emp", "a long trainee password", ["trainee"])
    monkeypatch.setenv("TRAINOPS_TOKEN", server.users.issue_token("spec0", "cli")[1])
    own = json.loads(cli.invoke(app, ["kpi", "report", "--json"]).stdout)
    assert {(c["scope"], c["name"]) for c in own["scorecards"]} == {("specialist", "spec0")}
    other = cli.invoke(app, ["kpi", "report", "--specialist", "spec1"])
    assert other.exit_code == 3 and "spec0 may read only their own scorecards" in other.stderr
    org = ["kpi", "explain", "roi_percent", "--scope", "organisation", "--name", "all"]
    refused = cli.invoke(app, [*org, "--period", "2027-Q1"])
    assert refused.exit_code == 3 and "only their own scorecards" in refused.stderr

    monkeypatch.setenv("TRAINOPS_TOKEN", server.users.issue_token("emp", "cli")[1])
    trainee = cli.invoke(app, ["kpi", "report"])
    assert trainee.exit_code == 3
    assert "reading KPI scorecards needs the specialist role" in trainee.stderr
    assert "Traceback" not in trainee.output


def test_data_commands_report_and_exit_codes(
    cli: CliRunner, server: LiveApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    server.users.create_user("adm", "a long admin password", ["admin"])
    monkeypatch.setenv("TRAINOPS_TOKEN", server.users.issue_token("adm", "cli")[1])
    people = [{"employee_id": f"emp.{k}"} for k in range(1, 6)]
    loaded = cli.invoke(
        app, ["data", "load", "employees", str(write_csv(tmp_path / "p.csv", people))]
    )
    assert loaded.exit_code == 0, loaded.output
    bad = tmp_path / "employees.csv"
    bad.write_bytes("employee_id,name\ne9,张三\n".encode("gbk"))
    broken = cli.invoke(app, ["data", "load", "employees", str(bad)])
    assert broken.exit_code == 2 and "not UTF-8" in broken.stderr
    files = [str(p) for p in history_files(tmp_path / "history")]
    refused = cli.invoke(app, ["data", "migrate", *files])
    assert refused.exit_code == 1
    assert "rejected rows" in refused.stdout and "nothing imported" in refused.stdout
    done = cli.invoke(app, ["data", "migrate", *files, "--accept-valid", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["imported"] and report["reconciled"] is True and report["rows_rejected"] == 8


def test_a_position_past_the_head_is_refused_never_the_head(cli: CliRunner) -> None:
    """Issue 16: `--as-of-position` beyond the log's head silently answered the head."""
    past = cli.invoke(app, ["kpi", "report", "--as-of-position", "99999999"])
    assert past.exit_code == 2 and "is past the log's head" in past.stderr, past.output
    replay = cli.invoke(app, ["audit", "replay", "--as-of-position", "99999999"])
    assert replay.exit_code == 2 and "is past the log's head" in replay.stderr, replay.output
