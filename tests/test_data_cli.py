"""``trainops data load`` waits for the server's job and prints its report as it always did
(progress on stderr, so ``--json`` stdout is clean JSON); ``trainops data job`` shows a job."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from services.database import Database
from tests.api.live import LiveApi, cli_signed_in
from trainops.cli import app


@pytest.fixture
def server(
    database: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[LiveApi]:
    """A live API on this test's database; the command line signed in as an admin."""
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", str(database.engine.url))
    with cli_signed_in(database, monkeypatch, tmp_path, "adm", ["admin"]) as live:
        live.users.create_user("spec", "a long specialist pw", ["specialist"])
        yield live


def people(path: Path, count: int, bad: int = 0) -> Path:
    rows = [f"e{k},dept{k % 5}" for k in range(count)] + [",nobody"] * bad
    path.write_text("employee_id,department\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def job_id_of(stderr: str) -> str:
    line = next(line for line in stderr.splitlines() if line.startswith("job "))
    return line.split()[1].rstrip(":")


def test_load_waits_for_the_job_and_keeps_json_stdout_clean(
    server: LiveApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = CliRunner()
    loaded = cli.invoke(app, ["data", "load", "employees", str(people(tmp_path / "p.csv", 3000))])
    assert loaded.exit_code == 0, loaded.output
    assert "3000 event(s) appended" in " ".join(loaded.stdout.split())
    as_json = cli.invoke(
        app, ["data", "load", "employees", str(people(tmp_path / "p.csv", 3000)), "--json"]
    )
    assert as_json.exit_code == 0, as_json.output
    report = json.loads(as_json.stdout)  # nothing but the report on stdout
    assert report["unchanged"] == 3000 and report["events_appended"] == 0
    job_id = job_id_of(as_json.stderr)

    shown = cli.invoke(app, ["data", "job", job_id, "--json"])
    assert shown.exit_code == 0, shown.output
    job = json.loads(shown.stdout)
    assert job["status"] == "succeeded" and job["report"] == report
    table = cli.invoke(app, ["data", "job", job_id])
    assert table.exit_code == 0 and "succeeded" in table.stdout and "p.csv" in table.stdout

    missing = cli.invoke(app, ["data", "job", "f" * 32])
    assert missing.exit_code == 4 and "no import job" in missing.stderr
    monkeypatch.setenv("TRAINOPS_TOKEN", server.users.issue_token("spec", "cli")[1])
    refused = cli.invoke(app, ["data", "job", job_id])
    assert refused.exit_code == 3 and "only they and admins" in " ".join(refused.stderr.split())


def test_load_with_rejected_rows_exits_1_with_the_report(server: LiveApi, tmp_path: Path) -> None:
    cli = CliRunner()
    path = people(tmp_path / "bad.csv", 4, bad=2)
    result = cli.invoke(app, ["data", "load", "employees", str(path)])
    assert result.exit_code == 1
    assert "rejected rows" in result.stdout and "bad.csv:6" in result.stdout
    # the title names the file and its whole hash on one line, never wrapped (issue 16)
    (title,) = [line for line in result.stdout.splitlines() if "(sha256 " in line]
    assert title.startswith(path.name) and len(title.split("sha256 ")[1]) == 64 + 1, title
    as_json = cli.invoke(app, ["data", "load", "employees", str(path), "--json"])
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout)
    assert [r["where"] for r in report["rejected"]] == ["bad.csv:6", "bad.csv:7"]
    shown = cli.invoke(app, ["data", "job", job_id_of(as_json.stderr)])
    assert shown.exit_code == 1 and "rejected rows" in shown.stdout


def test_a_chinese_reader_reads_the_rejected_rows_in_chinese(
    server: LiveApi, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRAINOPS_LANG", "zh-CN")
    cli = CliRunner()
    result = cli.invoke(app, ["data", "load", "employees", str(people(tmp_path / "bad.csv", 2, 1))])
    said = " ".join(result.stdout.split())
    assert result.exit_code == 1, result.output
    assert "列 employee_id 为空" in said and "1 行被拒绝" in said, said
    assert "is empty" not in said and "rejected:" not in said
    as_json = cli.invoke(app, ["data", "load", "employees", str(tmp_path / "bad.csv"), "--json"])
    row = json.loads(as_json.stdout)["rejected"][0]
    assert row["reason"] == "column employee_id is empty" and row["code"] == "import.empty_column"
    assert row["problem"] == "列 employee_id 为空"


def test_a_rejected_rows_reason_is_plain_english(server: LiveApi, tmp_path: Path) -> None:
    """A trial: the English table showed pydantic's "String should match pattern …" where
    zh-CN had words."""
    path = tmp_path / "ids.csv"
    path.write_text("employee_id,department\nbad id,Logistics\ne1,Logistics\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["data", "load", "employees", str(path), "--json"])
    assert result.exit_code == 1, result.output
    [row] = json.loads(result.stdout)["rejected"]
    assert "employee_id: may contain only letters, digits" in row["reason"], row
    assert "should" not in row["reason"] + row["problem"], row
    table = CliRunner().invoke(app, ["data", "load", "employees", str(path)])
    said = " ".join(table.stdout.split())
    assert "may contain only letters, digits" in said and "pattern" not in said, said
