"""Messages that used to leak English into a zh-CN run, run for real: the command line against a
live API (validation errors, an unknown user, a file in GBK), the HTTP API's 422 bodies by the
request's language, and what the command line says with no server at all (a file that is not
a digest, a bad date in the configuration, its reminder times, click's usage errors)."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from api.languages import LOCALE_VARIABLES
from services.database import Database
from tests.api.live import LiveApi, cli_env, live_api
from tests.api.test_cli_manners import PASSWORD, run

#: Words of pydantic's, Python's and click's English that must not show in a Chinese answer.
ENGLISH = re.compile(
    r"\b(?:should|Input|Field required|String|Value error|not a day|already exists|no user|"
    r"Usage|Error|Missing|No such|Try|Invalid|is not|does not|range|out of|day is)\b"
)


def _zh(env: dict[str, str]) -> dict[str, str]:
    plain = {k: v for k, v in env.items() if k not in LOCALE_VARIABLES}
    return {**plain, "TRAINOPS_LANG": "zh-CN"}


def _said(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def signed_in(database: Database, tmp_path: Path) -> Iterator[tuple[LiveApi, dict[str, str]]]:
    """A live API on a fresh database (SQLite and PostgreSQL) and an English environment
    signed in as admin."""
    with live_api(database) as live:
        env = cli_env(live, tmp_path, TRAINOPS_LANG="en")
        assert live.setup_code is not None
        setup = ["setup", "--code", live.setup_code, "--username", "root", "--password-stdin"]
        run(env, *setup, stdin=PASSWORD + "\n")
        run(env, "login", "--username", "root", "--password-stdin", stdin=PASSWORD)
        yield live, env


def test_validation_errors_name_the_field_and_say_the_problem_in_chinese(
    signed_in: tuple[LiveApi, dict[str, str]], tmp_path: Path
) -> None:
    live, english = signed_in
    zh = _zh(english)
    create = ["users", "create", "bob", "--role", "specialist", "--password-stdin"]
    _, err = run(zh, *create, stdin="short\n", code=2)
    assert _said(err) == "错误: 输入无效:密码:至少需要 10 个字符", err
    _, err = run(zh, "users", "create", "bob", "--role", "boss", "--password-stdin",
                 stdin=PASSWORD, code=2)  # fmt: skip
    assert "角色第 1 项:应为以下之一:" in err and " 或 'trainee'" in err, err
    assert not ENGLISH.search(err), err
    _, err = run(english, *create, stdin="short\n", code=2)
    assert "password: must have at least 10 character(s)" in err  # English stays

    # A program's fields: an impossible planned date says so in words (the check needs no
    # Temporal: the body is refused before the use case runs).
    run(zh, "users", "create", "li", "--role", "specialist", "--password-stdin", stdin=PASSWORD)
    li = {**zh, "TRAINOPS_CREDENTIALS_FILE": str(tmp_path / "li.json")}
    run(li, "login", "--username", "li", "--password-stdin", stdin=PASSWORD)
    plan = ["program", "create", "--id", "p", "--title", "t", "--approver", "root",
            "--session", "s1@2099-01-15T09:30/3", "--trainee", "e1"]  # fmt: skip
    _, err = run(li, *plan, "--planned-date", "2099-13-20", code=2)
    assert "计划完成日期:日历上没有 '2099-13-20' 这一天" in err and not ENGLISH.search(err), err
    _, err = run(li, "program", "survey", "p", "--score", "overall=150", code=2)
    assert "分数的 overall:应不大于 100" in err and not ENGLISH.search(err), err

    # The HTTP API: the 422's detail in the request's language, its errors the same in both.
    token = json.loads(Path(zh["TRAINOPS_CREDENTIALS_FILE"]).read_text())["token"]
    body = {"username": "bob", "roles": ["specialist"], "password": "short"}
    answers = {
        lang: httpx.post(
            f"{live.url}/api/v1/users",
            json=body,
            headers={"Authorization": f"Bearer {token}", "Accept-Language": lang},
        )
        for lang in ("zh-CN,zh;q=0.9", "en-GB")
    }
    chinese, in_english = answers["zh-CN,zh;q=0.9"].json(), answers["en-GB"].json()
    assert answers["en-GB"].status_code == 422
    assert chinese["detail"] == "输入无效:密码:至少需要 10 个字符", chinese
    assert in_english["detail"].startswith("invalid input: password: must have at least")
    assert chinese["errors"] == in_english["errors"]


def test_an_unknown_user_and_a_gbk_file_are_said_in_chinese(
    signed_in: tuple[LiveApi, dict[str, str]], tmp_path: Path
) -> None:
    _, english = signed_in
    zh = _zh(english)
    _, err = run(zh, "users", "roles", "nobody", "--role", "auditor", code=4)
    assert _said(err) == "错误: 没有用户 'nobody'", err
    gbk = tmp_path / "courses.csv"
    gbk.write_bytes("course_id,title\nc1,安全培训\n".encode("gbk"))
    _, err = run(zh, "data", "load", "courses", str(gbk), code=2)
    said = _said(err)
    assert "courses.csv:不是 UTF-8 编码" in said and "GBK/GB18030" in said, said
    assert "另存为 UTF-8" in said and not ENGLISH.search(said) and "Save it" not in said, said
    _, err = run(english, "data", "load", "courses", str(gbk), code=2)
    assert "It looks like GBK/GB18030" in err


def test_a_file_that_is_not_a_digest_is_one_line_in_either_language(tmp_path: Path) -> None:
    env = {**os.environ, "TRAINOPS_SERVER": "http://127.0.0.1:9", "TRAINOPS_TOKEN": "x"}
    not_a_digest = tmp_path / "notes.json"
    not_a_digest.write_text('{"a": 1}\n', encoding="utf-8")
    not_json = tmp_path / "notes.txt"
    not_json.write_text("hello\n", encoding="utf-8")
    for path in (not_a_digest, not_json):
        _, err = run(_zh(env), "audit", "verify", "--digest", str(path), code=2)
        assert err.count("\n") == 1 and f"{path} 不是摘要文件" in err, err
        assert "validation error" not in err and "pydantic" not in err
        _, err = run({**env, "TRAINOPS_LANG": "en"}, "audit", "verify", "--digest", str(path),
                     code=2)  # fmt: skip
        assert err.count("\n") == 1 and f"{path} is not a digest" in err, err
        assert "validation error" not in err and "pydantic" not in err
    _, err = run(_zh(env), "audit", "verify", "--digest", str(not_a_digest), code=2)
    assert "位置:缺少此项" in err and not ENGLISH.search(err), err


def test_a_day_no_calendar_has_and_reminder_times_read_as_written(
    signed_in: tuple[LiveApi, dict[str, str]], tmp_path: Path
) -> None:
    _, env = signed_in
    bad = tmp_path / "bad.yaml"
    bad.write_text("calendar:\n  company_holidays:\n    - 2027-01-01\n    - 2027-02-30\n")
    _, err = run(_zh(env), "config", "check", str(bad), code=2)
    assert _said(err).startswith(f"错误: {bad},第 4 行:日历上没有 '2027-02-30' 这一天"), err
    assert not ENGLISH.search(err), err
    _, err = run({**env, "TRAINOPS_LANG": "en"}, "config", "check", str(bad), code=2)
    assert f"{bad}, line 4: '2027-02-30' is not a day (or time) of the calendar" in _said(err)
    assert "day is out of range for month" not in err
    shown, _ = run({**_zh(env), "COLUMNS": "200"}, "config", "check")  # the server's, in force
    # in words, as the configuration page says it (a trial: raw keys `prepare_at=09:00 …`)
    assert "于 09:00 提醒备课;上课当天 08:00 提醒学员" in " ".join(shown.split()), shown
    assert "datetime" not in shown and "prepare_at" not in shown, shown


@pytest.mark.parametrize(
    ("args", "chinese"),
    [
        (["program", "show"], "缺少参数 'PROGRAM_ID'。"),
        (["program", "attend", "p", "s1"], "缺少选项 '--attendee'。"),
        (["program", "list", "--bogus"], "没有选项 --bogus"),
        (["program", "complete-execution", "p"], "没有命令 'complete-execution'。你是不是想用"),
        (["audit", "history", "--limit", "abc"], "'--limit' 的值无效:'abc' 不是有效的整数。"),
        (["program", "show", "a", "b"], "多余的参数(b)"),
    ],
)
def test_usage_errors_are_in_chinese(args: list[str], chinese: str) -> None:
    env = {**os.environ, "TRAINOPS_SERVER": "http://127.0.0.1:9", "TRAINOPS_TOKEN": "x"}
    _, err = run(_zh(env), *args, code=2)
    assert err.startswith("用法: trainops ") and "查看帮助。" in err, err
    assert f"错误: {chinese}" in err and not ENGLISH.search(err), err
    _, err = run({**env, "TRAINOPS_LANG": "en"}, *args, code=2)
    assert err.startswith("Usage: trainops ") and "Error: " in err, err
    _, err = run(_zh(env), "--lang", "en", *args, code=2)
    assert err.startswith("Usage: trainops "), err  # --lang beats TRAINOPS_LANG
