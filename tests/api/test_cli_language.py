"""The command line in the reader's language: how it chooses (``--lang``, ``TRAINOPS_LANG``, the
POSIX locale), a Chinese text for every text and heading it prints, and real commands run with
``LANG=zh_CN.UTF-8`` answering in Chinese, while ``--json`` stays the same in every language."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from api.i18n import ZH_CN
from api.i18n_cli import CLI_ZH_CN
from api.languages import LOCALE_VARIABLES, from_environment
from services.database import Database
from tests.api.cli_texts import cli_texts, texts_in
from tests.api.live import cli_env, live_api
from tests.api.test_cli_manners import PASSWORD, run

CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "zh_CN.UTF-8", "LC_MESSAGES": "en_GB.UTF-8"}, "en"),
        ({"LANG": "en_US.UTF-8", "LC_ALL": "zh_CN.UTF-8"}, "zh-CN"),
        ({"LC_ALL": "C.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"LANGUAGE": "fr:zh_CN", "LANG": "en_US.UTF-8"}, "zh-CN"),
        ({"LANGUAGE": "fr", "LANG": "zh_CN.UTF-8"}, "zh-CN"),
        ({"TRAINOPS_LANG": "zh-CN", "LC_ALL": "en_US.UTF-8"}, "zh-CN"),
        ({"TRAINOPS_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"TRAINOPS_LANG": "", "LANG": "zh_CN.GB18030"}, "zh-CN"),
    ],
)
def test_the_language_comes_from_trainops_lang_then_the_locale_as_gettext_reads_it(
    environ: dict[str, str], expected: str
) -> None:
    assert from_environment(environ) == expected


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_text_and_heading_of_the_command_line_has_chinese_with_the_same_parameters() -> None:
    texts, headings = cli_texts()
    assert len(texts) > 100 and len(headings) > 50  # the scan finds the command line's words
    missing = sorted(text for text in texts | headings if text not in ZH_CN)
    assert not missing, f"no zh-CN text for: {missing}"
    for text in texts:
        assert _fields(ZH_CN[text]) == _fields(text), text
        assert CHINESE.search(ZH_CN[text]) or not CHINESE.search(text), text


def test_the_command_lines_catalog_holds_only_what_it_uses_and_repeats_no_page_text() -> None:
    texts, headings = cli_texts()
    assert not sorted(set(CLI_ZH_CN) - texts - headings)
    shadowed = sorted(key for key, value in CLI_ZH_CN.items() if ZH_CN[key] != value)
    assert not shadowed, (
        f"the pages' catalog has these already; drop them from i18n_cli: {shadowed}"
    )


def test_the_scan_sees_a_new_text_and_a_new_heading() -> None:
    """What the catalog test relies on: a text added without a translation is found."""
    source = (
        'def shown(rows):\n    columns = ["brand_new_field"]\n    rows_table(t("brand new"), rows,'
        ' [*columns, "x"])\n    fail(t("a new message {name}", name=1))\n'
        '    for column in ("loop_heading",):\n        add(heading(column))\n'
    )
    texts, headings = texts_in(source)
    assert texts == {"brand new", "a new message {name}"}
    assert headings == {"brand_new_field", "x", "loop_heading"}
    assert not (texts | headings) & set(ZH_CN)


def chinese(env: dict[str, str]) -> dict[str, str]:
    """``env`` as on a machine whose locale is Simplified Chinese (and nothing else says)."""
    plain = {k: v for k, v in env.items() if k not in LOCALE_VARIABLES}
    return {**plain, "LANG": "zh_CN.UTF-8"}


def test_real_commands_answer_in_chinese_under_a_chinese_locale(
    database: Database, tmp_path: Path
) -> None:
    with live_api(database) as live:
        english = cli_env(live, tmp_path, TRAINOPS_LANG="en")
        zh = chinese(english)
        assert live.setup_code is not None
        made, _ = run(
            zh, "setup", "--code", live.setup_code, "--username", "root", "--password-stdin",
            stdin=PASSWORD + "\n",
        )  # fmt: skip
        assert "已创建第一位管理员 'root'" in made
        signed, _ = run(zh, "login", "--username", "root", "--password-stdin", stdin=PASSWORD)
        assert signed.startswith("已以 root(admin)登录")
        created, _ = run(
            zh, "users", "create", "li", "--role", "trainee", "--password-stdin", stdin=PASSWORD
        )
        assert "已创建 li,角色 trainee" in created

        # A table: its title and headings in Chinese, the values as they are.
        table, _ = run(zh, "users", "list")
        for word in ("用户", "用户名", "显示名", "角色", "root", "li"):
            assert word in table, table
        assert "username" not in table and "display_name" not in table
        english_table, _ = run(english, "users", "list")
        assert "username" in english_table and not CHINESE.search(english_table)

        # --json is the same in every language: keys and codes, not words.
        for command in (["users", "list", "--json"], ["whoami", "--json"]):
            assert json.loads(run(zh, *command)[0]) == json.loads(run(english, *command)[0])

        # Errors: the frame and the command line's own words in Chinese, with the same codes.
        _, err = run(zh, "users", "roles", "nobody", "--role", "auditor", code=4)
        assert err.startswith("错误:") and "nobody" in err
        _, err = run({**zh, "TRAINOPS_SERVER": "http://127.0.0.1:9"}, "users", "list", code=5)
        assert "无法连接" in err and "cannot reach" not in err
        nobody = {**zh, "TRAINOPS_CREDENTIALS_FILE": str(tmp_path / "none.json")}
        _, err = run(nobody, "users", "list", code=3)
        assert "尚未登录" in err
        _, err = run(zh, "program", "create", "--id", "p", "--title", "t", "--planned-date",
                      "2099-01-01", "--session", "bad", "--trainee", "e1", code=2)  # fmt: skip
        assert "课次 'bad' 的格式不是" in err

        # --lang beats the locale; TRAINOPS_LANG beats the locale too.
        _, err = run({**nobody, "LANG": "zh_CN.UTF-8"}, "--lang", "en", "whoami", code=3)
        assert err.startswith("error: not signed in")
        english_locale = {**chinese(nobody), "LANG": "en_US.UTF-8", "TRAINOPS_LANG": "zh-CN"}
        assert run(english_locale, "whoami", code=3)[1].startswith("错误: 尚未登录")
        _, err = run(zh, "--lang", "fr", "whoami", code=2)
        assert "未知的语言 'fr'" in err


def test_config_check_says_what_is_wrong_in_chinese(database: Database, tmp_path: Path) -> None:
    with live_api(database) as live:
        env = {**cli_env(live, tmp_path), "LANG": "zh_CN.UTF-8", "TRAINOPS_LANG": ""}
        assert live.setup_code is not None
        setup = ["setup", "--code", live.setup_code, "--username", "root", "--password-stdin"]
        run(env, *setup, stdin=PASSWORD + "\n")
        run(env, "login", "--username", "root", "--password-stdin", stdin=PASSWORD)
        _config_check_in_chinese(env, tmp_path)


def _config_check_in_chinese(env: dict[str, str], tmp_path: Path) -> None:
    binary = tmp_path / "binary.yaml"
    binary.write_bytes(b"approval:\n  name: x\x00y\n")
    said = " ".join(run(env, "config", "check", str(binary), code=2)[1].split())
    assert said.startswith(f"错误: {binary},第 2 行:含有 NUL 字节"), said
    english = {**env, "TRAINOPS_LANG": "en"}
    said = " ".join(run(english, "config", "check", str(binary), code=2)[1].split())
    assert "line 2: a NUL byte (character 0): this is not a text file" in said, said
    shown, _ = run({**env, "COLUMNS": "200"}, "config", "check")  # no saved version yet
    assert (
        "内置默认值" in shown
        and "由计划指定的审批人审批" in shown
        and "计划中指定的审批人" in shown
    )
    assert not re.search(r"built-in|Approval by|the plan's approvers|always", shown), shown


def test_a_value_in_the_wrong_form_is_said_in_plain_english_too(
    database: Database, tmp_path: Path
) -> None:
    """A trial: zh-CN had words for a value in the wrong form, English had pydantic's ("String
    should match pattern '^[A-Za-z0-9._-]+$'", "Input should be a finite number")."""
    with live_api(database) as live:
        env = cli_env(live, tmp_path, TRAINOPS_LANG="en")
        zh = {**env, "TRAINOPS_LANG": "zh-CN"}
        assert live.setup_code is not None
        run(env, "setup", "--code", live.setup_code, "--username", "root", "--password-stdin",
            stdin=PASSWORD + "\n")  # fmt: skip
        run(env, "login", "--username", "root", "--password-stdin", stdin=PASSWORD)
        run(env, "users", "create", "li", "--role", "specialist", "--role", "admin",
            "--password-stdin", stdin=PASSWORD)  # fmt: skip
        run(env, "login", "--username", "li", "--password-stdin", stdin=PASSWORD)
        plan = ["--title", "t", "--planned-date", "2099-01-01", "--session",
                "s1@2099-01-01T09:00/2", "--trainee", "li", "--approver", "root"]  # fmt: skip
        letters = "may contain only letters, digits, '.', '_' and '-' (no spaces)"
        for args, english, chinese in [
            (["program", "create", "--id", "bad id", *plan], letters, "只能包含字母、数字"),
            (["program", "create", "--id", "p1", "--budget", "inf", *plan],
             "must be a finite number", "应为有限的数"),
            (["users", "create", "bad name", "--role", "trainee", "--password-stdin"],
             "may contain only letters, digits, '.', '_', '@' and '-'", "只能包含字母、数字"),
            (["kpi", "explain", "satisfaction", "--scope", "specialist", "--name", "li",
              "--period", "2026-Q9"],
             "must be a quarter, e.g. 2026-Q4", "应为季度,例如 2026-Q4"),
            (["tokens", "revoke", "nonexistent"],
             "must be hexadecimal digits (0-9, a-f)", "令牌编号:应为十六进制数字"),
        ]:  # fmt: skip
            _, said = run(env, *args, stdin=PASSWORD, code=2)
            assert english in said and "should" not in said and "pattern" not in said, said
            _, said = run(zh, *args, stdin=PASSWORD, code=2)
            assert chinese in said and "pattern" not in said, said
