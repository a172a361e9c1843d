"""Phillips ROI on the published worked example; ratings and attainment."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.ratings import Rating, Threshold, Thresholds, attainment
from domain.roi import BenefitLine, CostLine, participant_time_cost, phillips_roi, roi, rounded


def test_worked_example_per_learner() -> None:
    """Benefits 1,284.00 and costs 530.30 per learner: ROI 142.1 %, BCR 2.42."""
    roi_percent, bcr = roi(Decimal("530.30"), Decimal("1284.00"))
    assert rounded(roi_percent, 1) == Decimal("142.1")
    assert rounded(bcr, 2) == Decimal("2.42")


def test_fully_loaded_costs_and_adjusted_benefits() -> None:
    # 2,140.00 claimed, 75 % attributed to the training, 80 % sure: 1,284.00 counts.
    costs = [
        CostLine(category="fees", amount=Decimal("200.00")),
        CostLine(category="materials", amount=Decimal("30.30")),
        CostLine(category="venue", amount=Decimal("100.00")),
        CostLine(
            category="participant_time",
            amount=participant_time_cost(Decimal(4), Decimal("50.00"), 1),
        ),
    ]
    benefit = BenefitLine(
        value=Decimal("2140.00"), isolation=Decimal("0.75"), confidence=Decimal("0.8")
    )
    result = phillips_roi(costs, [benefit], learners=1)
    assert result.costs == Decimal("530.30")
    assert result.benefits == Decimal("1284.00")
    assert rounded(result.roi_percent, 1) == Decimal("142.1")
    assert rounded(result.bcr, 2) == Decimal("2.42")
    assert result.costs_by_category["participant_time"] == Decimal("200.00")
    assert result.cost_per_learner == Decimal("530.30")


def test_roi_scales_with_learners_and_needs_costs() -> None:
    ten = phillips_roi(
        [CostLine(category="fees", amount=Decimal("5303"))],
        [BenefitLine(value=Decimal("12840"))],
        learners=10,
    )
    assert rounded(ten.roi_percent, 1) == Decimal("142.1")
    assert ten.cost_per_learner == Decimal("530.3")
    free = phillips_roi([], [BenefitLine(value=Decimal(10))])
    assert free.roi_percent is None and free.bcr is None and free.cost_per_learner is None


def test_threshold_boundaries() -> None:
    t = Threshold(meets=85, excellent=90)
    assert [t.rate(v) for v in (84.99, 85, 89.99, 90, None)] == [
        Rating.BELOW,
        Rating.MEETS,
        Rating.MEETS,
        Rating.EXCELLENT,
        Rating.NOT_RATED,
    ]
    with pytest.raises(ValueError):
        Threshold(meets=90, excellent=85)


def test_defaults_from_design_and_overrides() -> None:
    defaults = Thresholds.defaults()
    assert defaults.by_kpi["satisfaction"] == Threshold(meets=85, excellent=90)
    assert defaults.by_kpi["exam_pass_rate"] == Threshold(meets=0.9, excellent=0.95)
    assert defaults.by_kpi["behaviour_change"] == Threshold(meets=0.10, excellent=0.15)
    assert defaults.by_kpi["results_change"] == Threshold(meets=0.15, excellent=0.20)
    changed = Thresholds.with_overrides({"satisfaction": {"meets": 80}})
    assert changed.by_kpi["satisfaction"] == Threshold(meets=80, excellent=90)
    assert changed.rate("satisfaction", 82) is Rating.MEETS
    with pytest.raises(ValueError, match="unknown KPI 'satisfation'"):
        Thresholds.with_overrides({"satisfation": {"meets": 80}})


def test_attainment_ignores_unrated() -> None:
    ratings = [Rating.MEETS, Rating.EXCELLENT, Rating.BELOW, Rating.NOT_RATED]
    assert attainment(ratings) == (2, 3)
    assert attainment([]) == (0, 0)


def test_a_share_written_as_a_percentage_is_refused() -> None:
    """Issue 16: `{meets: 80, excellent: 95}` for plan completion was accepted and rated every
    program "below target" (the share is 0..1); satisfaction and ROI stay numbers."""
    from domain.ratings import KpiRules

    for kpi in ("plan_completion", "participation", "exam_pass_rate"):
        with pytest.raises(ValueError, match=rf"{kpi} is a share.*write 0\.95 for 95 %"):
            Thresholds.with_overrides({kpi: {"meets": 80, "excellent": 95}})
        with pytest.raises(ValueError, match=r"write 0\.95 for 95 %"):
            KpiRules.model_validate({"thresholds": {kpi: {"meets": 0.8, "excellent": 95}}})
    fine = Thresholds.with_overrides(
        {"plan_completion": {"meets": 0.75, "excellent": 1}, "roi_percent": {"meets": 50}}
    )
    assert fine.rate("plan_completion", 0.8) is Rating.MEETS
    assert KpiRules.model_validate({"thresholds": {"satisfaction": {"meets": 80, "excellent": 88}}})
