"""The geometry of the program's lifecycle chart (server-rendered SVG, nothing downloaded).

Drawn phone-first: 360 units wide, one row per milestone with its label above its marks, so it
reads at phone width and scales up on a wide screen. A planned interval is an outlined bar (a
planned instant a dashed tick); the actual instant a dot, red when late, green when on time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from services.lifecycle import Milestone

WIDTH = 360
LEFT, RIGHT = 10, 10
ROW = 34
TOP = 8
AXIS = 22
WHEN = "%Y-%m-%d %H:%M"


@dataclass(frozen=True)
class Row:
    milestone: Milestone
    y: float
    """The top of the row: its label's baseline is ``y + 11``, its marks at ``y + 20``."""
    planned_x: float | None
    planned_width: float
    actual_x: float | None
    state: str
    """``late``, ``ontime``, ``done`` (nothing to compare) or ``planned`` (not yet)."""
    planned_text: str
    actual_text: str


@dataclass(frozen=True)
class Tick:
    x: float
    text: str


@dataclass(frozen=True)
class LifecycleChart:
    width: int
    height: int
    rows: tuple[Row, ...]
    ticks: tuple[Tick, ...]
    axis_y: float
    now_x: float | None
    zone: str


def _instants(milestones: Sequence[Milestone]) -> list[datetime]:
    found: list[datetime] = []
    for m in milestones:
        found += [t for t in (m.planned_start, m.planned_end, m.actual) if t is not None]
    return found


def lifecycle_chart(
    milestones: Sequence[Milestone], zone: ZoneInfo, now: datetime
) -> LifecycleChart | None:
    """The chart of ``milestones`` in the program's ``zone``; None when there is nothing."""
    instants = _instants(milestones)
    if not instants:
        return None
    first, last = min(instants), max(instants)
    span = max(last - first, timedelta(days=1))
    first, last = first - span * 0.04, last + span * 0.04
    plot = WIDTH - LEFT - RIGHT

    def x(moment: datetime) -> float:
        return round(LEFT + plot * ((moment - first) / (last - first)), 1)

    def text(moment: datetime | None) -> str:
        return moment.astimezone(zone).strftime(WHEN) if moment is not None else ""

    rows = []
    for n, m in enumerate(milestones):
        start = m.planned_start
        end = m.planned_end or start
        planned_x = x(start) if start is not None else None
        width = max(x(end) - x(start), 0.0) if start is not None and end is not None else 0.0
        if m.actual is None:
            state = "planned"
        elif m.late is None:
            state = "done"
        else:
            state = "late" if m.late else "ontime"
        rows.append(
            Row(
                milestone=m,
                y=TOP + n * ROW,
                planned_x=planned_x,
                planned_width=width,
                actual_x=x(m.actual) if m.actual is not None else None,
                state=state,
                planned_text=text(start) if start == end else f"{text(start)} – {text(end)}",
                actual_text=text(m.actual),
            )
        )
    axis_y = TOP + len(rows) * ROW + 4
    count = 4
    ticks = tuple(
        Tick(
            x=x(first + (last - first) * (k / count)),
            text=(first + (last - first) * (k / count)).astimezone(zone).strftime("%m-%d"),
        )
        for k in range(1, count)
    )
    return LifecycleChart(
        width=WIDTH,
        height=int(axis_y + AXIS),
        rows=tuple(rows),
        ticks=ticks,
        axis_y=axis_y,
        now_x=x(now) if first <= now <= last else None,
        zone=str(zone),
    )
