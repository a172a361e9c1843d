"""Scorecards: every KPI of a group of programs, rated, with its sample and the programs behind
it, and the group's attainment rate (KPIs rated meets or better / KPIs rated).

Groups: a specialist's programs in a quarter, a department's, and the organisation's (all
programs of the quarter plus the resource KPIs). Detail rows (a survey dimension, a knowledge
point, one course/instructor/venue) are rated too but only headline rows count in attainment,
so a survey with many dimensions does not outweigh the plan.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from domain.evaluation import (
    DEFAULT_PASS_MARK,
    DIMENSIONS,
    EffectStudyDefined,
    ProgramRecord,
    effect,
)
from domain.exact import exact
from domain.exact import text as exact_text
from domain.kpi import counted_by, execution_kpis
from domain.kpi_inputs import ItemResult, KpiInputs, ProgramFacts, facts_of
from domain.kpi_rows import LABELS, KpiValue, Unit, estimate_row, kpi_row, mean_of
from domain.ratings import Thresholds, attainment
from domain.resource_kpis import resource_kpis
from domain.roi import phillips_roi, rounded
from domain.statistics import Interval, wilson

__all__ = [
    "LABELS",
    "ItemResult",
    "KpiInputs",
    "KpiValue",
    "ProgramFacts",
    "Scope",
    "Scorecard",
    "Unit",
    "program_kpis",
    "resource_kpis",
    "scorecards",
]

Scope = Literal["specialist", "department", "organisation"]


class Scorecard(BaseModel):
    model_config = ConfigDict(frozen=True)

    scope: Scope
    name: str
    period: str
    kpis: tuple[KpiValue, ...]
    attained: int
    rated: int

    @property
    def attainment(self) -> float | None:
        return None if self.rated == 0 else self.attained / self.rated

    def find(self, kpi: str, subject: str = "") -> KpiValue | None:
        """The row a drill-down names: the KPI, and its subject for detail and study rows."""
        return next((k for k in self.kpis if k.kpi == kpi and k.subject == subject), None)


def program_kpis(
    programs: Sequence[ProgramFacts],
    inputs: KpiInputs,
    thresholds: Thresholds,
    *,
    pass_mark: float = DEFAULT_PASS_MARK,
    as_of: date | None = None,
) -> list[KpiValue]:
    """Execution, L1, L2, L3/L4 and ROI rows for one group of programs, from their facts."""
    ids = {p.program_id for p in programs}
    outcomes = [p.outcome for p in programs]
    planned = [o.program_id for o in outcomes if counted_by(o, as_of)]
    executed = [o.program_id for o in outcomes if o.approved and o.executed]
    ex = execution_kpis("", "", outcomes, as_of)
    rows = [
        estimate_row(
            "plan_completion",
            wilson(ex.plan_completion.numerator, ex.plan_completion.denominator),
            thresholds,
            planned,
        ),
        estimate_row(
            "on_time", wilson(ex.on_time.numerator, ex.on_time.denominator), thresholds, planned
        ),
        estimate_row(
            "participation",
            wilson(ex.participation.numerator, ex.participation.denominator),
            thresholds,
            executed,
        ),
    ]
    scores: dict[str, dict[float, int]] = {}
    for p in programs:
        for name, counts in p.surveys.items():
            merged = scores.setdefault(name, {})
            for value, count in counts.items():
                merged[value] = merged.get(value, 0) + count
    surveyed = {p.program_id for p in programs if p.surveyed}
    rows.append(
        estimate_row("satisfaction", mean_of(scores.pop("overall", {})), thresholds, surveyed)
    )
    for dimension in [d for d in DIMENSIONS if d in scores] + sorted(set(scores) - set(DIMENSIONS)):
        rows.append(
            estimate_row(
                "satisfaction",
                mean_of(scores[dimension]),
                thresholds,
                surveyed,
                subject=dimension,
                headline=False,
            )
        )
    attendees = sum(p.attendees for p in programs if p.outcome.executed)
    answered = wilson(sum(p.answered for p in programs), attendees)
    rows.append(estimate_row("response_rate", answered, thresholds, executed))
    examined = {p.program_id for p in programs if p.examined}
    passed = wilson(sum(p.passed for p in programs), sum(p.examined for p in programs))
    rows.append(
        estimate_row("exam_pass_rate", passed, thresholds, examined).model_copy(
            update={"detail": {"pass_mark": pass_mark}}
        )
    )
    by_point: dict[str, tuple[int, int]] = {}
    for p in programs:
        for point, (correct, graded) in p.mastery.items():
            before = by_point.get(point, (0, 0))
            by_point[point] = (before[0] + correct, before[1] + graded)
    if by_point:
        graded_ids = {p.program_id for p in programs if p.mastery}
        correct = sum(c for c, _ in by_point.values())
        asked = sum(n for _, n in by_point.values())
        rows.append(estimate_row("mastery", wilson(correct, asked), thresholds, graded_ids))
        for point, (c, n) in sorted(by_point.items()):
            rows.append(
                estimate_row(
                    "mastery", wilson(c, n), thresholds, graded_ids, subject=point, headline=False
                )
            )
    for study in inputs.studies:
        if study.program_id in ids:
            rows.append(_effect_row(study, inputs.by_id, inputs, thresholds))
    rows.extend(_roi_rows(programs, inputs, thresholds))
    return rows


def _effect_row(
    study: EffectStudyDefined,
    programs: Mapping[str, ProgramRecord],
    inputs: KpiInputs,
    thresholds: Thresholds,
) -> KpiValue:
    kpi = "behaviour_change" if study.level == "L3" else "results_change"
    result = effect(study, programs.get(study.program_id), inputs.metrics, inputs.departments)
    detail: dict[str, Any] = {
        "metric": study.metric,
        "pre_period": study.pre_period,
        "post_period": study.post_period,
        "higher_is_better": study.higher_is_better,
        "trained": len(result.trained),
        "control": len(result.control),
    }
    est = result.estimate
    if est is not None:
        detail.update(
            {
                "estimate": est.estimate,
                "standard_error": est.standard_error,
                "p_value": est.p_value,
                "cohens_d": est.cohens_d,
                "df": est.df,
                "trained": est.trained,
                "control": est.control,
                "cells": est.cells,
                "means": est.means,
            }
        )
    baseline = est.means["trained_pre"] if est is not None else None
    interval = None
    if est is not None and baseline:
        sign = 1 if study.higher_is_better else -1
        ends = sorted(sign * x / abs(baseline) for x in (est.interval.low, est.interval.high))
        interval = Interval(low=ends[0], high=ends[1], confidence=est.interval.confidence)
    note = result.refusal or ""
    if est is not None and result.improvement is None:
        note = "the trained group's baseline is 0: no relative change"
    return KpiValue(
        kpi=kpi,
        subject=study.study_id,
        value=result.improvement,
        unit="relative",
        n=(est.trained + est.control) if est is not None else 0,
        interval=interval,
        rating=thresholds.rate(kpi, result.improvement),
        note=note,
        detail=detail,
        programs=(study.program_id,),
    )


def _roi_rows(
    programs: Sequence[ProgramFacts | ProgramRecord], inputs: KpiInputs, thresholds: Thresholds
) -> list[KpiValue]:
    costed = [p for p in programs if inputs.costs.get(p.program_id)]
    if not costed:
        return []
    result = phillips_roi(
        [line for p in costed for line in inputs.costs[p.program_id]],
        [line for p in costed for line in inputs.benefits.get(p.program_id, ())],
        learners=sum(
            p.attendees if isinstance(p, ProgramFacts) else len(p.attendees) for p in costed
        ),
    )
    costs, benefits = exact(result.costs), exact(result.benefits)
    roi_exact = None if costs <= 0 else (benefits - costs) / costs * 100
    bcr_exact = None if costs <= 0 else benefits / costs

    def money(amount: Decimal | None) -> str | None:
        return None if amount is None else str(rounded(amount, 2))

    row = kpi_row(
        "roi_percent", roi_exact, "percent", thresholds,
        (p.program_id for p in costed), "", True,
        numerator=float(result.benefits - result.costs),
        denominator=float(result.costs),
        n=result.learners,
        note="" if roi_exact is not None else "no costs recorded",
        detail={
            "costs": money(result.costs),
            "benefits": money(result.benefits),
            "costs_by_category": {k: money(v) for k, v in result.costs_by_category.items()},
            # Shown as people read them: ROI to two decimals of a percent, BCR to four places;
            # the exact values beside them, for recomputing.
            "bcr": None if result.bcr is None else str(rounded(result.bcr, 4)),
            "bcr_exact": None if bcr_exact is None else exact_text(bcr_exact),
            "roi_percent": None
            if result.roi_percent is None
            else str(rounded(result.roi_percent, 2)),
            "cost_per_learner": money(result.cost_per_learner),
            "benefit_per_learner": money(result.benefit_per_learner),
            "learners": result.learners,
        },
    )  # fmt: skip
    return [row]


def _card(scope: Scope, name: str, period: str, kpis: list[KpiValue]) -> Scorecard:
    attained, rated = attainment(k.rating for k in kpis if k.headline)
    return Scorecard(
        scope=scope, name=name, period=period, kpis=tuple(kpis), attained=attained, rated=rated
    )


def scorecards(
    inputs: KpiInputs,
    thresholds: Thresholds,
    *,
    pass_mark: float = DEFAULT_PASS_MARK,
    scopes: Iterable[Scope] = ("specialist", "department", "organisation"),
    as_of: date | None = None,
    facts: Sequence[ProgramFacts] | None = None,
) -> list[Scorecard]:
    """Scorecards per specialist, department and organisation, per quarter of planned date;
    plan completion and on-time rate as of ``as_of`` (see ``domain.kpi``). ``facts``: the
    programs' facts as the database aggregated them (default: from ``inputs``' records)."""
    wanted = set(scopes)
    groups: dict[tuple[Scope, str, str], list[ProgramFacts]] = {}
    for program in facts if facts is not None else facts_of(inputs, pass_mark):
        if "specialist" in wanted:
            groups.setdefault(("specialist", program.specialist, program.period), []).append(
                program
            )
        if "department" in wanted:
            department = program.department or "(none)"
            groups.setdefault(("department", department, program.period), []).append(program)
        if "organisation" in wanted:
            groups.setdefault(("organisation", "all", program.period), []).append(program)
    cards: list[Scorecard] = []
    order = {"specialist": 0, "department": 1, "organisation": 2}
    for scope, name, period in sorted(groups, key=lambda k: (k[2], order[k[0]], k[1])):
        rows = program_kpis(
            groups[(scope, name, period)], inputs, thresholds, pass_mark=pass_mark, as_of=as_of
        )
        if scope == "organisation":
            rows.extend(resource_kpis(period, inputs, thresholds))
        cards.append(_card(scope, name, period, rows))
    return cards
