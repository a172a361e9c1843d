"""Help text wrapped by what a terminal shows, for Chinese as for English.

click wraps help with ``textwrap``, which counts characters and breaks at spaces only. Chinese
has no spaces and each character takes two columns, so a zh-CN help line ran past the
terminal's edge and, finding no space, ``textwrap`` cut an English word inside it (``LA`` /
``NG`` of ``LANG``, ``LC_`` / ``ALL``; issue 16). Here a line may break between two Chinese
characters, or at a space, never inside a word, a closing mark never starts a line, and a
line is measured in terminal columns. Text without a wide character is wrapped by click as
before.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from typer._click.formatting import HelpFormatter, iter_rows, measure_table
from typer._click.formatting import wrap_text as click_wrap_text

#: Marks that close what comes before (never the first thing on a line) and that open what
#: comes after (never the last).
_CLOSING = frozenset(",。、;:!?)」』》】”’…,.;:!?)]}%")
_OPENING = frozenset("(「『《【“‘([{")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F")


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes (a wide character, two)."""
    return sum(2 if _wide(char) else 1 for char in text)


def _tokens(text: str) -> list[str]:
    """Spaces, each wide character alone, and runs of the others (a word, a path, ``LC_ALL``)."""
    tokens: list[str] = []
    last_kind = ""
    for char in text:
        kind = "space" if char.isspace() else "wide" if _wide(char) else "narrow"
        if kind == last_kind and kind != "wide":
            tokens[-1] += char
        else:
            tokens.append(char)
        last_kind = kind
    return tokens


def _units(paragraph: str) -> list[str]:
    """The pieces a line is filled with: a word whole, a wide character on its own, a space;
    a closing mark stuck to what it closes, an opening mark to what it opens, and a note in
    brackets (click's ``[必填]``, ``[默认:UTC]``) whole."""
    units: list[str] = []
    glue_next = False
    for token in _tokens(paragraph):
        if token.isspace():
            units.append(" ")
            glue_next = False
            continue
        inside = bool(units) and units[-1].count("[") > units[-1].count("]")  # [必填] whole
        if units and units[-1] != " " and (glue_next or inside or token[0] in _CLOSING):
            units[-1] += token
        else:
            units.append(token)
        glue_next = token[-1] in _OPENING
    return units


def _fill(paragraph: str, width: int, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    line, used = first, columns(first)
    started = False  # the line holds some text (not only its indent)
    for unit in _units(paragraph):
        size = columns(unit)
        if unit == " ":
            if started:
                line, used = line + " ", used + 1
            continue
        if started and used + size > width:
            lines.append(line.rstrip())
            line, used = rest, columns(rest)
        line, used, started = line + unit, used + size, True
    lines.append(line.rstrip())
    return lines


def wrap_text(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """click's ``wrap_text``, measuring columns and breaking between Chinese characters."""
    if not any(_wide(char) for char in text):
        return click_wrap_text(text, width, initial_indent, subsequent_indent, preserve_paragraphs)
    text = text.expandtabs()
    paragraphs = re.split(r"\n\s*\n", text) if preserve_paragraphs else [text]
    filled = []
    for paragraph in paragraphs:
        words = " ".join(paragraph.split())
        filled.append("\n".join(_fill(words, width, initial_indent, subsequent_indent)))
    return "\n\n".join(filled)


class ColumnsHelpFormatter(HelpFormatter):
    """click's formatter with ``wrap_text`` above for the help's text and option lists."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        self.write(wrap_text(text, self.width, indent, indent, preserve_paragraphs=True))
        self.write("\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        rows = list(rows)
        widths = measure_table(rows)
        if len(widths) != 2:
            raise TypeError("Expected two columns for definition list")
        first_col = min(widths[0], col_max) + col_spacing
        for first, second in iter_rows(rows, len(widths)):
            self.write(f"{'':>{self.current_indent}}{first}")
            if not second:
                self.write("\n")
                continue
            if columns(first) <= first_col - col_spacing:
                self.write(" " * (first_col - columns(first)))
            else:
                self.write("\n")
                self.write(" " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap_text(second, text_width, preserve_paragraphs=True).splitlines()
            if lines:
                self.write(f"{lines[0]}\n")
                for line in lines[1:]:
                    self.write(f"{'':>{first_col + self.current_indent}}{line}\n" if line else "\n")
            else:
                self.write("\n")
