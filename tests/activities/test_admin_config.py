"""The admin's YAML file: the example loads; a bad file is refused whole, naming its line."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from activities.admin_config import ConfigFileError, load_admin_config, parse_admin_config

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "trainops.example.yaml"


def test_the_example_configuration_loads() -> None:
    config = load_admin_config(EXAMPLE)
    assert [s.id for s in config.approval.steps] == ["manager", "hr", "procurement", "committee"]
    assert config.approval.groups["hr-managers"] == ("hr.zhang", "hr.li")
    assert config.notifications.route_for("mgr.wang") == ("wecom", "mgr.wang")
    assert config.notifications.route_for("emp.007") == ("mail", "emp.007@example.com")
    assert config.reminders.prepare_working_days == 3
    assert config.facts.entry_window_days == 7
    assert config.facts.exam_scores.confirmation == "none"


def test_no_file_means_defaults() -> None:
    config = load_admin_config(None)
    assert config.approval.steps[0].approvers.plan_approvers
    assert config.facts.entry_window_days == 7 and not config.facts.scores_need_confirmation


def test_fact_rules_are_read_and_checked() -> None:
    config = parse_admin_config(
        "facts:\n  entry_window_days: 3\n  exam_scores: {confirmation: required}\n"
    )
    assert config.facts.entry_window_days == 3 and config.facts.scores_need_confirmation
    with pytest.raises(ConfigFileError, match=r"line 3 \(facts\.exam_scores\.confirmation\)"):
        parse_admin_config("facts:\n  exam_scores:\n    confirmation: sometimes\n")
    with pytest.raises(ConfigFileError, match=r"line 2 \(facts\.entry_window_days\)"):
        parse_admin_config("facts:\n  entry_window_days: -1\n")


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (("quorum: 2", "quorum: 9"), r"line \d+ \(approval\.steps\.3\): .*quorum 9 exceeds"),
        (("sla_working_days: 3", "sla_working_days: -3"), r"line 25 \(approval\.steps\.1\.sla"),
        (("port: 1025", "port: 99999"), r"line \d+ \(notifications\.channels\.mail\.smtp\.port\)"),
        (('prepare_at: "09:00"', 'prepare_at: "nine"'), r"line \d+ \(reminders\.prepare_at\)"),
        (("  - id: manager", "  - idd: manager"), r"approval\.steps\.0"),
        (("channel: wecom", "channel: slack"), r"unknown channel 'slack'"),
        (("steps:", "steps: ["), r"line \d+, column \d+: not valid YAML \(expected"),
        (("confirmation: none", "confirmation: maybe"), r"line \d+ \(facts\.exam_scores"),
    ],
)
def test_a_bad_file_names_the_line(change: tuple[str, str], expected: str) -> None:
    text = EXAMPLE.read_text(encoding="utf-8").replace(*change, 1)
    with pytest.raises(ConfigFileError, match=expected):
        parse_admin_config(text, "trainops.yaml")


def test_unreadable_files_are_refused(tmp_path: Path) -> None:
    binary = tmp_path / "bad.yaml"
    binary.write_bytes(b"\xff\xfe\x00approval")
    with pytest.raises(ConfigFileError, match="cannot read"):
        load_admin_config(binary)
    with pytest.raises(ConfigFileError, match="cannot read"):
        load_admin_config(tmp_path / "missing.yaml")


@pytest.mark.parametrize(
    ("document", "chinese"),
    [
        (
            "approval:\n  steps: [1, 2\n  name: x\n",
            "第 2 行第 10 列:不是有效的 YAML:这里的 [ 在第 3 行之前没有闭合(缺少 ])",
        ),
        (
            "approval:\n  name: x\n   steps: 1\n",
            "第 3 行第 9 列:不是有效的 YAML(此处不能出现“键: 值”",
        ),
        ("approval:\n\tname: x\n", "第 2 行第 1 列:不是有效的 YAML(字符 '\\t' 不能出现在此处"),
        ("a: 'unclosed\n", "第 1 行第 4 列:不是有效的 YAML:这里的 ' 没有闭合"),
        ("a: [1, 2] ]\n", "第 1 行第 11 列:不是有效的 YAML(此处应为"),
    ],
)
def test_broken_yaml_is_one_line_with_its_column_in_either_language(
    document: str, chinese: str
) -> None:
    """Issue 16: PyYAML's five lines of English (context, problem, carets) were the message,
    in zh-CN too; now one line, the problem in the reader's language, with line and column."""
    from services.error_texts import say

    with pytest.raises(ConfigFileError) as refused:
        parse_admin_config(document, "trainops.yaml")
    error = refused.value
    english = say(error.key, error.params, "en")
    said = say(error.key, error.params, "zh-CN")
    assert english is not None and said is not None
    assert len(english.splitlines()) == 1 and len(said.splitlines()) == 1, said
    assert ", column " in english and "^" not in english, english
    assert said.startswith("trainops.yaml,") and chinese in said, said
    assert not re.search(r"[A-Za-z]{4,}", said.replace("trainops.yaml", "").replace("YAML", ""))
