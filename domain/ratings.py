"""Ratings of KPIs against configurable thresholds, and the attainment rate of a scorecard.

A KPI is rated *excellent* at or above its excellent threshold, *meets* at or above its meets
threshold, *below target* under it, and *not rated* when it has no value (no data, or an
estimate the data cannot support). Defaults are the product's; where the source document
gives none (execution, resources, response rate, ROI), the defaults are ours and say so.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from domain.exact import Number, exact


class Rating(StrEnum):
    BELOW = "below target"
    MEETS = "meets"
    EXCELLENT = "excellent"
    NOT_RATED = "not rated"


class Threshold(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    meets: float
    excellent: float

    @model_validator(mode="after")
    def _ordered(self) -> Threshold:
        if self.excellent < self.meets:
            raise PydanticCustomError(
                "setting.excellent_below_meets",
                "excellent ({excellent}) is below meets ({meets})",
                {"excellent": self.excellent, "meets": self.meets},
            )
        return self

    def rate(self, value: Number | None) -> Rating:
        """Exact comparison (``domain.exact``): 90 rates excellent at a 90 threshold even when
        it was computed as 4.6 on a 1-5 scale."""
        if value is None:
            return Rating.NOT_RATED
        measured = exact(value)
        if measured >= exact(self.excellent):
            return Rating.EXCELLENT
        if measured >= exact(self.meets):
            return Rating.MEETS
        return Rating.BELOW


#: KPI name -> (meets, excellent, where the default comes from). Rates are fractions (0.9 =
#: 90 %), satisfaction is a 0-100 score, effects are relative changes (0.10 = +10 %), ROI is %.
DEFAULTS: dict[str, tuple[float, float, str]] = {
    "plan_completion": (0.80, 0.95, "ours (TRAINOPS_KPI_MEETS_RATE / _EXCELLENT_RATE)"),
    "on_time": (0.80, 0.95, "ours (TRAINOPS_KPI_MEETS_RATE / _EXCELLENT_RATE)"),
    "participation": (0.80, 0.95, "ours (TRAINOPS_KPI_MEETS_RATE / _EXCELLENT_RATE)"),
    "course_coverage": (0.80, 0.95, "ours"),
    "instructor_utilisation": (0.70, 0.85, "ours"),
    "venue_utilisation": (0.60, 0.80, "ours"),
    "satisfaction": (85.0, 90.0, "product default"),
    "response_rate": (0.70, 0.90, "ours"),
    "exam_pass_rate": (0.90, 0.95, "product default"),
    "mastery": (0.90, 0.95, "product default (as the pass rate)"),
    "behaviour_change": (0.10, 0.15, "product default"),
    "results_change": (0.15, 0.20, "product default"),
    "roi_percent": (25.0, 100.0, "ours (Phillips' usual 25 % objective)"),
}

EXECUTION_KPIS = ("plan_completion", "on_time", "participation")

#: KPIs that are shares of a whole, written as fractions (0.8 = 80 %): a threshold above 1 can
#: never be met, and is the percentage written as a number (80 for 80 %), refused as such.
SHARES = (
    *EXECUTION_KPIS,
    "course_coverage",
    "instructor_utilisation",
    "venue_utilisation",
    "response_rate",
    "exam_pass_rate",
    "mastery",
)


def check_share(kpi: str, threshold: Threshold) -> None:
    """``PydanticCustomError`` (a ``ValueError``) when a share's threshold is above 1."""
    if kpi in SHARES and max(threshold.meets, threshold.excellent) > 1:
        written = max(threshold.meets, threshold.excellent)
        raise PydanticCustomError(
            "setting.share_as_fraction",
            "{kpi} is a share, written as a fraction: {written} can never be met; write "
            "{fraction} for {written} %",
            {"kpi": kpi, "written": f"{written:g}", "fraction": f"{written / 100:g}"},
        )


class Thresholds(BaseModel):
    """Every KPI's thresholds; build with ``Thresholds.with_overrides`` to change some."""

    model_config = ConfigDict(frozen=True)

    by_kpi: Annotated[dict[str, Threshold], Field(min_length=1)]

    @classmethod
    def defaults(cls) -> Thresholds:
        return cls(by_kpi={k: Threshold(meets=m, excellent=x) for k, (m, x, _) in DEFAULTS.items()})

    @classmethod
    def with_overrides(cls, overrides: Mapping[str, Any]) -> Thresholds:
        """Defaults with some KPIs replaced, e.g. ``{"satisfaction": {"meets": 80, ...}}``;
        an unknown KPI name is an error (a typo must not silently keep the default)."""
        unknown = sorted(set(overrides) - set(DEFAULTS))
        if unknown:
            raise ValueError(
                f"unknown KPI {', '.join(map(repr, unknown))}; known: {', '.join(DEFAULTS)}"
            )
        merged = dict(cls.defaults().by_kpi)
        for name, value in overrides.items():
            base = merged[name].model_dump()
            merged[name] = Threshold.model_validate({**base, **dict(value)})
            check_share(name, merged[name])
        return cls(by_kpi=merged)

    def rate(self, kpi: str, value: Number | None) -> Rating:
        return self.by_kpi[kpi].rate(value)


def attainment(ratings: Iterable[Rating]) -> tuple[int, int]:
    """(rated meets or better, rated): KPIs without a rating are not part of the rate."""
    rated = [r for r in ratings if r is not Rating.NOT_RATED]
    return sum(r in (Rating.MEETS, Rating.EXCELLENT) for r in rated), len(rated)


class KpiRules(BaseModel):
    """The KPI section of the versioned configuration: thresholds per KPI (any of
    ``DEFAULTS``' names) and the exam pass mark. What is not named keeps its default."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    thresholds: dict[str, Threshold] = {}
    pass_mark: Annotated[float, Field(ge=0, le=100)] | None = None

    @model_validator(mode="after")
    def _known(self) -> KpiRules:
        unknown = sorted(set(self.thresholds) - set(DEFAULTS))
        if unknown:
            raise PydanticCustomError(
                "setting.unknown_kpis",
                "unknown KPI(s) {named}; the KPIs are {known}",
                {"named": ", ".join(unknown), "known": ", ".join(DEFAULTS)},
            )
        for name, threshold in self.thresholds.items():
            check_share(name, threshold)
        return self
