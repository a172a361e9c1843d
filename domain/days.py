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


def parse_day(value: Any, name: str = "date") -> date:
    """``value`` as a day: a ``date`` (not a datetime) or text ``YYYY-MM-DD``; else ValueError."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    text = value.strip() if isinstance(value, str) else None
    if text is None or not ISO_DAY.fullmatch(text):
        raise ValueError(f"{name} {value!r} is not a date: write YYYY-MM-DD, e.g. 2027-03-20")
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(f"{name} {value!r} is not a day of the calendar") from exc


def _day(value: Any) -> date:
    return parse_day(value, "the date")


#: A day field of a command or record: only ``YYYY-MM-DD`` (or a ``date``) is accepted.
Day = Annotated[date, BeforeValidator(_day)]
