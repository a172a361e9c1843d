"""KPI rows rated against their thresholds, and the inline SVG charts of the dashboard.

One threshold configuration rates every KPI and draws every threshold line
(``thresholds_in_force``: the defaults of ``domain.ratings``, ``TRAINOPS_KPI_MEETS_RATE`` and
``TRAINOPS_KPI_EXCELLENT_RATE`` for the execution rates, then ``TRAINOPS_KPI_THRESHOLDS_FILE``),
so a bar's colour, the line it crosses and the scorecard's rating always agree. A KPI with
nothing counted is "n/a" and charted as an empty slot, never as 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlencode

from fastapi import HTTPException, status
from pydantic import BaseModel

from api.dependencies import Services
from api.i18n import SURVEY_DIMENSIONS
from domain import ratings
from domain.kpi import ExecutionKpis, Rate
from domain.ratings import Threshold, Thresholds
from domain.scorecards import LABELS, KpiValue, Scope, Scorecard, Unit
from services import kpi_reports, kpi_texts
from services.kpi_reports import format_value

Rating = Literal["excellent", "meets", "below", "n/a"]
KPI_NAMES: tuple[tuple[str, str], ...] = (
    ("plan_completion", "plan_completion_rate"),
    ("on_time", "on_time_rate"),
    ("participation", "participation_rate"),
)
#: A scorecard's rating in the short words of the execution table and ``GET /api/v1/kpi``.
SHORT: dict[ratings.Rating, Rating] = {
    ratings.Rating.EXCELLENT: "excellent",
    ratings.Rating.MEETS: "meets",
    ratings.Rating.BELOW: "below",
    ratings.Rating.NOT_RATED: "n/a",
}
SCOPES: tuple[Scope, ...] = ("specialist", "department", "organisation")
#: Charts in the scorecard's order: execution, L1, L2, L3/L4, ROI, resources.
ORDER = {kpi: n for n, kpi in enumerate(LABELS)}


def thresholds_in_force(services: Services) -> tuple[Thresholds, float]:
    """The thresholds and exam pass mark every page and endpoint rates with (the versioned
    configuration's ``kpi`` section over the defaults); a broken file is the server's fault
    (500 with the reason), not the reader's."""
    try:
        return kpi_reports.thresholds_in_force(services.database.store, services.settings)
    except ValueError as exc:
        raise HTTPException(
            status.HTTP_500_INTERNAL_SERVER_ERROR, "the KPI thresholds file is invalid"
        ) from exc


def css_class(rating: ratings.Rating) -> str:
    return SHORT[rating].replace("/", "")


# ---------------------------------------------------------------------- execution table


class RatedRate(BaseModel):
    value: float | None
    numerator: int
    denominator: int
    rating: Rating


class KpiRow(BaseModel):
    specialist: str
    period: str
    plan_completion_rate: RatedRate
    on_time_rate: RatedRate
    participation_rate: RatedRate
    planned: int = 0
    """Approved programs of the period."""
    due: int = 0
    """Of those, due by the as-of date (today): planned on or before it, or cancelled by then."""
    completed: int = 0
    on_track: int = 0
    """Not completed, not cancelled and not yet due: nothing is late about them."""


def rated(kpi: str, rate: Rate, thresholds: Thresholds) -> RatedRate:
    return RatedRate(
        value=rate.value,
        numerator=rate.numerator,
        denominator=rate.denominator,
        rating=SHORT[thresholds.rate(kpi, rate.value)],
    )


def kpi_rows(report: Sequence[ExecutionKpis], thresholds: Thresholds) -> list[KpiRow]:
    return [
        KpiRow(
            specialist=k.specialist,
            period=k.period,
            plan_completion_rate=rated("plan_completion", k.plan_completion, thresholds),
            on_time_rate=rated("on_time", k.on_time, thresholds),
            participation_rate=rated("participation", k.participation, thresholds),
            planned=k.planned,
            due=k.due,
            completed=k.completed,
            on_track=k.on_track,
        )
        for k in report
    ]


# ---------------------------------------------------------------------- drill-down


def drill_down(scope: Scope, name: str, period: str, kpi: str, subject: str = "") -> str:
    """The programs page listing exactly the programs behind one number of a scorecard."""
    query = {"kpi": kpi, "scope": scope, "name": name, "period": period}
    if subject:
        query["subject"] = subject
    return f"/programs?{urlencode(query)}"


@dataclass(frozen=True)
class Shown:
    """A scorecard row as the pages show it: formatted as ``trainops kpi report`` prints it."""

    kpi: str
    label: str
    subject: str
    headline: bool
    value: str
    interval: str
    subject_said: str
    """What a detail row is about in the reader's language (a survey's built-in dimension)."""
    sample: str
    note: str
    """Why the sample is what it is ("no data", ...), in the reader's language."""
    rating: str
    css: str
    programs: int
    href: str


def shown(row: KpiValue, href: str, lang: str = "en") -> Shown:
    """The row in ``lang``: its sample, note and dimension from ``services.kpi_texts``, the
    catalog ``trainops kpi report`` says them from too."""
    low, high = (row.interval.low, row.interval.high) if row.interval else (None, None)
    return Shown(
        kpi=row.kpi,
        label=LABELS.get(row.kpi, row.kpi),
        subject=row.subject,
        subject_said=kpi_texts.subject(row.kpi, row.subject, SURVEY_DIMENSIONS.get(lang, {})),
        headline=row.headline,
        value=kpi_texts.value(row.value, row.unit, lang),
        interval=f"{format_value(low, row.unit)} – {format_value(high, row.unit)}"
        if row.interval
        else "",
        sample=kpi_texts.sample(row, lang),
        note=kpi_texts.note(row.note, lang),
        rating=row.rating.value,
        css=css_class(row.rating),
        programs=len(row.programs),
        href=href,
    )


# ---------------------------------------------------------------------- charts

TOP, PLOT, LEFT, BAR, GAP = 10.0, 120.0, 48.0, 36.0, 18.0
ROUND = (1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0)


@dataclass(frozen=True)
class Bar:
    """One period's slot: a bar from the zero line, or an empty slot when the KPI is n/a
    (``shown`` is None when the scope has no such row that period: nothing to drill into)."""

    period: str
    x: float
    y: float
    height: float
    value: float | None
    shown: Shown | None


@dataclass(frozen=True)
class Tick:
    y: float
    text: str


@dataclass(frozen=True)
class Chart:
    """One KPI of one scope over periods, on an axis scaled to its unit and its thresholds."""

    kpi: str
    label: str
    subject: str
    width: int
    height: int
    top: float
    left: float
    plot_height: float
    bar_width: float
    zero_y: float
    bars: tuple[Bar, ...]
    ticks: tuple[Tick, ...]
    meets_y: float
    excellent_y: float
    meets: str
    excellent: str


def _round_up(x: float) -> float:
    """The next round number (1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6 or 8 times a power of ten)."""
    if x <= 0:
        return 0.0
    magnitude = 10.0 ** math.floor(math.log10(x))
    step = next(s for s in ROUND if x <= s * magnitude * (1 + 1e-9))
    return round(step * magnitude, 12)


def axis(values: Iterable[float], threshold: Threshold, unit: Unit) -> tuple[float, float]:
    """From 0 (or below the lowest value) to a round number above the highest value and both
    thresholds, so every bar and both lines fit; rates always show 0-100 %."""
    seen = [0.0, threshold.meets, threshold.excellent, *values]
    low, high = min(seen), max(seen)
    high = 1.0 if unit in ("rate", "ratio") and high <= 1 else _round_up(high * 1.05)
    low = -_round_up(-low * 1.05) if low < 0 else 0.0
    return low, high if high > low else low + 1.0


def tick_text(value: float, unit: Unit) -> str:
    match unit:
        case "rate" | "ratio":
            return f"{value * 100:g}%"
        case "relative":
            return f"{value * 100:+g}%" if value else "0%"
        case "percent":
            return f"{value:g} %"
    return f"{value:g}"


def chart(
    kpi: str,
    subject: str,
    unit: Unit,
    threshold: Threshold,
    points: Sequence[tuple[str, KpiValue | None, str]],
    lang: str = "en",
) -> Chart:
    """``points``: (period, the scorecard row or None, its drill-down link), oldest first."""
    values = [row.value for _, row, _ in points if row is not None and row.value is not None]
    low, high = axis(values, threshold, unit)

    def y(value: float) -> float:
        return TOP + PLOT * (high - value) / (high - low)

    zero = y(0.0)
    bars = []
    for i, (period, row, href) in enumerate(points):
        x = LEFT + GAP / 2 + i * (BAR + GAP)
        value = row.value if row is not None else None
        if value is None:
            top, height = TOP, PLOT
        else:
            top, height = min(y(value), zero), max(abs(y(value) - zero), 1.0)
        bars.append(Bar(period, x, top, height, value, shown(row, href, lang) if row else None))
    width = int(LEFT + max(1, len(points)) * (BAR + GAP) + 10)
    return Chart(
        kpi=kpi,
        label=LABELS.get(kpi, kpi),
        subject=subject,
        width=max(width, 200),
        height=int(TOP + PLOT + 30),
        top=TOP,
        left=LEFT,
        plot_height=PLOT,
        bar_width=BAR,
        zero_y=zero,
        bars=tuple(bars),
        ticks=tuple(Tick(y(v), tick_text(v, unit)) for v in sorted({low, 0.0, high})),
        meets_y=y(threshold.meets),
        excellent_y=y(threshold.excellent),
        meets=format_value(threshold.meets, unit),
        excellent=format_value(threshold.excellent, unit),
    )


@dataclass(frozen=True)
class Card:
    scorecard: Scorecard
    rows: tuple[Shown, ...]


@dataclass(frozen=True)
class Group:
    """A specialist's, a department's or the organisation's scorecards, one per period, and a
    chart over the periods for every headline KPI they rate."""

    scope: Scope
    name: str
    charts: tuple[Chart, ...]
    cards: tuple[Card, ...]


def dashboard(cards: Sequence[Scorecard], thresholds: Thresholds, lang: str = "en") -> list[Group]:
    """Every chart shares one period axis (every quarter on any card), so charts compare at a
    glance; a period without the KPI is an empty slot. Samples and notes are in ``lang``."""
    periods = sorted({c.period for c in cards})
    grouped: dict[tuple[Scope, str], dict[str, Scorecard]] = {}
    for card in cards:
        grouped.setdefault((card.scope, card.name), {})[card.period] = card
    groups = []
    for (scope, name), by_period in sorted(
        grouped.items(), key=lambda g: (SCOPES.index(g[0][0]), g[0][1])
    ):
        series: dict[tuple[str, str], KpiValue] = {}
        for card in by_period.values():
            for row in card.kpis:
                if row.headline:
                    series.setdefault((row.kpi, row.subject), row)
        charts = []
        for kpi, subject in sorted(series, key=lambda s: (ORDER.get(s[0], len(ORDER)), s[1])):
            points = [
                (
                    period,
                    by_period[period].find(kpi, subject) if period in by_period else None,
                    drill_down(scope, name, period, kpi, subject),
                )
                for period in periods
            ]
            unit = series[(kpi, subject)].unit
            charts.append(chart(kpi, subject, unit, thresholds.by_kpi[kpi], points, lang))
        groups.append(
            Group(
                scope=scope,
                name=name,
                charts=tuple(charts),
                cards=tuple(
                    Card(
                        card,
                        tuple(
                            shown(k, drill_down(scope, name, card.period, k.kpi, k.subject), lang)
                            for k in card.kpis
                        ),
                    )
                    for _, card in sorted(by_period.items())
                ),
            )
        )
    return groups
