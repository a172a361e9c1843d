"""What scorecards are computed from: each program's facts aggregated (``ProgramFacts``), and
the reference data, costs and studies; or the programs and every row about them, from which
``facts_of`` aggregates the same facts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import TypeVar

from domain.evaluation import (
    EffectStudyDefined,
    ExamResult,
    GradedItem,
    ProgramRecord,
    SurveyResponse,
)
from domain.kpi import ProgramOutcome
from domain.reference import (
    CourseDefined,
    InstructorDefined,
    ProgramResourcesAssigned,
    VenueDefined,
)
from domain.roi import BenefitLine, CostLine

T = TypeVar("T", SurveyResponse, ExamResult, "ItemResult")


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
    def by_id(self) -> dict[str, ProgramRecord]:
        return {p.program_id: p for p in self.programs}

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

    def of_programs(self, kind: str, rows: Sequence[T], ids: Iterable[str]) -> list[T]:
        """The rows of these programs, in their order in ``rows``."""
        found = self._rows_of[kind]
        return [rows[at] for at in sorted(at for pid in ids for at in found.get(pid, ()))]


Tally = Mapping[float, int]
"""Score -> how many responses gave it: a sample kept as its distinct values, so a group's mean
and spread need no row per response."""


@dataclass(frozen=True)
class ProgramFacts:
    """One program's KPI facts, aggregated: counts and score tallies, no list of trainees or
    responses (the database computes them for the report; ``facts_of`` from whole records)."""

    program_id: str
    specialist: str
    department: str | None
    period: str
    outcome: ProgramOutcome
    attendees: int
    """Distinct people who attended any session (enrolled or not)."""
    surveys: Mapping[str, Tally] = field(default_factory=dict)
    """``"overall"`` (each response's overall) and each dimension -> tally, counting only
    responses of attendees of an executed program."""
    answered: int = 0
    surveyed: bool = False
    """Any survey response at all (the programs the satisfaction row lists)."""
    passed: int = 0
    examined: int = 0
    mastery: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """Knowledge point -> (correct, graded)."""


def tally(values: Iterable[float]) -> dict[float, int]:
    found: dict[float, int] = {}
    for value in values:
        found[value] = found.get(value, 0) + 1
    return found


def facts_of(inputs: KpiInputs, pass_mark: float) -> list[ProgramFacts]:
    """Each program's facts from the whole records (the workflow's and the oracle's way)."""
    facts = []
    for p in inputs.programs:
        ids = (p.program_id,)
        attendees = set(p.attendees)
        surveys = [
            s
            for s in inputs.of_programs("surveys", inputs.surveys, ids)
            if p.executed and s.trainee in attendees
        ]
        scores: dict[str, list[float]] = {"overall": []}
        for response in surveys:
            if (overall := response.overall) is not None:
                scores["overall"].append(overall)
            for name, score in response.scores.items():
                if name != "overall":
                    scores.setdefault(name, []).append(score)
        exams = inputs.of_programs("exams", inputs.exams, ids)
        mastery: dict[str, tuple[int, int]] = {}
        for r in inputs.of_programs("items", inputs.items, ids):
            correct, graded = mastery.get(r.item.knowledge_point, (0, 0))
            mastery[r.item.knowledge_point] = (correct + r.item.correct, graded + 1)
        facts.append(
            ProgramFacts(
                program_id=p.program_id,
                specialist=p.specialist,
                department=p.department,
                period=p.period,
                outcome=outcome_of(p),
                attendees=len(attendees),
                surveys={k: tally(v) for k, v in scores.items() if v},
                answered=len({s.trainee for s in surveys}),
                surveyed=bool(inputs.of_programs("surveys", inputs.surveys, ids)),
                passed=sum(e.score >= pass_mark for e in exams),
                examined=len(exams),
                mastery=mastery,
            )
        )
    return facts


def outcome_of(p: ProgramRecord) -> ProgramOutcome:
    return ProgramOutcome(
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
