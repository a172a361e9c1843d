"""The organisation's resource KPIs of one quarter: course coverage, instructor and venue
utilisation, each with a detail row per course, instructor or venue."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from domain.evaluation import ProgramRecord, Ratio, course_coverage, hours_taught, sessions_held
from domain.kpi_inputs import KpiInputs
from domain.kpi_rows import KpiValue, estimate_row
from domain.ratings import Thresholds
from domain.reference import ProgramResourcesAssigned


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
            estimate_row(
                "course_coverage", ratio, thresholds, counted, subject=course_id, headline=False
            )
        )
    if details:
        rows.append(estimate_row("course_coverage", total, thresholds, total_programs))
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
            estimate_row(
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
        estimate_row(
            kpi, Ratio(numerator=numerator, denominator=denominator), thresholds, programs
        ),
        *details,
    ]
