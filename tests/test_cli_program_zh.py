"""A program driven from the shell under a Chinese locale, against the embedded stack: the
action's answer, the program's state, a refusal by the rules and the timeline's summaries come
out in Chinese; ``--json`` is the same as in English."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.api.test_cli_language import CHINESE, chinese
from tests.embedded_stack import PASSWORD, person, trainops


def test_a_program_reads_in_chinese(stack: dict[str, str], tmp_path: Path) -> None:
    env = stack
    setup = ["setup", "--username", "admin", "--password-stdin", "--code", env["SETUP_CODE"]]
    trainops(env, *setup, stdin=PASSWORD + "\n")
    admin = person(env, tmp_path, "admin")
    for name, roles in (
        ("li", ["specialist", "approver"]),
        ("wang", ["approver"]),
        ("e1", ["trainee"]),  # a plan names only known people
    ):
        flags = [flag for role in roles for flag in ("--role", role)]
        trainops(admin, "users", "create", name, *flags, "--password-stdin", stdin=PASSWORD)
    li = chinese(person(env, tmp_path, "li"))
    create = [
        "program", "create", "--id", "zh-1", "--title", "[安全] Safety", "--approver", "wang",
        "--planned-date", "2099-01-20", "--session", "s1@2099-01-15T09:30/3",
        "--trainee", "e1", "--timezone", "Asia/Shanghai",
    ]  # fmt: skip
    created = trainops(li, *create)
    assert created.startswith("完成 zh-1:ProgramPlanned program-zh-1@1 -> 草稿"), created
    submitted = trainops(li, "program", "submit", "zh-1")
    assert "-> 待审批" in submitted and "日志位置" in submitted, submitted

    # The rules refuse by a code; the command line says it in the reader's language.
    refused = trainops(li, "program", "approve", "zh-1", ok=False, code=3)
    assert refused.startswith("错误: 已拒绝:") and "四眼原则" in refused, refused
    assert "four-eyes" not in refused
    # A use case's refusal and the rules' names (a state, an action) are in Chinese too.
    again = trainops(li, *create, ok=False, code=3)
    assert "已拒绝: 编号为 'zh-1' 的培训项目已存在" in again, again
    assert "already exists" not in again and "a program" not in again
    early = trainops(li, "program", "complete", "zh-1", ok=False, code=3)
    assert "项目当前状态为待审批,不能执行“完成执行”(允许的状态:执行中)" in early, early
    assert not re.search(r"complete_execution|submitted|executing", early), early

    listed = trainops({**li, "COLUMNS": "250"}, "program", "list")
    assert "待审批" in listed and "submitted" not in listed, listed  # the status in words
    assert "submitted" in trainops(li, "program", "list", "-o", "csv")  # data keeps its code

    shown = trainops({**li, "COLUMNS": "250"}, "program", "show", "zh-1")
    assert "zh-1: [安全] Safety - 待审批" in shown  # text as typed, the state in Chinese
    assert "时间线" in shown and "事件类型" in shown and "摘要" in shown
    assert "计划了“[安全] Safety”" in shown and "提交第 1 版审批" in shown, shown
    assert "planned “" not in shown and "submitted revision" not in shown

    english = {**li, "TRAINOPS_LANG": "en"}
    as_json = json.loads(trainops(li, "program", "show", "zh-1", "--json"))
    assert as_json == json.loads(trainops(english, "program", "show", "zh-1", "--json"))
    summaries = [entry["summary"] for entry in as_json["timeline"]]
    assert "planned “[安全] Safety” for 2099-01-20 (1 sessions)" in summaries, summaries
    assert not any(CHINESE.search(s.replace("安全", "")) for s in summaries), summaries
