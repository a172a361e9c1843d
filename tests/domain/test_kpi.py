"""Execution KPI formulas against hand-computed fixtures."""

from __future__ import annotations

from datetime import date

from domain.kpi import (
    ProgramOutcome,
    Rate,
    counted_by,
    execution_kpis,
    kpis_by_specialist_and_quarter,
    quarter_of,
)


def outcome(pid: str, **kw: object) -> ProgramOutcome:
    base: dict[str, object] = {
        "program_id": pid,
        "specialist": "li",
        "planned_date": date(2026, 2, 10),
        "approved": True,
        "executed": False,
        "on_time": False,
        "enrolled": 0,
        "attended": 0,
    }
    return ProgramOutcome.model_validate({**base, **kw})


def test_rates_count_only_approved_programs_and_keep_their_samples() -> None:
    kpis = execution_kpis(
        "li",
        "2026-Q1",
        [
            outcome("a", executed=True, on_time=True, enrolled=10, attended=9),
            outcome("b", executed=True, on_time=False, enrolled=10, attended=6),
            outcome("c"),  # approved, never executed (or cancelled)
            outcome("d", approved=False),  # rejected / still draft: not part of the plan
        ],
    )
    assert (kpis.plan_completion.numerator, kpis.plan_completion.denominator) == (2, 3)
    assert (kpis.on_time.numerator, kpis.on_time.denominator) == (1, 3)
    assert (kpis.participation.numerator, kpis.participation.denominator) == (15, 20)
    assert kpis.participation.value == 0.75


def test_empty_denominator_has_no_value() -> None:
    assert Rate(numerator=0, denominator=0).value is None
    kpis = execution_kpis("li", "2026-Q1", [outcome("x", approved=False)])
    assert kpis.plan_completion.value is None


def test_grouping_by_specialist_and_quarter() -> None:
    report = kpis_by_specialist_and_quarter(
        [
            outcome("a", executed=True, on_time=True),
            outcome("b", planned_date=date(2026, 4, 1)),
            outcome("c", specialist="zhao"),
        ]
    )
    assert [(k.specialist, k.period, k.plan_completion.value) for k in report] == [
        ("li", "2026-Q1", 1.0),
        ("li", "2026-Q2", 0.0),
        ("zhao", "2026-Q1", 0.0),
    ]
    assert quarter_of(date(2026, 12, 31)) == "2026-Q4"


def test_a_cancelled_program_is_due_and_not_completed_from_its_cancellation_on() -> None:
    """Cancelled on 2026-01-15, planned for 2026-02-10: on track only before its cancellation."""
    cancelled = outcome("c", cancelled_on=date(2026, 1, 15))
    done = outcome("a", executed=True, on_time=True)
    before = execution_kpis("li", "2026-Q1", [done, cancelled], as_of=date(2026, 1, 14))
    assert (before.planned, before.due, before.completed, before.on_track) == (2, 0, 1, 1)
    assert (before.plan_completion.numerator, before.plan_completion.denominator) == (1, 1)

    # ``done`` (planned 2026-02-10) is due from its own date on; ``cancelled`` from 01-15.
    for as_of, due in ((date(2026, 1, 15), 1), (date(2026, 2, 9), 1), (date(2026, 3, 31), 2)):
        kpis = execution_kpis("li", "2026-Q1", [done, cancelled], as_of=as_of)
        assert (kpis.planned, kpis.due, kpis.completed, kpis.on_track) == (2, due, 1, 0), as_of
        assert (kpis.plan_completion.numerator, kpis.plan_completion.denominator) == (1, 2)
        assert (kpis.on_time.numerator, kpis.on_time.denominator) == (1, 2)
        assert counted_by(cancelled, as_of)
    assert counted_by(cancelled, None)
    assert not counted_by(outcome("x"), date(2026, 1, 15)), "not cancelled, not due: on track"
