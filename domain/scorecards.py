"""Scorecards: every KPI of a group of programs, rated, with its sample and the programs behind
it, and the group's attainment rate (KPIs rated meets or better / KPIs rated).

Groups: a specialist's programs in a quarter, a department's, and the organisation's (all
programs of the quarter plus the resource KPIs). Detail rows (a survey dimension, a knowledge
point, one course/instructor/venue) are rated too but only headline rows count in attainment,
so a survey with many dimensions does not outweigh the plan.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from domain.evaluation import (
    DEFAULT_PASS_MARK,
    EffectStudyDefined,
    ExamResult,
    GradedItem,
    ProgramRecord,
    Ratio,
    SurveyResponse,
    course_coverage,
    effect,
    hours_taught,
    learning,
    reaction,
    sessions_held,
)
from domain.exact import Number, exact
from domain.exact import text as exact_text
from domain.kpi import ProgramOutcome, counted_by, execution_kpis
from domain.ratings import Rating, Thresholds, attainment
from domain.reference import (
    CourseDefined,
    InstructorDefined,
    ProgramResourcesAssigned,
    VenueDefined,
)
from domain.roi import BenefitLine, CostLine, phillips_roi, rounded
from domain.statistics import Interval, MeanEstimate, Proportion, wilson

T = TypeVar("T", SurveyResponse, ExamResult, "ItemResult")

Unit = Literal["rate", "score", "relative", "percent", "ratio"]
Scope = Literal["specialist", "department", "organisation"]

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


@dataclass(frozen=True)
class ItemResult:
    program_id: str
    trainee: str
    item: GradedItem


@dataclass(frozen=True)
class KpiInputs:
    """Everything the scorecards are computed from (read from the read models by a query)."""

    programs: Sequence[ProgramRecord]
    surveys: Sequence[SurveyResponse] = ()
    exams: Sequence[ExamResult] = ()
    items: Sequence[ItemResult] = ()
    costs: Mapping[str, Sequence[CostLine]] = field(default_factory=dict)
    benefits: Mapping[str, Sequence[BenefitLine]] = field(default_factory=dict)
    studies: Sequence[EffectStudyDefined] = ()
    metrics: Mapping[tuple[str, str, str], float] = field(default_factory=dict)
    departments: Mapping[str, str] = field(default_factory=dict)
    courses: Mapping[str, CourseDefined] = field(default_factory=dict)
    instructors: Mapping[str, InstructorDefined] = field(default_factory=dict)
    venues: Mapping[str, VenueDefined] = field(default_factory=dict)
    assignments: Mapping[str, ProgramResourcesAssigned] = field(default_factory=dict)

    @cached_property
    def _rows_of(self) -> dict[str, dict[str, list[int]]]:
        """Where each program's surveys, exams and items are, so a group's are found without
        scanning every row for every group."""
        programs_of = {
            "surveys": [r.program_id for r in self.surveys],
            "exams": [r.program_id for r in self.exams],
            "items": [r.program_id for r in self.items],
        }
        index: dict[str, dict[str, list[int]]] = {}
        for kind, ids in programs_of.items():
            found: dict[str, list[int]] = {}
            for at, program_id in enumerate(ids):
                found.setdefault(program_id, []).append(at)
            index[kind] = found
        return index

    def _of(self, kind: str, rows: Sequence[T], ids: Iterable[str]) -> list[T]:
        """The rows of these programs, in their order in ``rows``."""
        found = self._rows_of[kind]
        return [rows[at] for at in sorted(at for pid in ids for at in found.get(pid, ()))]


# ---------------------------------------------------------------------- building rows


def _row(
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


def _proportion(
    kpi: str,
    p: Proportion,
    thresholds: Thresholds,
    programs: Iterable[str],
    *,
    subject: str = "",
    headline: bool = True,
) -> KpiValue:
    share = None if p.n == 0 else Fraction(p.successes, p.n)
    return _row(
        kpi, share, "rate", thresholds, programs, subject, headline,
        numerator=p.successes,
        denominator=p.n,
        n=p.n,
        interval=p.interval,
        note="" if p.n else "no data",
    )  # fmt: skip


def _mean(
    kpi: str,
    m: MeanEstimate,
    thresholds: Thresholds,
    programs: Iterable[str],
    *,
    subject: str = "",
    headline: bool = True,
) -> KpiValue:
    return _row(
        kpi, m.exact_mean, "score", thresholds, programs, subject, headline,
        n=m.n,
        interval=m.interval,
        note="no data" if m.n == 0 else ("one response: no interval" if m.n == 1 else ""),
        detail={} if m.sd is None else {"sd": m.sd},
    )  # fmt: skip


def _ratio(
    kpi: str,
    r: Ratio,
    thresholds: Thresholds,
    programs: Iterable[str],
    *,
    subject: str = "",
    headline: bool = True,
) -> KpiValue:
    share = None if r.denominator <= 0 else exact(r.numerator) / exact(r.denominator)
    return _row(
        kpi, share, "ratio", thresholds, programs, subject, headline,
        numerator=r.numerator,
        denominator=r.denominator,
        n=int(r.denominator),
        note="" if r.denominator > 0 else "nothing available to use",
    )  # fmt: skip


def program_kpis(
    programs: Sequence[ProgramRecord],
    inputs: KpiInputs,
    thresholds: Thresholds,
    *,
    pass_mark: float = DEFAULT_PASS_MARK,
    as_of: date | None = None,
) -> list[KpiValue]:
    """Execution, L1, L2, L3/L4 and ROI rows for one group of programs."""
    ids = {p.program_id for p in programs}
    outcomes = [
        ProgramOutcome(
            program_id=p.program_id,
            specialist=p.specialist,
            planned_date=p.planned_date,
            approved=p.approved,
            executed=p.executed,
            on_time=p.on_time,
            enrolled=len(p.enrolled),
            attended=len(set(p.attendees) & set(p.enrolled)),
            cancelled_on=p.cancelled_on,
        )
        for p in programs
    ]
    planned = [o.program_id for o in outcomes if counted_by(o, as_of)]
    executed = [p.program_id for p in programs if p.approved and p.executed]
    ex = execution_kpis("", "", outcomes, as_of)
    rows = [
        _proportion(
            "plan_completion",
            wilson(ex.plan_completion.numerator, ex.plan_completion.denominator),
            thresholds,
            planned,
        ),
        _proportion(
            "on_time", wilson(ex.on_time.numerator, ex.on_time.denominator), thresholds, planned
        ),
        _proportion(
            "participation",
            wilson(ex.participation.numerator, ex.participation.denominator),
            thresholds,
            executed,
        ),
    ]
    surveys = inputs._of("surveys", inputs.surveys, ids)
    l1 = reaction(programs, surveys)
    surveyed = {s.program_id for s in surveys}
    rows.append(_mean("satisfaction", l1.overall, thresholds, surveyed))
    for dimension, estimate in l1.by_dimension.items():
        rows.append(
            _mean(
                "satisfaction",
                estimate,
                thresholds,
                surveyed,
                subject=dimension,
                headline=False,
            )
        )
    rows.append(_proportion("response_rate", l1.response_rate, thresholds, executed))
    exams = inputs._of("exams", inputs.exams, ids)
    items = inputs._of("items", inputs.items, ids)
    l2 = learning(exams, [i.item for i in items], pass_mark)
    examined = {e.program_id for e in exams}
    pass_row = _proportion("exam_pass_rate", l2.pass_rate, thresholds, examined)
    rows.append(pass_row.model_copy(update={"detail": {"pass_mark": pass_mark}}))
    graded = {i.program_id for i in items}
    if items:
        rows.append(_proportion("mastery", l2.mastery, thresholds, graded))
        for point, p in l2.mastery_by_point.items():
            rows.append(
                _proportion("mastery", p, thresholds, graded, subject=point, headline=False)
            )
    by_id = {p.program_id: p for p in programs}
    for study in inputs.studies:
        if study.program_id in ids:
            rows.append(_effect_row(study, by_id, inputs, thresholds))
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
    programs: Sequence[ProgramRecord], inputs: KpiInputs, thresholds: Thresholds
) -> list[KpiValue]:
    costed = [p for p in programs if inputs.costs.get(p.program_id)]
    if not costed:
        return []
    result = phillips_roi(
        [line for p in costed for line in inputs.costs[p.program_id]],
        [line for p in costed for line in inputs.benefits.get(p.program_id, ())],
        learners=sum(len(p.attendees) for p in costed),
    )
    costs, benefits = exact(result.costs), exact(result.benefits)
    roi_exact = None if costs <= 0 else (benefits - costs) / costs * 100
    bcr_exact = None if costs <= 0 else benefits / costs

    def money(amount: Decimal | None) -> str | None:
        return None if amount is None else str(rounded(amount, 2))

    row = _row(
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


def resource_kpis(period: str, inputs: KpiInputs, thresholds: Thresholds) -> list[KpiValue]:
    """Course coverage, instructor and venue utilisation of one quarter."""
    course_of = {
        pid: a.course_id for pid, a in inputs.assignments.items() if a.course_id is not None
    }
    in_period = [p for p in inputs.programs if p.period == period]
    rows: list[KpiValue] = []
    total = Ratio(numerator=0, denominator=0)
    total_programs: set[str] = set()
    details: list[KpiValue] = []
    for course_id, course in sorted(inputs.courses.items()):
        ratio, counted = course_coverage(course, inputs.departments, in_period, course_of)
        if ratio.denominator == 0 and not counted:
            continue
        total = Ratio(
            numerator=total.numerator + ratio.numerator,
            denominator=total.denominator + ratio.denominator,
        )
        total_programs |= counted
        details.append(
            _ratio("course_coverage", ratio, thresholds, counted, subject=course_id, headline=False)
        )
    if details:
        rows.append(_ratio("course_coverage", total, thresholds, total_programs))
        rows.extend(details)
    rows.extend(
        _utilisation(
            "instructor_utilisation",
            period,
            {i: d.available_hours.get(period, 0.0) for i, d in inputs.instructors.items()},
            lambda a: a.instructor_id,
            hours_taught,
            inputs,
            thresholds,
        )
    )
    rows.extend(
        _utilisation(
            "venue_utilisation",
            period,
            {v: float(d.slots.get(period, 0)) for v, d in inputs.venues.items()},
            lambda a: a.venue_id,
            lambda programs, p: float(sessions_held(programs, p)),
            inputs,
            thresholds,
        )
    )
    return rows


def _utilisation(
    kpi: str,
    period: str,
    available: Mapping[str, float],
    resource_of: Callable[[ProgramResourcesAssigned], str | None],
    used: Callable[[Sequence[ProgramRecord], str], float],
    inputs: KpiInputs,
    thresholds: Thresholds,
) -> list[KpiValue]:
    by_id = {p.program_id: p for p in inputs.programs}
    programs_of: dict[str, list[ProgramRecord]] = {}
    for pid, assignment in inputs.assignments.items():
        resource = resource_of(assignment)
        if resource is not None and pid in by_id:
            programs_of.setdefault(resource, []).append(by_id[pid])
    details: list[KpiValue] = []
    numerator = denominator = 0.0
    programs: set[str] = set()
    for resource in sorted(set(available) | set(programs_of)):
        mine = programs_of.get(resource, [])
        amount = used(mine, period)
        capacity = available.get(resource, 0.0)
        if amount == 0 and capacity == 0:
            continue
        held = {
            p.program_id for p in mine if any(s.held and s.period == period for s in p.sessions)
        }
        numerator += amount
        denominator += capacity
        programs |= held
        details.append(
            _ratio(
                kpi,
                Ratio(numerator=amount, denominator=capacity),
                thresholds,
                held,
                subject=resource,
                headline=False,
            )
        )
    if not details:
        return []
    return [
        _ratio(kpi, Ratio(numerator=numerator, denominator=denominator), thresholds, programs),
        *details,
    ]


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
) -> list[Scorecard]:
    """Scorecards per specialist, department and organisation, per quarter of planned date;
    plan completion and on-time rate as of ``as_of`` (see ``domain.kpi``)."""
    wanted = set(scopes)
    groups: dict[tuple[Scope, str, str], list[ProgramRecord]] = {}
    periods: set[str] = set()
    for program in inputs.programs:
        periods.add(program.period)
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
