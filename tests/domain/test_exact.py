"""Exact numbers behind every rating: a value on a threshold rates as its threshold, whatever
binary floating point would have made of it; displays keep what matters."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.evaluation import ProgramRecord, normalise
from domain.exact import exact, exact_sum, text
from domain.ratings import Rating, Threshold, Thresholds
from domain.roi import BenefitLine, CostLine
from domain.scorecards import KpiInputs, _roi_rows
from domain.statistics import mean_ci


def test_four_point_six_on_a_one_to_five_scale_is_exactly_ninety_and_excellent() -> None:
    assert (4.6 - 1) / (5 - 1) * 100 != 90  # what binary floating point makes of it
    assert normalise(4.6, 1, 5) == 90.0
    estimate = mean_ci([normalise(4.6, 1, 5), normalise(4.6, 1, 5)])
    assert estimate.exact_mean == 90
    assert Threshold(meets=85, excellent=90).rate(estimate.exact_mean) is Rating.EXCELLENT


def test_a_mean_of_typed_decimals_is_exact() -> None:
    estimate = mean_ci([89.9, 90.1, 0.1 + 0.2 - 0.3 + 90])
    assert estimate.exact_mean == Fraction(90)
    assert Threshold(meets=85, excellent=90).rate(estimate.exact_mean) is Rating.EXCELLENT


@pytest.mark.parametrize(
    ("value", "expected"),
    [(0.8, Rating.MEETS), (Fraction(4, 5), Rating.MEETS), (Fraction(79, 100), Rating.BELOW)],
)
def test_a_rate_on_its_threshold_meets_it(value: float | Fraction, expected: Rating) -> None:
    assert Threshold(meets=0.8, excellent=0.95).rate(value) is expected


def test_roi_and_bcr_are_shown_with_the_places_that_matter_and_kept_exact() -> None:
    """Benefits 3,020 on costs 3,000: ROI 0.67 % (not 0.7), BCR 1.0067 (not 1.01)."""
    program = ProgramRecord(
        program_id="p1",
        specialist="spec",
        department="sales",
        period="2027-Q1",
        planned_date=date(2027, 2, 1),
        status="closed",
        approved=True,
        executed=True,
        on_time=True,
        enrolled=("a",),
        attendees=("a",),
    )
    inputs = KpiInputs(
        programs=[program],
        costs={"p1": [CostLine(line_id="c", category="fees", amount=Decimal(3000))]},
        benefits={"p1": [BenefitLine(value=Decimal(3020))]},
    )
    (row,) = _roi_rows([program], inputs, Thresholds.defaults())
    assert row.detail["roi_percent"] == "0.67"
    assert row.detail["bcr"] == "1.0067"
    assert row.detail["bcr_exact"] == "151/150"
    assert row.exact == "2/3"  # percent
    assert row.rating is Rating.BELOW


@given(st.fractions(min_value=-(10**6), max_value=10**6, max_denominator=10**6))
def test_exact_text_reads_back_to_the_same_number(value: Fraction) -> None:
    shown = text(value)
    assert (Fraction(shown) if "/" in shown else Fraction(Decimal(shown))) == value


def test_exact_refuses_what_is_not_a_number() -> None:
    with pytest.raises(ValueError):
        exact(float("nan"))
    with pytest.raises(TypeError):
        exact(True)


def test_an_exact_sum_is_the_sum_of_the_fractions() -> None:
    values = [exact(v) for v in (0.1, 0.2, 66.66666666666667, 87.5, 3, 1e-7, -2.25)]
    assert exact_sum(values) == sum(values, Fraction(0))
    assert exact_sum([]) == 0
    assert exact_sum([Fraction(1, 3), Fraction(1, 6)]) == Fraction(1, 2)
