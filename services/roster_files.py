"""A roster or sign-in file read and checked whole: every offending row listed (an oversized
file, a malformed or repeated id, an employee id the log does not know) before anything is
recorded. A row is named by the line it starts on."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from eventlog.store import EventStore
from services.error_texts import say
from services.errors import Invalid
from services.trainees import unknown_trainees

#: A roster file's limits: bytes, and people (a company-wide course reaches every employee).
MAX_ROSTER_BYTES = 8 * 1024 * 1024
MAX_ROSTER_ROWS = 200_000
#: How many offending rows a refusal lists before it says how many more there are.
LISTED_PROBLEMS = 200

_PERSON_ID = re.compile(r"^[A-Za-z0-9._@-]{1,100}$")
_HEADERS = frozenset({"employee_id", "employee", "trainee", "id"})


@dataclass(frozen=True)
class RowProblem:
    row: int
    """The file's line number (1 is the first line)."""
    value: str
    code: str
    """Why, as a message key (``services.error_texts``); said in any language by ``said``."""
    params: dict[str, object] = field(default_factory=dict)

    def said(self, lang: str = "en") -> str:
        return say(self.code, self.params, lang) or self.code

    @property
    def problem(self) -> str:
        return self.said()


class RosterFileRefused(Invalid):
    """The file as a whole cannot be a roster (too big, not UTF-8 text, too many people, no
    one named): one reason, no rows."""


class RosterRefused(Invalid):
    """A roster file refused whole; ``problems`` lists every offending row."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("error.roster_refused", rows=self.rows_text("en"))

    def rows_text(self, lang: str) -> str:
        """The offending rows, in ``lang``: the first ``LISTED_PROBLEMS``, then how many more."""
        shown = [
            say("row.where", {"row": p.row, "value": _cut(p.value), "problem": p.said(lang)}, lang)
            for p in self.problems[:LISTED_PROBLEMS]
        ]
        more = len(self.problems) - LISTED_PROBLEMS
        if more > 0:
            shown.append(say("row.more", {"count": more}, lang))
        return (";" if lang == "zh-CN" else "; ").join(str(line) for line in shown)

    def said(self, lang: str) -> str:
        return say(self.key, {"rows": self.rows_text(lang)}, lang) or str(self)


def _cut(value: str, most: int = 100) -> str:
    """A value as a sentence quotes it: a row of 100,000 characters is not said whole (the
    refusal's ``rows`` keep it as sent)."""
    return value if len(value) <= most else value[:most] + "…"


def read_roster(data: bytes, max_bytes: int = MAX_ROSTER_BYTES) -> list[str]:
    """The employee ids of a CSV file (the first column; a header row and blank lines are
    skipped), or ``RosterRefused`` listing every offending row."""
    rows, problems = read_rows(data, max_bytes)
    if problems:
        raise RosterRefused(problems)
    return [value for _, value in rows]


def read_rows(
    data: bytes, max_bytes: int = MAX_ROSTER_BYTES
) -> tuple[list[tuple[int, str]], list[RowProblem]]:
    """The file's ids with their line numbers, and its offending rows (``RosterFileRefused``
    for a file that cannot be read as a roster at all)."""
    if len(data) > max_bytes:
        raise RosterFileRefused("error.roster_too_big", size=len(data), limit=max_bytes)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise RosterFileRefused("error.roster_not_utf8", byte=exc.start + 1) from exc
    problems: list[RowProblem] = []
    first_row: dict[str, int] = {}
    # Universal newlines: a spreadsheet that ends its lines with a lone carriage return (older
    # Excel for Mac) is read line by line, as one ending them with CRLF or LF.
    reader = csv.reader(io.StringIO(text, newline=None))
    try:
        while True:
            number = reader.line_num + 1  # the line a row starts on (a quoted field may
            row = next(reader, None)  # hold line breaks: rows and lines differ)
            if row is None:
                break
            value = row[0].strip() if row else ""
            if not value or (number == 1 and value.lower() in _HEADERS):
                continue
            if not _PERSON_ID.match(value):
                problems.append(RowProblem(number, value, "row.not_an_id"))
            elif value in first_row:
                first: dict[str, object] = {"first": first_row[value]}
                problems.append(RowProblem(number, value, "row.duplicate", first))
            else:
                first_row[value] = number
    except csv.Error as exc:  # a field over 128 KiB (a quote left open runs on to the end)
        raise RosterFileRefused("error.roster_not_csv", line=reader.line_num) from exc
    if len(first_row) > MAX_ROSTER_ROWS:
        raise RosterFileRefused(
            "error.roster_too_many", count=len(first_row), limit=MAX_ROSTER_ROWS
        )
    if not first_row and not problems:
        raise RosterFileRefused("error.roster_names_nobody")
    return [(number, value) for value, number in first_row.items()], problems


def check_roster(store: EventStore, data: bytes) -> list[str]:
    """``read_roster``, and every id must be a recorded employee or a trainee's account; a
    refusal lists the malformed, duplicate and unknown rows together, in the file's order."""
    rows, problems = read_rows(data, MAX_ROSTER_BYTES)
    unknown = unknown_trainees(store, [value for _, value in rows]) if rows else set()
    problems += [RowProblem(n, p, "row.unknown_employee") for n, p in rows if p in unknown]
    if problems:
        raise RosterRefused(sorted(problems, key=lambda p: p.row))
    return [value for _, value in rows]
