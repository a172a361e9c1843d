"""How a person reads an instant, everywhere: in the program's zone and labelled with it.

One convention for tables, pages, timeline summaries and notices: ``2026-12-04 22:15
Asia/Shanghai``; UTC (labelled) when asked for or when no zone is known; minutes, no seconds.
It imports nothing but the standard library, so the command line pays nothing for it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def instant_text(
    moment: str | datetime | None, zone: str | None = None, *, utc: bool = False
) -> str:
    """``moment`` (an aware datetime or ISO 8601 text) in ``zone``, labelled; "—" for none.
    A naive moment is read as UTC; ``ValueError`` for text that is not an instant."""
    if moment is None or moment == "":
        return "—"
    parsed = moment if isinstance(moment, datetime) else datetime.fromisoformat(str(moment))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if utc or not zone:
        return f"{parsed.astimezone(UTC):%Y-%m-%d %H:%M} UTC"
    try:
        return f"{parsed.astimezone(ZoneInfo(zone)):%Y-%m-%d %H:%M} {zone}"
    except (ZoneInfoNotFoundError, ValueError):
        return f"{parsed.astimezone(UTC):%Y-%m-%d %H:%M} UTC"


def wall_clock_instant(naive: datetime, zone: ZoneInfo) -> datetime:
    """``naive`` read as the clocks in ``zone`` show it; ``ValueError`` for a time they skip
    (the hour a daylight-saving change jumps over), which trainees would otherwise be reminded
    of as a time nobody wrote. A repeated time is its first occurrence."""
    aware = naive.replace(tzinfo=zone, fold=0)
    if aware.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive.replace(tzinfo=None):
        raise ValueError(f"{naive:%Y-%m-%d %H:%M} does not exist in {zone.key}")
    return aware
