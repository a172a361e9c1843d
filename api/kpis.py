"""KPI rows rated against their thresholds, and the inline SVG charts of the dashboard.

The execution KPIs have no thresholds in the source document, so ``TRAINOPS_KPI_MEETS_RATE`` and
``TRAINOPS_KPI_EXCELLENT_RATE`` (0.8 and 0.95 by default) rate all three. A rate with nothing
counted (0/0) is "n/a", never 0 %.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel

from domain.kpi import ExecutionKpis, Rate
from trainops.settings import Settings

Rating = Literal["excellent", "meets", "below", "n/a"]
KPI_NAMES: tuple[tuple[str, str], ...] = (
    ("plan_completion", "plan_completion_rate"),
    ("on_time", "on_time_rate"),
    ("participation", "participation_rate"),
)


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


def rate_of(value: float | None, settings: Settings) -> Rating:
    if value is None:
        return "n/a"
    if value >= settings.kpi_excellent_rate:
        return "excellent"
    if value >= settings.kpi_meets_rate:
        return "meets"
    return "below"


def rated(rate: Rate, settings: Settings) -> RatedRate:
    return RatedRate(
        value=rate.value,
        numerator=rate.numerator,
        denominator=rate.denominator,
        rating=rate_of(rate.value, settings),
    )


def kpi_rows(report: Sequence[ExecutionKpis], settings: Settings) -> list[KpiRow]:
    return [
        KpiRow(
            specialist=k.specialist,
            period=k.period,
            plan_completion_rate=rated(k.plan_completion, settings),
            on_time_rate=rated(k.on_time, settings),
            participation_rate=rated(k.participation, settings),
        )
        for k in report
    ]


@dataclass(frozen=True)
class Bar:
    period: str
    x: float
    y: float
    height: float
    rate: RatedRate


@dataclass(frozen=True)
class Chart:
    """One KPI over periods: bars (0-100 %), with the two threshold lines."""

    kpi: str
    width: int
    height: int
    top: int
    plot_height: int
    bar_width: float
    bars: tuple[Bar, ...]
    meets_y: float
    excellent_y: float


def chart(kpi: str, rows: Sequence[KpiRow], settings: Settings) -> Chart:
    top, plot_height, bar_width, gap, left = 10, 120, 36.0, 18.0, 40.0
    bars = []
    for i, row in enumerate(rows):
        rate: RatedRate = getattr(row, kpi)
        value = rate.value or 0.0
        height = value * plot_height
        bars.append(
            Bar(
                period=row.period,
                x=left + i * (bar_width + gap),
                y=top + plot_height - height,
                height=height,
                rate=rate,
            )
        )
    width = int(left + max(1, len(rows)) * (bar_width + gap) + 10)
    return Chart(
        kpi=kpi,
        width=max(width, 200),
        height=top + plot_height + 30,
        top=top,
        plot_height=plot_height,
        bar_width=bar_width,
        bars=tuple(bars),
        meets_y=top + plot_height * (1 - settings.kpi_meets_rate),
        excellent_y=top + plot_height * (1 - settings.kpi_excellent_rate),
    )
