"""Kirkpatrick levels 1-4, resources and ROI inputs: the events and the pure formulas.

- **L1 reaction**: a survey's dimensions (content, instructor, format, venue, ...) are scores
  normalised to 0-100; a response's *overall* is its ``overall`` score, or else the mean of its
  dimensions. Per group of programs: mean and 95 % t interval, overall and per dimension, and the
  response rate (responses / attendees of executed programs, Wilson interval).
- **L2 learning**: pass rate = examined with score >= pass mark (default 60) / examined, with a
  Wilson interval; mastery per knowledge point = correct / asked over graded answers.
- **L3 behaviour / L4 results**: difference in differences of a metric between the trained and
  an untrained control group, pre and post training (``domain.statistics``); the rated value is
  the relative improvement (estimate / trained baseline, sign flipped when lower is better).
- **Resources**: course coverage = target trainees who attended an executed program of the
  course / target trainees; instructor utilisation = hours of held sessions taught / hours
  available; venue utilisation = held sessions / slots available; all per quarter.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from domain.event_base import DomainEvent, PersonId
from domain.exact import exact
from domain.reference import CourseDefined, RecordId, same_answer
from domain.refusals import refused
from domain.roi import CostCategory
from domain.statistics import (
    DidEstimate,
    MeanEstimate,
    Proportion,
    Refusal,
    difference_in_differences,
    mean_ci,
    wilson,
)

DIMENSIONS = ("content", "instructor", "format", "venue")
DEFAULT_PASS_MARK = 60.0
#: Every score the KPIs average (a survey's, an exam's), once normalised: its ends.
SCORE_SCALE = (0.0, 100.0)
Score = Annotated[float, Field(ge=SCORE_SCALE[0], le=SCORE_SCALE[1])]


class GradedItem(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    question_id: str
    knowledge_point: str
    correct: bool


class ExamGraded(DomainEvent):
    """An online exam graded against the course's answer key (stream ``exam-<program id>``)."""

    type: Literal["ExamGraded"] = "ExamGraded"
    program_id: RecordId
    trainee: PersonId
    course_id: RecordId
    score: Score
    items: tuple[GradedItem, ...]


class MetricRecorded(DomainEvent):
    """One employee's performance or business metric for one period (L3/L4), as exported by
    HRIS/ERP (stream ``metrics-<employee id>``); a later value for the same key replaces it."""

    type: Literal["MetricRecorded"] = "MetricRecorded"
    employee_id: PersonId
    metric: Annotated[str, Field(min_length=1, max_length=100)]
    period: Annotated[str, Field(min_length=1, max_length=20)]
    value: float
    source: str = ""


class EffectStudyDefined(DomainEvent):
    """How a program's L3/L4 effect is measured (stream ``study-<id>``). ``trained`` defaults
    to the program's attendees; ``control`` to employees of the trained people's departments
    who were not enrolled in the program."""

    type: Literal["EffectStudyDefined"] = "EffectStudyDefined"
    study_id: RecordId
    program_id: RecordId
    level: Literal["L3", "L4"]
    metric: Annotated[str, Field(min_length=1, max_length=100)]
    pre_period: Annotated[str, Field(min_length=1, max_length=20)]
    post_period: Annotated[str, Field(min_length=1, max_length=20)]
    higher_is_better: bool = True
    trained: tuple[PersonId, ...] = ()
    control: tuple[PersonId, ...] = ()


class ProgramCostRecorded(DomainEvent):
    """One cost line of a program (stream ``costs-<program id>``); same line id replaces."""

    type: Literal["ProgramCostRecorded"] = "ProgramCostRecorded"
    program_id: RecordId
    line_id: RecordId
    category: CostCategory
    amount: Annotated[Decimal, Field(ge=0)]
    note: str = ""


class ProgramBenefitRecorded(DomainEvent):
    """One monetised benefit of a program with its Phillips adjustments (same stream)."""

    type: Literal["ProgramBenefitRecorded"] = "ProgramBenefitRecorded"
    program_id: RecordId
    line_id: RecordId
    description: str = ""
    value: Annotated[Decimal, Field(ge=0)]
    isolation: Annotated[Decimal, Field(ge=0, le=1)] = Decimal(1)
    confidence: Annotated[Decimal, Field(ge=0, le=1)] = Decimal(1)


# ---------------------------------------------------------------------- inputs


class SessionRecord(BaseModel):
    model_config = ConfigDict(frozen=True)

    session_id: str
    starts_at: datetime
    hours: float
    held: bool
    period: str


class ProgramRecord(BaseModel):
    """What the KPIs need to know about one program (built from the program read model)."""

    model_config = ConfigDict(frozen=True)

    program_id: str
    specialist: str
    department: str | None
    period: str
    planned_date: date
    status: str
    approved: bool
    executed: bool
    on_time: bool
    enrolled: tuple[str, ...]
    attendees: tuple[str, ...]
    sessions: tuple[SessionRecord, ...] = ()
    cancelled_on: date | None = None


class SurveyResponse(BaseModel):
    model_config = ConfigDict(frozen=True)

    program_id: str
    trainee: str
    scores: dict[str, float]

    @property
    def overall(self) -> float | None:
        if "overall" in self.scores:
            return self.scores["overall"]
        dims = [v for k, v in self.scores.items() if k != "overall"]
        return math.fsum(dims) / len(dims) if dims else None


class ExamResult(BaseModel):
    model_config = ConfigDict(frozen=True)

    program_id: str
    trainee: str
    score: float


# ---------------------------------------------------------------------- formulas


def normalise(score: float, low: float = 0.0, high: float = 100.0) -> float:
    """A score on the scale [low, high] (e.g. a 1-5 Likert item) mapped onto 0-100, computed
    exactly (``domain.exact``): 4.6 on 1-5 is 90.0, not 89.99999999999999."""
    if high <= low:
        raise ValueError(f"the scale's top ({high}) must be above its bottom ({low})")
    if not low <= score <= high:
        raise ValueError(f"score {score} is outside its scale {low:g}-{high:g}")
    return float((exact(score) - exact(low)) / (exact(high) - exact(low)) * 100)


def grade_exam(
    course: CourseDefined, answers: Mapping[str, str]
) -> tuple[float, tuple[GradedItem, ...]]:
    """Score 0-100 = correct / questions of the course; unanswered questions are wrong.
    Answers compare case- and space-insensitively (a key "B" accepts " b")."""
    if not course.questions:
        raise refused("exam.no_answer_key", course_id=course.course_id)
    unknown = sorted(set(answers) - {q.question_id for q in course.questions})
    if unknown:
        raise refused("exam.unknown_questions", questions=", ".join(unknown))
    items = tuple(
        GradedItem(
            question_id=q.question_id,
            knowledge_point=q.knowledge_point,
            correct=same_answer(answers.get(q.question_id, ""), q.answer),
        )
        for q in course.questions
    )
    score = 100 * sum(i.correct for i in items) / len(items)
    return score, items


class ReactionKpis(BaseModel):
    model_config = ConfigDict(frozen=True)

    overall: MeanEstimate
    by_dimension: dict[str, MeanEstimate]
    response_rate: Proportion


def reaction(
    programs: Sequence[ProgramRecord], surveys: Iterable[SurveyResponse], confidence: float = 0.95
) -> ReactionKpis:
    executed = {p.program_id: set(p.attendees) for p in programs if p.executed}
    responses = [
        s for s in surveys if s.program_id in executed and s.trainee in executed[s.program_id]
    ]
    dimensions: dict[str, list[float]] = {}
    for response in responses:
        for name, score in response.scores.items():
            if name != "overall":
                dimensions.setdefault(name, []).append(score)
    order = [d for d in DIMENSIONS if d in dimensions] + sorted(set(dimensions) - set(DIMENSIONS))
    overall = [o for r in responses if (o := r.overall) is not None]
    attendees = sum(len(people) for people in executed.values())
    answered = len({(r.program_id, r.trainee) for r in responses})
    return ReactionKpis(
        overall=mean_ci(overall, confidence),
        by_dimension={d: mean_ci(dimensions[d], confidence) for d in order},
        response_rate=wilson(answered, attendees, confidence),
    )


class LearningKpis(BaseModel):
    model_config = ConfigDict(frozen=True)

    pass_mark: float
    pass_rate: Proportion
    score: MeanEstimate
    mastery: Proportion
    mastery_by_point: dict[str, Proportion]


def learning(
    exams: Iterable[ExamResult],
    items: Iterable[GradedItem],
    pass_mark: float = DEFAULT_PASS_MARK,
    confidence: float = 0.95,
) -> LearningKpis:
    scores = [e.score for e in exams]
    passed = sum(score >= pass_mark for score in scores)
    by_point: dict[str, list[bool]] = {}
    for item in items:
        by_point.setdefault(item.knowledge_point, []).append(item.correct)
    all_items = [c for answers in by_point.values() for c in answers]
    return LearningKpis(
        pass_mark=pass_mark,
        pass_rate=wilson(passed, len(scores), confidence),
        score=mean_ci(scores, confidence),
        mastery=wilson(sum(all_items), len(all_items), confidence),
        mastery_by_point={
            point: wilson(sum(answers), len(answers), confidence)
            for point, answers in sorted(by_point.items())
        },
    )


class Ratio(BaseModel):
    """A ratio of quantities that may exceed 1 (utilisation); None without a denominator."""

    model_config = ConfigDict(frozen=True)

    numerator: float
    denominator: float

    @property
    def value(self) -> float | None:
        return None if self.denominator <= 0 else self.numerator / self.denominator


def course_coverage(
    course: CourseDefined,
    departments: Mapping[str, str],
    programs: Iterable[ProgramRecord],
    course_of: Mapping[str, str],
) -> tuple[Ratio, frozenset[str]]:
    """(target trainees who attended an executed program of the course / target trainees,
    the programs that count). ``departments`` maps employee -> department."""
    targets = set(course.target_trainees) | {
        person for person, dept in departments.items() if dept in course.target_departments
    }
    covered: set[str] = set()
    counted: set[str] = set()
    for program in programs:
        if program.executed and course_of.get(program.program_id) == course.course_id:
            counted.add(program.program_id)
            covered |= targets & set(program.attendees)
    return Ratio(numerator=len(covered), denominator=len(targets)), frozenset(counted)


def hours_taught(programs: Iterable[ProgramRecord], period: str) -> float:
    """Hours of the sessions held in ``period`` (by the session's local date)."""
    return math.fsum(s.hours for p in programs for s in p.sessions if s.held and s.period == period)


def sessions_held(programs: Iterable[ProgramRecord], period: str) -> int:
    return sum(1 for p in programs for s in p.sessions if s.held and s.period == period)


class EffectResult(BaseModel):
    """A study's outcome: the estimate and the rated improvement, or why there is none."""

    model_config = ConfigDict(frozen=True)

    study: EffectStudyDefined
    estimate: DidEstimate | None
    refusal: str | None
    improvement: float | None
    trained: tuple[str, ...]
    control: tuple[str, ...]


def effect(
    study: EffectStudyDefined,
    program: ProgramRecord | None,
    metrics: Mapping[tuple[str, str, str], float],
    departments: Mapping[str, str],
    confidence: float = 0.95,
) -> EffectResult:
    """The study's DiD. ``metrics`` maps (employee, metric, period) -> value."""
    trained = tuple(sorted(study.trained or (program.attendees if program else ())))
    excluded = set(trained) | set(program.enrolled if program else ())
    if study.control:
        control = tuple(sorted(set(study.control) - excluded))
    else:
        trained_departments = {departments[p] for p in trained if departments.get(p)}
        control = tuple(
            sorted(
                person
                for person, dept in departments.items()
                if dept in trained_departments and person not in excluded
            )
        )

    def values(people: Sequence[str], period: str) -> list[float]:
        return [v for p in people if (v := metrics.get((p, study.metric, period))) is not None]

    def measured(people: Sequence[str]) -> int:
        return sum(
            any(
                (p, study.metric, period) in metrics
                for period in (study.pre_period, study.post_period)
            )
            for p in people
        )

    result = difference_in_differences(
        values(trained, study.pre_period),
        values(trained, study.post_period),
        values(control, study.pre_period),
        values(control, study.post_period),
        trained_people=measured(trained),
        control_people=measured(control),
        confidence=confidence,
    )
    if isinstance(result, Refusal):
        return EffectResult(
            study=study,
            estimate=None,
            refusal=result.reason,
            improvement=None,
            trained=trained,
            control=control,
        )
    improvement = None
    if result.relative is not None:
        improvement = result.relative if study.higher_is_better else -result.relative
    return EffectResult(
        study=study,
        estimate=result,
        refusal=None,
        improvement=improvement,
        trained=trained,
        control=control,
    )
