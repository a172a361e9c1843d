"""``trainops config``: check, apply, history and show, as an admin uses them in a shell."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from typer.testing import CliRunner, Result

from domain.streams import CONFIG_STREAM
from runtime.settings import get_settings
from services.database import open_database
from tests.api.live import cli_signed_in
from trainops.cli import app

EXAMPLE = Path(__file__).resolve().parents[1] / "config" / "trainops.example.yaml"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The command line signed in as the admin admin.zhou, against a live API."""
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", f"sqlite:///{tmp_path / 'log.db'}")
    monkeypatch.setenv("TRAINOPS_CONFIG_FILE", str(EXAMPLE))
    get_settings.cache_clear()
    database = open_database(get_settings().database_url)
    with cli_signed_in(database, monkeypatch, tmp_path, "admin.zhou", ["admin"]) as live:
        live.users.create_user("admin.li", "a long admin password", ["admin"])
        monkeypatch.setenv("OTHER_ADMIN_TOKEN", live.users.issue_token("admin.li", "cli")[1])
        live.users.create_user("spec.li", "a long specialist password", ["specialist"])
        monkeypatch.setenv("SPECIALIST_TOKEN", live.users.issue_token("spec.li", "cli")[1])
        # the server's log lines would land in the command's captured stdout
        structlog.configure(logger_factory=structlog.ReturnLoggerFactory())
        yield CliRunner()
    database.close()


def said(result: Result) -> str:
    """The output with rich's line wrapping undone."""
    return " ".join(result.output.split())


def saved_versions() -> int:
    database = open_database(get_settings().database_url)
    try:
        return database.store.stream_version(CONFIG_STREAM)
    finally:
        database.close()


def test_apply_a_file_then_read_it_back(cli: CliRunner, tmp_path: Path) -> None:
    result = cli.invoke(app, ["config", "check"])
    assert result.exit_code == 0, result.output
    assert f"ok {EXAMPLE}: policy 'standard-2027'" in said(result)

    edited = tmp_path / "edited.yaml"
    edited.write_text(EXAMPLE.read_text().replace("standard-2027", "standard-2028"))
    result = cli.invoke(app, ["config", "apply", str(edited), "--comment", "new year"])
    assert result.exit_code == 0, result.output
    assert "as version 1" in said(result)
    whole = hashlib.sha256(edited.read_bytes()).hexdigest()
    assert f"as version 1 ({whole})" in said(result)  # the whole hash, never cut

    assert "version 1, saved by admin.zhou" in said(cli.invoke(app, ["config", "check"]))
    [entry] = json.loads(cli.invoke(app, ["config", "history", "--json"]).stdout)
    assert (entry["version"], entry["changed_by"], entry["comment"]) == (
        1,
        "admin.zhou",
        "new year",
    )
    assert cli.invoke(app, ["config", "show"]).stdout == edited.read_text()
    assert cli.invoke(app, ["config", "show", "--version", "7"]).exit_code == 4  # not found


def test_a_bad_file_or_a_stale_version_is_refused_and_saves_nothing(
    cli: CliRunner, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("approval:\n  name: x\n  steps: nope\n")
    result = cli.invoke(app, ["config", "apply", str(broken)])
    assert result.exit_code == 2
    assert "line 3 (approval.steps)" in said(result)
    assert saved_versions() == 0

    cli.invoke(app, ["config", "apply", str(EXAMPLE)])
    other = {"TRAINOPS_TOKEN": os.environ["OTHER_ADMIN_TOKEN"]}  # another admin, same base
    result = cli.invoke(
        app, ["config", "apply", str(EXAMPLE), "--expected-version", "0"], env=other
    )
    assert result.exit_code == 3 and "version 1 was saved after version 0" in said(result)
    assert saved_versions() == 1


def test_apply_explains_a_version_ahead_and_a_comment_too_long(cli: CliRunner) -> None:
    ahead = cli.invoke(app, ["config", "apply", str(EXAMPLE), "--expected-version", "5"])
    assert ahead.exit_code == 3 and "there is no version 5: version 0 is in force" in said(ahead)
    long = cli.invoke(app, ["config", "apply", str(EXAMPLE), "--comment", "x" * 2001])
    assert long.exit_code == 2 and "comment" in said(long) and "2000" in said(long)
    negative = cli.invoke(app, ["config", "apply", str(EXAMPLE), "--expected-version", "-1"])
    assert negative.exit_code == 2
    assert saved_versions() == 0


def test_show_says_the_servers_unreadable_configured_file_in_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The file the server's settings name cannot be read: one line naming it, the server's
    exit status (it is the server's to fix), no traceback."""
    unreadable = tmp_path / "bad.yaml"
    unreadable.write_bytes(b"\xff\xfe not UTF-8")
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", f"sqlite:///{tmp_path / 'log.db'}")
    monkeypatch.setenv("TRAINOPS_CONFIG_FILE", str(unreadable))
    get_settings.cache_clear()
    database = open_database(get_settings().database_url)
    try:
        with cli_signed_in(database, monkeypatch, tmp_path, "admin.zhou", ["admin"]):
            structlog.configure(logger_factory=structlog.ReturnLoggerFactory())
            shown = CliRunner().invoke(app, ["config", "show"])
    finally:
        database.close()
    assert shown.exit_code == 5, shown.output
    assert "bad.yaml: cannot read" in said(shown) and "Traceback" not in shown.output
    assert len(shown.stderr.splitlines()) == 1


def test_every_command_asks_the_server_not_a_database_here(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A remote admin, or one in another folder: the settings here point at no database,
    and check, history and show answer all the same (the server's configuration)."""
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere' / 'x.db'}")
    monkeypatch.delenv("TRAINOPS_CONFIG_FILE")
    get_settings.cache_clear()
    cli.invoke(app, ["config", "apply", str(EXAMPLE), "--comment", "first"])
    checked = cli.invoke(app, ["config", "check"])
    assert checked.exit_code == 0, checked.output
    assert "ok version 1, saved by admin.zhou" in said(checked)
    history = cli.invoke(app, ["config", "history", "--json"])
    assert [v["comment"] for v in json.loads(history.stdout)] == ["first"]
    shown = json.loads(cli.invoke(app, ["config", "show", "--json"]).stdout)
    assert shown["document"] == EXAMPLE.read_text() and shown["source"].startswith("version 1")
    assert not (tmp_path / "elsewhere").exists()


def test_history_before_any_save_names_what_is_in_force(cli: CliRunner) -> None:
    empty = cli.invoke(app, ["config", "history"])
    assert empty.exit_code == 0, empty.output
    assert f"no saved versions: in force is {EXAMPLE}" in said(empty)
    assert cli.invoke(app, ["config", "show", "--version", "0"]).exit_code == 4


def test_a_user_who_is_no_admin_is_refused_and_a_server_away_is_one_line(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    live_url = os.environ["TRAINOPS_SERVER"]
    monkeypatch.setenv("TRAINOPS_TOKEN", os.environ["SPECIALIST_TOKEN"])
    for command in (["check"], ["check", str(EXAMPLE)], ["history"], ["show"]):
        refused = cli.invoke(app, ["config", *command])
        assert refused.exit_code == 3, (command, refused.output)
        assert len(refused.stderr.splitlines()) == 1
    monkeypatch.setenv("TRAINOPS_SERVER", "http://127.0.0.1:9")  # nothing listens there
    for command in (["check"], ["history"], ["show"]):
        away = cli.invoke(app, ["config", *command])
        assert away.exit_code == 5, (command, away.output)
        [line] = away.stderr.splitlines()
        assert line.startswith("error: cannot reach trainops at http://127.0.0.1:9")
    assert live_url != "http://127.0.0.1:9"


def test_a_file_is_checked_without_a_server_when_not_signed_in(
    cli: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Its mistakes said here; who it names is the server's to check, and it says it did not."""
    monkeypatch.delenv("TRAINOPS_TOKEN")
    monkeypatch.setenv("TRAINOPS_SERVER", "http://127.0.0.1:9")
    checked = cli.invoke(app, ["config", "check", str(EXAMPLE)])
    assert checked.exit_code == 0, checked.output
    assert f"ok {EXAMPLE}: policy 'standard-2027'" in said(checked)
    assert "not signed in: the people the policy names were not checked" in checked.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text("approval:\n  name: x\n  steps: nope\n")
    refused = cli.invoke(app, ["config", "check", str(broken)])
    assert refused.exit_code == 2 and "line 3 (approval.steps)" in said(refused)
    # a missing or non-UTF-8 file in the reader's language, never "[Errno 2] ..." (issue 16)
    gbk = tmp_path / "gbk.yaml"
    gbk.write_bytes("approval:\n  name: 审批\n".encode("gbk"))
    for path, words in ((tmp_path / "none.yaml", "没有该文件或目录"), (gbk, "不是 UTF-8 文本")):
        zh = cli.invoke(app, ["--lang", "zh-CN", "config", "check", str(path)])
        assert zh.exit_code == 2 and words in said(zh) and "Errno" not in said(zh), zh.output


def test_check_and_apply_warn_of_people_who_are_no_active_users(
    cli: CliRunner, tmp_path: Path
) -> None:
    """On stderr (the answer a script reads stays clean) and in --json; never a refusal."""
    checked = cli.invoke(app, ["config", "check", "--json"])
    assert checked.exit_code == 0, checked.output
    answer = json.loads(checked.stdout)
    assert (
        "group hr-managers names hr.zhang, who is not an active user with the approver role"
        in answer["warnings"]
    )
    assert not [w for w in answer["warnings"] if "admin.zhou" in w]  # an active admin
    assert "warning: group hr-managers names hr.zhang" in " ".join(checked.stderr.split())
    assert "trainops users create" in checked.stderr

    edited = tmp_path / "edited.yaml"
    edited.write_text(EXAMPLE.read_text().replace("standard-2027", "standard-2028"))
    applied = cli.invoke(app, ["config", "apply", str(edited)])
    assert applied.exit_code == 0, applied.output
    assert "as version 1" in " ".join(applied.stdout.split())
    assert "warning: group hr-managers names hr.zhang" in " ".join(applied.stderr.split())
    assert saved_versions() == 1


def test_apply_trims_the_comment_and_refuses_an_unchanged_file(
    cli: CliRunner, tmp_path: Path
) -> None:
    """A blank comment is saved empty, as the page saves it; the same file again is no
    change: refused (exit 3), nothing saved."""
    edited = tmp_path / "edited.yaml"
    edited.write_text(EXAMPLE.read_text().replace("standard-2027", "standard-2028"))
    applied = cli.invoke(app, ["config", "apply", str(edited), "--comment", "   "])
    assert applied.exit_code == 0, applied.output
    [entry] = json.loads(cli.invoke(app, ["config", "history", "--json"]).stdout)
    assert entry["comment"] == ""
    again = cli.invoke(app, ["config", "apply", str(edited), "--comment", "again"])
    assert again.exit_code == 3, again.output
    assert "no change: version 1, in force, is this document already" in said(again)
    assert again.stdout == ""
    assert saved_versions() == 1
