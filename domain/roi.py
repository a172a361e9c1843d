"""Phillips ROI (level 5): fully loaded costs against monetised, adjusted benefits.

- fully loaded costs = fees + materials + venue + participants' time + other;
  participants' time = hours in training x loaded hourly cost x participants;
- a benefit counts ``value x isolation x confidence``: the share the participants attribute to
  the training (isolation) times how sure they are of their estimate (confidence), the
  conservative adjustment Phillips prescribes;
- ROI % = (benefits - costs) / costs x 100, BCR = benefits / costs.

Money is ``Decimal`` so that sums are exact; ROI and BCR are rounded only for display.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

CostCategory = Literal["fees", "materials", "venue", "participant_time", "other"]
COST_CATEGORIES: tuple[CostCategory, ...] = (
    "fees",
    "materials",
    "venue",
    "participant_time",
    "other",
)
Share = Annotated[Decimal, Field(ge=0, le=1)]


class CostLine(BaseModel):
    model_config = ConfigDict(frozen=True)

    category: CostCategory
    amount: Annotated[Decimal, Field(ge=0)]


class BenefitLine(BaseModel):
    """A monetised benefit and the two Phillips adjustments applied to it."""

    model_config = ConfigDict(frozen=True)

    description: str = ""
    value: Annotated[Decimal, Field(ge=0)]
    isolation: Share = Decimal(1)
    confidence: Share = Decimal(1)

    @property
    def adjusted(self) -> Decimal:
        return self.value * self.isolation * self.confidence


class Roi(BaseModel):
    """ROI of one program (or a group of them); ``roi_percent``/``bcr`` None without costs."""

    model_config = ConfigDict(frozen=True)

    costs: Decimal
    costs_by_category: dict[str, Decimal]
    benefits: Decimal
    learners: int
    roi_percent: Decimal | None
    bcr: Decimal | None

    @property
    def cost_per_learner(self) -> Decimal | None:
        return None if self.learners == 0 else self.costs / self.learners

    @property
    def benefit_per_learner(self) -> Decimal | None:
        return None if self.learners == 0 else self.benefits / self.learners


def participant_time_cost(hours: Decimal, hourly_cost: Decimal, participants: int) -> Decimal:
    """The salary cost of the time participants spend in training instead of working."""
    return hours * hourly_cost * participants


def roi(costs: Decimal, benefits: Decimal) -> tuple[Decimal | None, Decimal | None]:
    """(ROI %, BCR) unrounded; both None when there are no costs to divide by."""
    if costs <= 0:
        return None, None
    return (benefits - costs) / costs * 100, benefits / costs


def phillips_roi(
    costs: Iterable[CostLine], benefits: Iterable[BenefitLine], *, learners: int = 0
) -> Roi:
    by_category: dict[str, Decimal] = {}
    for line in costs:
        by_category[line.category] = by_category.get(line.category, Decimal(0)) + line.amount
    total_costs = sum(by_category.values(), Decimal(0))
    total_benefits = sum((b.adjusted for b in benefits), Decimal(0))
    roi_percent, bcr = roi(total_costs, total_benefits)
    return Roi(
        costs=total_costs,
        costs_by_category=by_category,
        benefits=total_benefits,
        learners=learners,
        roi_percent=roi_percent,
        bcr=bcr,
    )


def rounded(value: Decimal | None, places: int) -> Decimal | None:
    """Half-up rounding for display (142.127… % -> 142.1 %, BCR 2.4213… -> 2.42)."""
    if value is None:
        return None
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
