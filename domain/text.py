"""One rule for text from outside: what a person types may hold any printable character, tab and
line breaks; never NUL, other control characters or lone surrogates.

Those cannot be stored by every database (PostgreSQL text refuses NUL), cannot be encoded as
UTF-8 (lone surrogates) or hide what a reader sees (control characters). The rule is checked
where input enters: commands (so the HTTP API, the command line and raw Temporal updates all
refuse it) and imported rows. The error names the field and the character.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, model_validator

ALLOWED_CONTROLS = frozenset("\t\n\r")


def bad_character(value: str) -> tuple[int, str] | None:
    """The first forbidden character of ``value`` and its index, if any."""
    for index, char in enumerate(value):
        if char.isprintable() or char in ALLOWED_CONTROLS or char == " ":
            continue
        if unicodedata.category(char) in ("Cc", "Cs"):
            return index, char
    return None


def _strings(value: Any, path: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings(key, (*path, "(key)"))
            yield from _strings(item, (*path, str(key)))
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, str(index)))


def check_text(data: Any) -> None:
    """``ValueError`` naming the field of the first forbidden character anywhere in ``data``."""
    for path, text in _strings(data, ()):
        found = bad_character(text)
        if found is not None:
            index, char = found
            field = ".".join(path) or "text"
            raise ValueError(
                f"{field}: contains U+{ord(char):04X} (a control character or a lone surrogate) "
                f"at position {index + 1}; text may hold printable characters, tabs and line "
                "breaks only"
            )


#: Explicit bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
#: they make text display in another order than it is stored ("Trojan Source"), so a title could
#: read differently to the approver than to the log. Right-to-left text needs none of them.
BIDI_CONTROLS = frozenset(chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A)))


def check_no_bidi_controls(data: Any) -> None:
    """``ValueError`` naming the field of the first bidirectional control anywhere in ``data``.

    Checked on new input at the edge (the service layer and imports), not in the models the
    workflow replays, so a history recorded before this rule still replays.
    """
    for path, text in _strings(data, ()):
        for index, char in enumerate(text):
            if char in BIDI_CONTROLS:
                field = ".".join(path) or "text"
                raise ValueError(
                    f"{field}: contains U+{ord(char):04X} (a bidirectional override) at position "
                    f"{index + 1}; it makes text display in another order than it is stored"
                )


def not_one_line(value: str) -> str | None:
    """The first character of ``value`` that a one-line name (a display name, a token label)
    may not hold: a control (escapes, tabs, line ends), a line or paragraph separator, a lone
    surrogate or a bidirectional control. A zero-width joiner inside an emoji is fine."""
    for char in value:
        if unicodedata.category(char) in ("Cc", "Zl", "Zp", "Cs") or char in BIDI_CONTROLS:
            return char
    return None


class CheckedText(BaseModel):
    """A model whose input text follows the rule (checked before the fields are parsed)."""

    @model_validator(mode="before")
    @classmethod
    def _text_is_text(cls, data: Any) -> Any:
        check_text(data)
        return data


#: What makes a spreadsheet read a CSV cell as a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a CSV cell a spreadsheet shows as text: one that would start a formula
    (``=HYPERLINK(…)`` in a program's title) gets a leading apostrophe, which spreadsheets hide.
    Numbers are never passed here, so ``-5`` stays a number."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
