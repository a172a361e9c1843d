"""One KPI row of a scorecard: its value (exact and for show), sample, interval, rating and the
programs behind it; and how each kind of estimate (a proportion, a mean, a ratio) becomes one."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from fractions import Fraction
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.evaluation import SCORE_SCALE, Ratio
from domain.exact import Number, exact
from domain.exact import text as exact_text
from domain.ratings import Rating, Thresholds
from domain.statistics import Interval, MeanEstimate, Proportion, t_estimate

Unit = Literal["rate", "score", "relative", "percent", "ratio"]

LABELS: dict[str, str] = {
    "plan_completion": "plan completion rate",
    "on_time": "on-time rate",
    "participation": "participation rate",
    "satisfaction": "satisfaction (0-100)",
    "response_rate": "survey response rate",
    "exam_pass_rate": "exam pass rate",
    "mastery": "mastery",
    "behaviour_change": "L3 behaviour change vs control",
    "results_change": "L4 results change vs control",
    "roi_percent": "ROI (Phillips)",
    "course_coverage": "course coverage",
    "instructor_utilisation": "instructor utilisation",
    "venue_utilisation": "venue utilisation",
}


class KpiValue(BaseModel):
    model_config = ConfigDict(frozen=True)

    kpi: str
    subject: str = ""
    headline: bool = True
    value: float | None
    exact: str | None = None
    """The value exactly (``0.9``, ``2/3``): what the rating compared; ``value`` is for show."""
    unit: Unit
    numerator: float | None = None
    denominator: float | None = None
    n: int = 0
    interval: Interval | None = None
    rating: Rating
    note: str = ""
    detail: dict[str, Any] = {}
    programs: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        base = LABELS.get(self.kpi, self.kpi)
        return f"{base}: {self.subject}" if self.subject else base


def kpi_row(
    kpi: str,
    value: Number | None,
    unit: str,
    thresholds: Thresholds,
    programs: Iterable[str],
    subject: str,
    headline: bool,
    **measured: Any,
) -> KpiValue:
    """The fields every KPI row shares; ``measured`` adds what its kind of estimate knows.
    The rating compares the exact value (``domain.exact``)."""
    measured_exactly = None if value is None else exact(value)
    return KpiValue(
        kpi=kpi,
        subject=subject,
        headline=headline,
        value=None if measured_exactly is None else float(measured_exactly),
        exact=None if measured_exactly is None else exact_text(measured_exactly),
        unit=unit,
        rating=thresholds.rate(kpi, measured_exactly),
        programs=tuple(sorted(set(programs))),
        **measured,
    )


#: What a KPI row can be measured by: a share with its Wilson interval, a mean with its t
#: interval, or a ratio of amounts (hours, slots, people).
Estimate = Proportion | MeanEstimate | Ratio


def estimate_row(
    kpi: str,
    estimate: Estimate,
    thresholds: Thresholds,
    programs: Iterable[str],
    *,
    subject: str = "",
    headline: bool = True,
) -> KpiValue:
    """The row of one estimate, rated; what it records besides the value depends on its kind."""
    match estimate:
        case Proportion(successes=successes, n=n):
            share = None if n == 0 else Fraction(successes, n)
            return kpi_row(
                kpi, share, "rate", thresholds, programs, subject, headline,
                numerator=successes,
                denominator=n,
                n=n,
                interval=estimate.interval,
                note="" if n else "no data",
            )  # fmt: skip
        case MeanEstimate(n=n, sd=sd):
            return kpi_row(
                kpi, estimate.exact_mean, "score", thresholds, programs, subject, headline,
                n=n,
                interval=estimate.interval,
                note="no data" if n == 0 else ("one response: no interval" if n == 1 else ""),
                detail={} if sd is None else {"sd": sd},
            )  # fmt: skip
        case Ratio(numerator=numerator, denominator=denominator):
            share = None if denominator <= 0 else exact(numerator) / exact(denominator)
            return kpi_row(
                kpi, share, "ratio", thresholds, programs, subject, headline,
                numerator=numerator,
                denominator=denominator,
                n=int(denominator),
                note="" if denominator > 0 else "nothing available to use",
            )  # fmt: skip


def mean_of(
    tally: Mapping[float, int],
    confidence: float = 0.95,
    scale: tuple[float, float] = SCORE_SCALE,
) -> MeanEstimate:
    """``statistics.mean_ci`` of the sample a tally (score -> count) stands for, to the last
    bit: the exact mean, and the squared deviations summed exactly and rounded once as
    ``math.fsum`` does. Integers over a common denominator: a group adds thousands. The
    interval is cut to the ``scale`` the scores are on."""
    n = sum(tally.values())
    if n == 0:
        return MeanEstimate(n=0, mean=None, sd=None, interval=None)
    typed = [(exact(v), c) for v, c in tally.items()]
    common = math.lcm(*{f.denominator for f, _ in typed})
    total = sum(f.numerator * c * (common // f.denominator) for f, c in typed)
    exact_mean = Fraction(total, common * n)
    mean = float(exact_mean)
    if n == 1:
        return MeanEstimate(n=1, mean=mean, sd=None, interval=None, exact_mean=exact_mean)
    squares = [(((v - mean) ** 2).as_integer_ratio(), c) for v, c in tally.items()]
    below = max(d for (_, d), _ in squares)  # powers of two: the largest is common
    sd = math.sqrt(sum(m * c * (below // d) for (m, d), c in squares) / below / (n - 1))
    estimate = t_estimate(n, mean, sd, confidence, exact_mean)
    assert estimate.interval is not None
    return estimate.model_copy(update={"interval": estimate.interval.within(*scale)})
