"""Execution KPI formulas: pure functions over per-program outcomes.

Definitions decided here, stated so a reader can check any number by hand:
- a program is *planned* in a period when it was approved and its planned date falls in it;
  drafts and rejected programs are not part of the plan, cancelled ones stay in it;
- *completed* means execution finished (``ProgramExecuted``); *on time* means on or before
  the planned date, in the program's time zone;
- *due* by the as-of date: its planned date is on or before it, or it was cancelled on or
  before it (a cancelled program will never be completed: from its cancellation on it counts
  as due and not completed, so it lowers plan completion and on-time rate, and it is never on
  track). Plan completion and on-time rate count only programs due by then, and those
  completed earlier (finishing early counts; work not yet due never lowers a rate). The rest of
  the plan is *on track*: approved, not completed, not cancelled, not yet due;
- *participation* counts enrolled trainees of completed programs who attended at least one
  session, over all trainees enrolled in those programs.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel, ConfigDict


class Rate(BaseModel):
    """A ratio that keeps its sample: ``value`` is None when nothing was counted."""

    model_config = ConfigDict(frozen=True)

    numerator: int
    denominator: int

    @property
    def value(self) -> float | None:
        return None if self.denominator == 0 else self.numerator / self.denominator


class ProgramOutcome(BaseModel):
    model_config = ConfigDict(frozen=True)

    program_id: str
    specialist: str
    planned_date: date
    approved: bool
    executed: bool
    on_time: bool
    enrolled: int
    attended: int
    cancelled_on: date | None = None
    """The day it was cancelled (in its time zone); None: not cancelled."""


class ExecutionKpis(BaseModel):
    model_config = ConfigDict(frozen=True)

    specialist: str
    period: str
    plan_completion: Rate
    on_time: Rate
    participation: Rate
    planned: int = 0
    """Approved programs of the period."""
    due: int = 0
    """Of those, due by the as-of date (planned date on or before it, or cancelled by then)."""
    completed: int = 0
    on_track: int = 0
    """Not completed, not cancelled and not yet due: nothing is late about them."""


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def is_due(outcome: ProgramOutcome, as_of: date | None) -> bool:
    """Whether the program is due by ``as_of`` (None: every program is): its planned date has
    come, or it was cancelled by then, since a cancelled program is never on track."""
    if as_of is None or outcome.planned_date <= as_of:
        return True
    return outcome.cancelled_on is not None and outcome.cancelled_on <= as_of


def counted_by(outcome: ProgramOutcome, as_of: date | None) -> bool:
    """Whether plan completion and on-time rate count the program as of ``as_of`` (None: all
    approved programs, whatever their date)."""
    return outcome.approved and (outcome.executed or is_due(outcome, as_of))


def execution_kpis(
    specialist: str,
    period: str,
    outcomes: Iterable[ProgramOutcome],
    as_of: date | None = None,
) -> ExecutionKpis:
    planned = [o for o in outcomes if o.approved]
    counted = [o for o in planned if counted_by(o, as_of)]
    executed = [o for o in planned if o.executed]
    due = [o for o in planned if is_due(o, as_of)]
    return ExecutionKpis(
        specialist=specialist,
        period=period,
        planned=len(planned),
        due=len(due),
        completed=len(executed),
        on_track=len(planned) - len(counted),
        plan_completion=Rate(numerator=len(executed), denominator=len(counted)),
        on_time=Rate(numerator=sum(o.on_time for o in executed), denominator=len(counted)),
        participation=Rate(
            numerator=sum(o.attended for o in executed),
            denominator=sum(o.enrolled for o in executed),
        ),
    )


def kpis_by_specialist_and_quarter(
    outcomes: Iterable[ProgramOutcome], as_of: date | None = None
) -> list[ExecutionKpis]:
    groups: dict[tuple[str, str], list[ProgramOutcome]] = {}
    for outcome in outcomes:
        key = (outcome.specialist, quarter_of(outcome.planned_date))
        groups.setdefault(key, []).append(outcome)
    return [execution_kpis(s, p, groups[(s, p)], as_of) for s, p in sorted(groups)]
