"""What scorecards are computed from: the programs and every row about them, read from the read
models by a query, with an index to find one group's rows quickly."""

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
