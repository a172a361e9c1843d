"""Why input was refused before any use case ran (pydantic's validation errors), in the
reader's language: one "field: problem" per error, joined by "; ".

pydantic writes its messages in English only; its error ``type`` and ``ctx`` say the same in
data, so Simplified Chinese is built from them (``PROBLEMS_ZH_CN`` in ``services.error_texts``,
the one table of those sentences) and the field is named from ``FIELDS_ZH_CN``
(``services.sentence_texts``). Our own
validators raise ``ValueError`` with an English sentence; the known ones are matched by
``SENTENCES_ZH_CN``. The HTTP API (422 bodies), the pages and the command line (documents it
checks itself) all say it from here. An error this module cannot put into Chinese keeps
pydantic's words: a gap, never a wrong sentence.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable, Mapping
from typing import Any

from domain.plain_problems import bound_as_written, plain_problem
from domain.refusals import param_text
from services.error_texts import PROBLEMS_ZH_CN, pattern_in_chinese
from services.sentence_texts import (
    FIELDS_ZH_CN,
    SENTENCES_ZH_CN,
    SOURCES,
    field_name,
    sentence_in_chinese,
)

__all__ = [
    "FIELDS_ZH_CN",
    "SENTENCES_ZH_CN",
    "SOURCES",
    "describe",
    "field_name",
    "invalid_input",
    "problem",
    "sentence_in_chinese",
]


def problem(error: Mapping[str, Any], lang: str) -> str:
    """What is wrong with one field, from pydantic's ``type`` and ``ctx``."""
    english = str(error.get("msg", "invalid")).removeprefix("Value error, ")
    context = {name: _plain(name, value, lang) for name, value in (error.get("ctx") or {}).items()}
    kind = str(error.get("type", ""))
    if lang != "zh-CN":
        return plain_problem({**error, "ctx": context, "msg": english})
    if kind in ("value_error", "assertion_error"):
        said = sentence_in_chinese(context.get("error", english))
        return said if said is not None else english
    if kind == "string_pattern_mismatch":
        said = pattern_in_chinese(error.get("ctx") or {})
        if said is not None:
            return said
    template = PROBLEMS_ZH_CN.get(kind)
    if template is not None:
        with contextlib.suppress(KeyError, ValueError, IndexError):
            return template.format_map(context)
    return english


def _meaningful(errors: Iterable[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The errors a person should read: a list's "too short" is left out when one of its own
    items is wrong (pydantic counts only the valid items: "sessions: at least 1 item, not 0"
    beside the session that was given and is wrong)."""
    errors = list(errors)
    locations = [tuple(e.get("loc", ())) for e in errors]
    return [
        error
        for error, loc in zip(errors, locations, strict=True)
        if error.get("type") != "too_short"
        or not any(len(other) > len(loc) and other[: len(loc)] == loc for other in locations)
    ]


def describe(errors: Iterable[Mapping[str, Any]], lang: str) -> str:
    """Every error as "field: problem", joined by "; " (in Chinese, "字段:问题" by ";"); a rule
    of the whole input says only its problem (never "invalid input: input: ...")."""
    said = []
    for error in _meaningful(errors):
        loc, what = tuple(error.get("loc", ())), ""
        if len(loc) >= 2 and loc[-1] == "[key]":  # a mapping's key is wrong, not its value
            loc, what = loc[:-2], f"{str(loc[-2])!r} "
        whole = not [part for part in loc if part not in SOURCES]
        if whole:
            said.append(what + problem(error, lang))
        else:
            colon = ":" if lang == "zh-CN" else ": "
            said.append(f"{field_name(loc, lang)}{colon}{what}{problem(error, lang)}")
    return (";" if lang == "zh-CN" else "; ").join(said)


def _plain(name: str, value: object, lang: str) -> str:
    """A context value as text (pydantic puts the validator's ``ValueError`` itself there);
    the choices of ``expected`` joined in Chinese ("'a', 'b' or 'c'")."""
    if isinstance(value, float) and value.is_integer():  # a bound of 24, not 24.0
        return str(bound_as_written(value))
    text = param_text(value)  # several values as "a, b", never "['a', 'b']"
    chinese = lang == "zh-CN" and name.startswith("expected")
    return text.replace(" or ", " 或 ") if chinese else text


def invalid_input(errors: Iterable[Mapping[str, Any]], lang: str) -> str:
    """The whole of a 422's ``detail``: "invalid input: " and every error, in ``lang``."""
    said = describe(errors, lang)
    if lang == "zh-CN":
        return f"输入无效:{said}" if said else "输入无效"
    return f"invalid input: {said}" if said else "invalid input"
