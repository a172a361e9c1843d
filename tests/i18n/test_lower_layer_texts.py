"""Errors raised below the use cases (configuration documents, signing and seal keys, accounts,
imports)
carry a message key whose English is written once, where they are raised, and whose Simplified
Chinese is in ``services.error_texts``: every key raised has both, and each reads in Chinese."""

from __future__ import annotations

import ast
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from accounts.texts import ACCOUNT_EN
from activities.admin_config import ConfigFileError, parse_admin_config
from activities.config_texts import CONFIG_EN
from audit.key_texts import KEY_EN
from domain.plain_problems import PROBLEMS_EN
from imports.texts import IMPORT_EN
from services import error_texts

ROOT = Path(__file__).resolve().parents[2]
TRAINOPS = str(Path(sys.executable).with_name("trainops"))
CHINESE = re.compile(r"[\u4e00-\u9fff]")
KINDS = r"(?:ConfigFileError|ConfigConflict|SigningKeyError|UserError|FileProblem|RowError)"
#: A lower layer's error raised with a key: ``Kind("config.…"``.
RAISED = re.compile(KINDS + r"""\(\s*"([a-z]+\.[a-z_0-9]+)\"""")
#: The same raised with its English words (a KeyError at run time).
WORDS = re.compile(KINDS + r"""\(\s*(?:f?"(?![a-z]+\.[a-z_0-9]+")|str\()""")


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_lower_layer_key_raised_has_english_and_chinese() -> None:
    raised: set[str] = set()
    for package in ("accounts", "activities", "audit", "services", "imports"):
        for path in (ROOT / package).rglob("*.py"):
            source = path.read_text(encoding="utf-8")
            assert not WORDS.search(source), f"{path.name}: raise Kind(key, **params)"
            raised |= set(RAISED.findall(source))
    assert len(raised) > 80  # the scan finds the raise sites
    english = {**ACCOUNT_EN, **CONFIG_EN, **KEY_EN, **IMPORT_EN}
    assert raised <= set(english), sorted(raised - set(english))
    for key in english:
        assert error_texts.EN[key] == english[key], key  # one English, merged as it is
        assert _fields(error_texts.ZH_CN[key]) == _fields(english[key]), key
        # a lower layer's words passed on, or pydantic's said field by field
        assert CHINESE.search(error_texts.ZH_CN[key]) or english[key] == "{detail}", key


def test_every_problem_text_uses_only_its_context() -> None:
    # a configuration value's problem in Chinese is filled from pydantic's context
    for problem_type, chinese in error_texts.PROBLEMS_ZH_CN.items():
        assert CHINESE.search(chinese) or chinese == "{error}", problem_type
        if problem_type.startswith("setting."):  # ours: checked against its English below
            continue
        if problem_type.startswith("query."):  # ours (api.query_check): the names it takes
            assert _fields(chinese) <= {"known"}, problem_type
            continue
        assert _fields(chinese) <= {
            "error", "expected", "discriminator", "expected_tags", "tag", "gt", "ge", "lt",
            "le", "min_length", "max_length", "pattern", "expected_schemes", "decimal_places",
            "max_digits", "whole_digits",
        }, problem_type  # fmt: skip
    # and so is the plainer English, with the same names as the Chinese where both exist
    for problem_type, english in PROBLEMS_EN.items():
        said = error_texts.PROBLEMS_ZH_CN.get(problem_type)
        assert said is None or _fields(said) == _fields(english), problem_type


def _refusal(document: str) -> ConfigFileError:
    with pytest.raises(ConfigFileError) as caught:
        parse_admin_config(document, "the configuration")
    return caught.value


def test_a_nul_byte_says_the_file_is_not_text_in_both_languages() -> None:
    refused = _refusal("approval:\n  name: x\x00y\n")
    assert refused.line == 2
    assert str(refused).startswith("the configuration, line 2: a NUL byte")
    assert "not a text file" in str(refused) and "unknown line" not in str(refused)
    chinese = error_texts.say(refused.key, refused.params, "zh-CN")
    assert chinese is not None and chinese.startswith("配置,第 2 行:含有 NUL 字节")
    bell = _refusal("a: 1\nb: \x07\n")
    assert bell.line == 2 and "U+0007" in str(bell)


BAD = {
    "unknown setting": ("reminders:\n  foo: 1\n", 2),
    "wrong type": ("approval:\n  steps: 3\n", 2),
    "below the least": (
        "notifications:\n  channels:\n    c:\n      type: smtp\n      host: h\n"
        "      sender: s\n      port: 0\n",
        3,
    ),
    "unknown channel type": ("notifications:\n  channels:\n    c:\n      type: smtq\n", 3),
    "alias": ("a: &x 1\nb: *x\n", 2),
    "top level": ("- 1\n", None),
    "not a date": ("calendar:\n  company_holidays: [soon]\n", 2),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_a_bad_document_reads_in_chinese(name: str) -> None:
    document, line = BAD[name]
    refused = _refusal(document)
    assert refused.line == line
    chinese = error_texts.say(refused.key, refused.params, "zh-CN")
    assert chinese is not None and CHINESE.search(chinese)
    assert not re.search(r"\b(?:line|should|Input|Extra|not|the)\b", chinese), chinese


def test_a_key_error_passed_on_by_the_api_reads_in_chinese() -> None:
    from api.translator import Translator
    from audit.signing_keys import SigningKeyError
    from services.errors import NotFound

    passed = NotFound.passing(SigningKeyError("key.not_published", key_id="k1"))
    assert (passed.key, passed.params) == ("key.not_published", {"key_id": "k1"})
    assert str(passed) == "no published signing key 'k1'"
    assert Translator("zh-CN").error(passed) == "没有已公布的签名密钥 'k1'"


@pytest.mark.parametrize(
    ("lang", "said"),
    [
        ("zh-CN", "错误: TRAINOPS_SIGNING_KEY 不是 Ed25519 私钥"),
        ("en", "error: TRAINOPS_SIGNING_KEY is not an Ed25519 private key"),
    ],
)
def test_a_bad_signing_key_stops_the_stack_in_one_line_in_the_readers_language(
    tmp_path: Path, lang: str, said: str
) -> None:
    environment = {
        **os.environ,
        "TRAINOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'log.db'}",
        "TRAINOPS_SIGNING_KEY": "not a key",
        "TRAINOPS_LANG": lang,
    }
    done = subprocess.run(
        [TRAINOPS, "up"], env=environment, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 78, done.stderr[-2000:]
    assert done.stderr.startswith(said) and "Traceback" not in done.stderr, done.stderr


def _custom_problems() -> dict[str, str]:
    """Every ``PydanticCustomError(type, English template, …)`` the configuration's rules raise."""
    found: dict[str, str] = {}
    for package in ("domain", "activities"):
        for path in (ROOT / package).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.Call)
                    and getattr(node.func, "id", "") == "PydanticCustomError"
                    and all(isinstance(arg, ast.Constant) for arg in node.args[:2])
                ):
                    kind, english = (str(arg.value) for arg in node.args[:2])  # type: ignore[attr-defined]
                    found[kind] = english
    return found


def test_every_rule_of_the_configuration_has_its_problem_in_chinese() -> None:
    problems = _custom_problems()
    assert len(problems) >= 12  # the scan finds the rules
    for kind, english in problems.items():
        assert kind in error_texts.PROBLEMS_ZH_CN, f"no zh-CN text for {kind}"
        assert _fields(error_texts.PROBLEMS_ZH_CN[kind]) == _fields(english), kind
    assert not [raised for raised in problems if not raised.startswith("setting.")]


def test_a_rule_of_the_configuration_reads_in_chinese() -> None:
    refused = _refusal(
        "approval:\n  steps:\n  - id: c\n    name: Committee\n"
        "    approvers: {people: [a, b]}\n    quorum: 3\n"
    )
    assert str(refused).endswith("quorum 3 exceeds the 2 people named")
    chinese = error_texts.say(refused.key, refused.params, "zh-CN")
    assert chinese == "配置,第 3 行(approval.steps.0):法定人数 3 超过了指定的 2 人"


def test_several_values_in_a_parameter_read_as_a_list_of_words() -> None:
    """Issue 16: a list passed as a parameter showed as ``['a', 'b']`` (each item quoted, as
    Python writes it); every layer says ``a, b``, in the data and in both languages."""
    from activities.admin_config import ConfigFileError
    from domain.refusals import refused
    from services.error_texts import say
    from services.errors import Invalid

    rule = refused("program.sessions_not_completed", p0=["s1", "s2"])
    assert str(rule) == "sessions not completed yet: s1, s2" and rule.params["p0"] == "s1, s2"
    case = Invalid("error.exam_unanswered", questions=("q1", "q2"))
    assert "(unanswered: q1, q2)" in str(case) and case.params["questions"] == "q1, q2"
    chinese = say(case.key, case.params, "zh-CN")
    assert chinese is not None and "q1, q2" in chinese and "[" not in chinese
    config = ConfigFileError("config.bad_value", source="x.yaml", detail={"b", "a"})
    assert str(config) == "x.yaml: a value cannot be read (a, b)"


def test_a_rule_passed_on_in_english_reads_in_chinese_when_known() -> None:
    """Issue 16: a bidirectional override in a title, or a planned date before the last
    session, came to a zh-CN reader as the domain's English sentence (with a raw field path)."""
    from collections.abc import Callable
    from datetime import UTC, date, datetime

    from domain.events import Session
    from domain.plan_rules import check_planned_date
    from domain.text import check_no_bidi_controls
    from services.error_texts import say
    from services.errors import Invalid

    session = Session(
        session_id="s1", starts_at=datetime(2030, 1, 5, 9, tzinfo=UTC), duration_hours=2
    )
    said = []
    rules: tuple[Callable[[], None], ...] = (
        lambda: check_no_bidi_controls({"sessions": [{"title": "a\u202eb"}]}),
        lambda: check_planned_date(date(2030, 1, 1), [session], "Asia/Shanghai"),
    )
    for rule in rules:
        with pytest.raises(ValueError) as refused:
            rule()
        passed = Invalid.passing(refused.value)
        assert say(passed.key, passed.params, "en") == str(refused.value)
        said.append(say(passed.key, passed.params, "zh-CN"))
    assert said[0] == (
        "课次第 1 项的标题的第 2 个字符 U+202E 是双向文字控制符:它会让文字的显示顺序与存储顺序不同"
    )
    assert said[1] is not None and said[1].startswith("计划完成日期 2030-01-01 早于课次 s1")


def test_a_configuration_value_problem_is_said_plainly_in_english() -> None:
    """pydantic's "Field required" and "Input should be a valid decimal" are said as a person
    reads them, in the file check and in the service layer's answer alike."""
    missing = _refusal("approval:\n  name: x\n  steps:\n    - id: a\n      quorum: 1\n")
    # the step lacks its name and its approvers: the first said, the other counted
    said = "(approval.steps.0.name): is required; and 1 more problem(s) after it"
    assert str(missing).endswith(said), str(missing)
    from domain.plain_problems import plain_problem

    decimal = {"type": "decimal_parsing", "msg": "Input should be a valid decimal", "ctx": {}}
    assert plain_problem(decimal).startswith("must be a number, e.g. 12000.00")
    places = {"type": "decimal_max_places", "msg": "Decimal input…", "ctx": {"decimal_places": 2}}
    assert plain_problem(places) == "must have at most 2 decimal(s)"
    unknown = {"type": "something_new", "msg": "pydantic's own words", "ctx": {}}
    assert plain_problem(unknown) == "pydantic's own words"


def test_a_configuration_says_its_first_problem_by_line_and_counts_the_rest() -> None:
    """A trial: problems on lines 11, 12 and 14 were reported as line 14 alone, in pydantic's
    words ("Extra inputs are not permitted")."""
    document = (
        "approval:\n  name: x\n  steps:\n    - id: a\n      name: A\n"
        "      approvers: {plan_approvers: true}\n      colour: blue\n"
        "      sla_working_days: -3\n"
    )
    found = _refusal(document)
    assert found.line == 7, str(found)
    assert str(found).endswith(
        "line 7 (approval.steps.0.colour): is not a known field (a typo?); "
        "and 1 more problem(s) after it"
    ), str(found)
    chinese = error_texts.say(found.key, found.params, "zh-CN")
    assert chinese is not None and chinese.endswith(
        "第 7 行(approval.steps.0.colour):不认识的设置项(拼写错误?);其后还有 1 个问题"
    ), chinese


@pytest.mark.parametrize(
    ("document", "line", "english", "chinese"),
    [
        ("approval: [\n", 1, "this [ is never closed", "这里的 [ 没有闭合"),
        ("approval:\n  name: 'it''s\n", 2, "this ' is never closed", "这里的 ' 没有闭合"),
        ("a: 1\nb:\n  c: [1, 2\nd: 4\n", 3, "this [ is not closed before line 4", "第 4 行之前"),
        ("x: 1 # a [ comment\ny: {a: 1\n", 2, "this { is never closed", "这里的 { 没有闭合"),
    ],
)
def test_a_bracket_or_quote_left_open_is_said_where_it_opened(
    document: str, line: int, english: str, chinese: str
) -> None:
    """A trial: `approval: [` was "line 2, column 1: expected the node content, but found
    '<stream end>'" (a line past the file's end, in the parser's words)."""
    found = _refusal(document)
    assert found.line == line and english in str(found), str(found)
    said = error_texts.say(found.key, found.params, "zh-CN")
    assert said is not None and chinese in said, said


def test_every_pattern_said_in_words_is_said_in_both_languages() -> None:
    """A value that does not match a field's pattern is told what the pattern means, in
    English as in Chinese; every pattern a field of ours uses has words."""
    import re as regex

    from domain.plain_problems import PATTERNS_EN, plain_problem

    assert set(PATTERNS_EN) == set(error_texts.PATTERNS_ZH_CN)
    used = set()
    for package in ("domain", "api", "services", "activities", "accounts", "imports", "audit"):
        for path in (ROOT / package).rglob("*.py"):
            used |= set(regex.findall(r'pattern=r"([^"]+)"', path.read_text(encoding="utf-8")))
    assert used and not sorted(used - set(PATTERNS_EN)), sorted(used - set(PATTERNS_EN))
    error = {"type": "string_pattern_mismatch", "msg": "String should…", "ctx": {"pattern": "x+"}}
    assert plain_problem(error) == "must match the pattern x+"


def test_a_configuration_bound_reads_as_written_in_chinese_too() -> None:
    """A trial: `sla_working_days: -3` said "must be more than 0" in English and "应大于 0.0"
    in Chinese."""
    document = (
        "approval:\n  name: x\n  steps:\n    - id: a\n      name: A\n"
        "      approvers: {plan_approvers: true}\n      sla_working_days: -3\n"
    )
    found = _refusal(document)
    assert str(found).endswith("must be more than 0"), str(found)
    chinese = error_texts.say(found.key, found.params, "zh-CN")
    assert chinese is not None and chinese.endswith("应大于 0"), chinese
