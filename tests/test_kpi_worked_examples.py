"""docs/kpis.md's worked examples are what the code computes: each figure is recomputed here
from the inputs the page shows, with the functions the report uses, formatted as the page
writes it, and must appear in the page's text (whitespace and line breaks aside)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from domain.kpi import ProgramOutcome, execution_kpis
from domain.ratings import Thresholds
from domain.roi import BenefitLine, CostLine, participant_time_cost, phillips_roi, rounded
from domain.statistics import DidEstimate, difference_in_differences, mean_ci, wilson

PAGE = " ".join((Path(__file__).resolve().parents[1] / "docs" / "kpis.md").read_text().split())
RATE = Thresholds.defaults()


def shown(fragment: str) -> None:
    assert " ".join(fragment.split()) in PAGE, f"docs/kpis.md does not say: {fragment}"


def pct(value: float, sign: str = "") -> str:
    return f"{value * 100:{sign}.1f} %"


def outcome(
    name: str,
    planned: date,
    *,
    executed: bool = False,
    on_time: bool = False,
    enrolled: int = 0,
    attended: int = 0,
    cancelled: date | None = None,
) -> ProgramOutcome:
    return ProgramOutcome(
        program_id=name,
        specialist="li",
        planned_date=planned,
        approved=True,
        executed=executed,
        on_time=on_time,
        enrolled=enrolled,
        attended=attended,
        cancelled_on=cancelled,
    )


def test_the_execution_example() -> None:
    kpis = execution_kpis(
        "li",
        "2027-Q1",
        [
            outcome("A", date(2027, 1, 20), executed=True, on_time=True, enrolled=20, attended=18),
            outcome("B", date(2027, 2, 10), executed=True, enrolled=10, attended=7),
            outcome("C", date(2027, 2, 12), enrolled=8),
            outcome("D", date(2027, 3, 20), executed=True, on_time=True, enrolled=12, attended=12),
            outcome("E", date(2027, 3, 25), enrolled=15),
            outcome("F", date(2027, 3, 30), enrolled=9, cancelled=date(2027, 2, 5)),
        ],
        as_of=date(2027, 2, 15),
    )
    shown(
        f"**{kpis.planned} planned, {kpis.due} due, {kpis.completed} completed, "
        f"{kpis.on_track} on track**"
    )
    for name, rate, lead in [
        ("plan_completion", kpis.plan_completion, "95 % interval"),
        ("on_time", kpis.on_time, "interval"),
        ("participation", kpis.participation, "interval"),
    ]:
        k, n = rate.numerator, rate.denominator
        interval = wilson(k, n).interval
        assert interval is not None and rate.value is not None
        shown(
            f"**{k}/{n} = {pct(rate.value)}**, {lead} "
            f"**[{pct(interval.low)}, {pct(interval.high)}]**: {RATE.rate(name, rate.value)}"
        )


def test_the_wilson_example() -> None:
    interval = wilson(1, 2).interval
    assert interval is not None
    shown(f"**{pct(0.5)}, [{pct(interval.low)}, {pct(interval.high)}]**")


def test_the_satisfaction_example() -> None:
    estimate = mean_ci([80, 90, 85, 95, 70])
    assert estimate.mean is not None and estimate.sd is not None and estimate.interval
    meets = RATE.by_kpi["satisfaction"].meets
    shown(f"The mean is **{estimate.mean:.1f}**")
    shown(f"= √92.5 = {estimate.sd:.3f}")
    shown(
        f"**[{estimate.interval.low:.1f}, {estimate.interval.high:.1f}]**. "
        f"{estimate.mean:.1f} is under the meets threshold of {meets:g}: "
        f"**{RATE.rate('satisfaction', estimate.mean)}**"
    )


def test_the_difference_in_differences_example() -> None:
    did = difference_in_differences(
        [50, 52, 48, 51, 49], [58, 60, 57, 59, 56], [50, 49, 51, 52, 48], [52, 51, 53, 50, 54]
    )
    assert isinstance(did, DidEstimate) and did.relative is not None
    pre = did.means["trained_pre"]
    shown(
        f"DiD = ({did.means['trained_post']:.1f} − {pre:.1f}) − "
        f"({did.means['control_post']:.1f} − {did.means['control_pre']:.1f}) = "
        f"**{did.estimate:.1f}**"
    )
    shown(f"SE = √(2.5 · 4/5) = {did.standard_error:.3f}")
    shown(
        f"interval is **[{did.interval.low:.1f}, {did.interval.high:.1f}]**, "
        f"and Cohen's d = 6.0 / √2.5 = {did.cohens_d:.2f}"
    )
    low, high = did.interval.low / pre, did.interval.high / pre
    shown(
        f"**{pct(did.relative, '+')}, [{pct(low, '+')}, {pct(high, '+')}]**: "
        f"{RATE.rate('behaviour_change', did.relative)} (10 %)"
    )


def test_the_roi_example() -> None:
    benefit = BenefitLine(
        value=Decimal("3000.00"), isolation=Decimal("0.6"), confidence=Decimal("0.8")
    )
    time = participant_time_cost(Decimal(3), Decimal("35.00"), 2)
    result = phillips_roi(
        [
            CostLine(category="fees", amount=Decimal("800.00")),
            CostLine(category="materials", amount=Decimal("100.00")),
            CostLine(category="participant_time", amount=time),
        ],
        [benefit],
    )
    shown(f"= **{benefit.adjusted:,.2f}**")
    shown(f"× 2 participants = {time:,.2f}, so **{result.costs:,.2f}**")
    roi_percent, bcr = rounded(result.roi_percent, 2), rounded(result.bcr, 4)
    shown(
        f"× 100 = **{roi_percent} %**, BCR = {result.benefits:,.2f} / {result.costs:,.2f} = "
        f"**{bcr}**: {RATE.rate('roi_percent', result.roi_percent)} (25 %)"
    )
