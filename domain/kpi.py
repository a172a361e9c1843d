"""Execution KPI formulas (DESIGN.md): pure functions over per-program outcomes.

Definitions decided here, stated so a reader can check any number by hand:
- a program is *planned* in a period when it was approved and its planned date falls in it;
  drafts and rejected programs are not part of the plan, cancelled ones stay in it;
- *completed* means execution finished (``ProgramExecuted``); *on time* means on or before
  the planned date, in the program's time zone;
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


class ExecutionKpis(BaseModel):
    model_config = ConfigDict(frozen=True)

    specialist: str
    period: str
    plan_completion: Rate
    on_time: Rate
    participation: Rate


def quarter_of(day: date) -> str:
    return f"{day.year}-Q{(day.month - 1) // 3 + 1}"


def execution_kpis(
    specialist: str, period: str, outcomes: Iterable[ProgramOutcome]
) -> ExecutionKpis:
    planned = [o for o in outcomes if o.approved]
    executed = [o for o in planned if o.executed]
    return ExecutionKpis(
        specialist=specialist,
        period=period,
        plan_completion=Rate(numerator=len(executed), denominator=len(planned)),
        on_time=Rate(numerator=sum(o.on_time for o in executed), denominator=len(planned)),
        participation=Rate(
            numerator=sum(o.attended for o in executed),
            denominator=sum(o.enrolled for o in executed),
        ),
    )


def kpis_by_specialist_and_quarter(outcomes: Iterable[ProgramOutcome]) -> list[ExecutionKpis]:
    groups: dict[tuple[str, str], list[ProgramOutcome]] = {}
    for outcome in outcomes:
        key = (outcome.specialist, quarter_of(outcome.planned_date))
        groups.setdefault(key, []).append(outcome)
    return [execution_kpis(s, p, groups[(s, p)]) for s, p in sorted(groups)]
