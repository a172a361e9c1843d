"""Every message has its English and Simplified Chinese text; every event type reads in both."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from api.i18n import CATALOG
from api.languages import LANGUAGES
from api.translator import Translator
from domain.events import EVENT_TYPES
from projections import event_texts as messages
from projections.event_messages import decode, encode, parts, render
from tests.event_samples import TEXTS, build

ROOT = Path(__file__).resolve().parents[2]


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_event_message_key_has_both_languages_with_the_same_parameters() -> None:
    assert set(messages.EN) | set(messages.SHOWN_EN) == set(messages.ZH_CN)
    for key, english in messages.CATALOG["en"].items():
        assert _fields(messages.ZH_CN[key]) == _fields(english), key
        assert messages.ZH_CN[key].strip(), key


@pytest.mark.parametrize("event_type", sorted(EVENT_TYPES))
@pytest.mark.parametrize("text", sorted(TEXTS))
def test_every_event_type_reads_in_both_languages(event_type: str, text: str) -> None:
    event = build(EVENT_TYPES[event_type], TEXTS[text])
    message = parts(event)
    assert message and message[0][0] != "event.unknown", event_type
    english, chinese = render(message, "en"), render(message, "zh-CN")
    assert english and chinese
    assert english != chinese or all(messages.EN[k] == "{type}" for k, _ in message)
    assert "(s)" not in english and not re.search(r"\b1 \w+s\b", english)  # "1 sessions"
    assert not re.search(r"\{\w+\}", english + chinese)  # every parameter filled
    assert decode(encode(message)) == message  # stored and read back, unchanged
    page = Translator("zh-CN")
    assert page.event({"summary": english, "message": encode(message)}) == chinese


def test_a_row_without_a_message_shows_its_stored_summary() -> None:
    assert Translator("zh-CN").event({"summary": "approved", "message": None}) == "approved"


#: ``t("…")`` in templates and page code, and ``N_("…")`` (fixed messages of the error page):
#: the literal texts the pages translate.
LITERAL = re.compile(r"""\b(?:t|N_)\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")
MACRO_LABEL = re.compile(r"""\bact\(\s*"[^"]*"\s*,\s*"([^"]*)\"""")


def page_texts() -> set[str]:
    found: set[str] = set()
    files = [*(ROOT / "api" / "templates").glob("*.html"), *(ROOT / "api").glob("*.py")]
    for path in files:
        if path.name == "i18n.py":  # the catalog itself (its docstrings quote t("…"))
            continue
        source = path.read_text(encoding="utf-8")
        found |= {a if a is not None else b for a, b in LITERAL.findall(source)}
        found |= set(MACRO_LABEL.findall(source))
    return found - {""}


def test_every_page_text_has_a_chinese_translation() -> None:
    texts = page_texts()
    assert len(texts) > 100  # the scan finds the pages' texts
    missing = sorted(t for t in texts if t not in CATALOG["zh-CN"])
    assert not missing, f"no zh-CN text for: {missing}"


def test_every_language_is_in_the_catalog() -> None:
    assert set(CATALOG) == set(LANGUAGES)


def test_every_refusal_code_has_both_languages_with_the_same_parameters() -> None:
    from api.refusal_texts import ZH_CN as REFUSALS_ZH_CN
    from domain.refusals import REFUSALS

    assert set(REFUSALS_ZH_CN) == set(REFUSALS)
    for code, english in REFUSALS.items():
        assert _fields(REFUSALS_ZH_CN[code]) == _fields(english), code


def test_every_refusal_the_rules_raise_has_a_code_in_the_catalog() -> None:
    from domain.refusals import REFUSALS

    raised: set[str] = set()
    for path in (ROOT / "domain").glob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "raise DomainError(" not in source, f"{path.name}: raise refused(code, …)"
        raised |= set(re.findall(r'refused\(\s*"([^"]+)"', source))
    assert raised and raised <= set(REFUSALS), sorted(raised - set(REFUSALS))


def test_a_refusal_reads_in_the_page_language() -> None:
    from domain.refusals import refused

    refusal = refused("program.already_enrolled", trainee="[urgent] 李")
    assert str(refusal) == "'[urgent] 李' is already enrolled"
    assert Translator("zh-CN").refused(refusal) == "已拒绝: '[urgent] 李' 已报名"
    assert Translator("en").refused(refusal) == "refused: '[urgent] 李' is already enrolled"
    assert Translator("zh-CN").refusal(ValueError("no code")) == "no code"


def test_every_state_action_and_session_fact_a_refusal_names_reads_in_chinese() -> None:
    """A refusal's ``value``/``names`` (states), ``action`` (a command's kind) and ``what``
    (``domain.facts.WHAT``) are names the product gave: none shows raw in a Chinese sentence."""
    import typing

    from pydantic import BaseModel

    from api.refusal_texts import NAMES_ZH_CN, in_chinese
    from domain import commands
    from domain.facts import WHAT
    from domain.state import ProgramStatus

    kinds = {
        typing.get_args(model.model_fields["kind"].annotation)[0]
        for model in vars(commands).values()
        if isinstance(model, type) and issubclass(model, BaseModel) and "kind" in model.model_fields
    }
    assert len(kinds) > 20  # the scan finds the commands
    named = {s.value for s in ProgramStatus} | kinds | set(WHAT.values())
    assert not sorted(named - set(NAMES_ZH_CN)), sorted(named - set(NAMES_ZH_CN))
    said = in_chinese(
        {"value": "draft", "action": "complete_execution", "names": "executing, published",
         "what": "attendance", "session_id": "'s1'"}
    )  # fmt: skip
    assert said == {
        "value": "草稿", "action": "完成执行", "names": "执行中、已发布", "what": "出勤",
        "session_id": "'s1'",
    }  # fmt: skip
    assert in_chinese({"action": "feedback"})["action"] == "填写反馈"
