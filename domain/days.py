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

ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
#: The years a day or an instant from outside may fall in: far enough for any plan or history,
#: and clear of the calendar's ends (9999-12-31 23:30 at UTC-12 is past the last day Python
#: can name: read in another time zone it overflowed instead of being refused).
FIRST_YEAR, LAST_YEAR = 1900, 2999


def within_years(moment: date, name: str = "date") -> None:
    """ValueError when ``moment`` (a day or an instant) falls outside FIRST_YEAR..LAST_YEAR."""
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(
            f"{name} {moment.isoformat()} is out of range: years {FIRST_YEAR} to {LAST_YEAR}"
        )


def parse_day(value: Any, name: str = "date") -> date:
    """``value`` as a day: a ``date`` (not a datetime) or text ``YYYY-MM-DD``; else ValueError."""
    if isinstance(value, date) and not isinstance(value, datetime):
        within_years(value, name)
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is None or not ISO_DAY.fullmatch(text):
        raise ValueError(f"{name} {value!r} is not a date: write YYYY-MM-DD, e.g. 2027-03-20")
    try:
        day = date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{name} {value!r} is not a day of the calendar") from exc
    within_years(day, name)
    return day


def _day(value: Any) -> date:
    return parse_day(value, "the date")


#: A day field of a command or record: only ``YYYY-MM-DD`` (or a ``date``) is accepted.
Day = Annotated[date, BeforeValidator(_day)]
