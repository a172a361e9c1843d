"""The admin's YAML file: the example loads; a bad file is refused whole, naming its line."""

from __future__ import annotations

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
        (("steps:", "steps: ["), r"line \d+: not valid YAML"),
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
