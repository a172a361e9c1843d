"""Calendar days from outside are written one way: ``YYYY-MM-DD``.

Python's ``date.fromisoformat`` also reads ``20260320`` and ISO week dates (``2026-W12-5``), and
pydantic reads numbers as Unix timestamps; a typo then becomes a real but wrong day. Every day
that enters (commands, imported rows) goes through ``parse_day``.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import BeforeValidator

from domain.refusals import REFUSALS, in_english, param_text

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The years a day or an instant from outside may fall in: far enough for any plan or history,
#: and clear of the calendar's ends (9999-12-31 23:30 at UTC-12 is past the last day Python
#: can name: read in another time zone it overflowed instead of being refused).
FIRST_YEAR, LAST_YEAR = 1900, 2999


class DayRefused(ValueError):
    """A value that is no day (or no day we take), with its ``code`` and ``params`` for a
    catalog (``domain.refusals``), so an import or a form says it in the reader's language."""

    def __init__(self, code: str, /, **params: object) -> None:
        self.code, self.params = code, {k: param_text(v) for k, v in params.items()}
        super().__init__(in_english(REFUSALS[code], self.params))


def within_years(moment: date, name: str = "date") -> None:
    """``DayRefused`` when ``moment`` (a day or an instant) is outside FIRST_YEAR..LAST_YEAR."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise DayRefused(
            "day.out_of_range",
            name=name,
            day=moment.isoformat(),
            first=FIRST_YEAR,
            last=LAST_YEAR,
        )


def parse_day(value: Any, name: str = "date") -> date:
    """``value`` as a day: a ``date`` (not a datetime) or text ``YYYY-MM-DD``; else ValueError."""
    if isinstance(value, date) and not isinstance(value, datetime):
        within_years(value, name)
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is None or not ISO_DAY.fullmatch(text):
        raise DayRefused("day.not_a_date", name=name, value=value)
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise DayRefused("day.not_in_calendar", name=name, value=value) from exc
    within_years(day, name)
    return day


def _day(value: Any) -> date:
    return parse_day(value, "the date")


#: A day field of a command or record: only ``YYYY-MM-DD`` (or a ``date``) is accepted.
Day = Annotated[date, BeforeValidator(_day)]
