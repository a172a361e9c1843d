"""Reconciliation of a migration: each program's totals from the file, and again from the read
models, compared exactly (Decimal). It never raises: a program missing from the read models is
"not reconciled" with the reason, and so is a total that later loads changed on purpose (exam
answers graded since, cost lines corrected since), naming those loads."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from eventlog.engine import READ_ONLY
from eventlog.schema import events
from imports.report import ImportReport, Reconciliation, exact, mean
from imports.texts import in_english

if TYPE_CHECKING:
    from imports.history_rows import Program

#: Measures later loads may change, and the streams those loads write.
LATER = {
    "exams": ("exam-", "import.changed_by_exam_answers"),
    "average exam score": ("exam-", "import.changed_by_exam_answers"),
    "costs": ("costs-", "import.changed_by_costs"),
}


def expected(program: Program) -> list[Reconciliation]:
    """The totals as the file has them."""
    overall = [
        s["overall"] if "overall" in s else sum(s.values()) / len(s)
        for s in program.surveys.values()
    ]
    scores = [score for score, _ in program.exams.values()]
    return [
        Reconciliation(program_id=program.program_id, measure=measure, in_file=value)
        for measure, value in (
            ("enrolled", Decimal(len(program.enrolled))),
            ("attendees", Decimal(len(program.attendees))),
            ("sessions", Decimal(len(program.sessions))),
            ("surveys", Decimal(len(overall))),
            ("average survey score", mean(overall)),
            ("exams", Decimal(len(scores))),
            ("average exam score", mean(scores)),
            ("costs", sum((c.amount for c in program.costs), Decimal(0))),
        )
    ]


def _later_sources(engine: Engine, streams: list[str], sha: str) -> dict[str, list[str]]:
    """Per stream, the files other than this input that wrote to it."""
    found: dict[str, list[str]] = {}
    with engine.connect().execution_options(**READ_ONLY) as conn:
        for start in range(0, len(streams), 1000):
            query = select(events.c.stream_id, events.c.metadata).where(
                events.c.stream_id.in_(streams[start : start + 1000])
            )
            for stream_id, metadata in conn.execute(query):
                meta = metadata or {}
                if meta.get("sha256") != sha:
                    names = found.setdefault(stream_id, [])
                    if (name := str(meta.get("source", "?"))) not in names:
                        names.append(name)
    return found


def _why(code: str, **params: str) -> dict[str, object]:
    """A reconciliation row's reason: in English and by key ("" when the totals match)."""
    english = in_english(code, params) if code else ""
    return {"reason": english, "reason_code": code, "reason_params": params}


def reconcile(engine: Engine, report: ImportReport) -> ImportReport:
    """Fill ``in_system``, ``matches`` and ``reason`` of every reconciliation row from the read
    models (after the projector caught up), with the same formulas the KPIs use."""
    from projections.kpi_queries import kpi_inputs

    inputs = kpi_inputs(engine)
    wanted = {r.program_id for r in report.reconciliation}
    programs = {p.program_id: p for p in inputs.programs if p.program_id in wanted}
    overall: dict[str, list[float]] = {}
    for survey in inputs.surveys:
        if survey.program_id in wanted and (o := survey.overall) is not None:
            overall.setdefault(survey.program_id, []).append(o)
    scores: dict[str, list[float]] = {}
    for exam in inputs.exams:
        if exam.program_id in wanted:
            scores.setdefault(exam.program_id, []).append(exam.score)
    streams = sorted({f"{prefix}{pid}" for pid in wanted for prefix, _ in LATER.values()})
    later = _later_sources(engine, streams, report.sha256)

    def measure(pid: str, name: str) -> Decimal | None:
        program = programs[pid]
        values: dict[str, Decimal | None] = {
            "enrolled": exact(len(program.enrolled)),
            "attendees": exact(len(program.attendees)),
            "sessions": exact(len(program.sessions)),
            "surveys": exact(len(overall.get(pid, []))),
            "average survey score": mean(overall.get(pid, [])),
            "exams": exact(len(scores.get(pid, []))),
            "average exam score": mean(scores.get(pid, [])),
            "costs": sum((c.amount for c in inputs.costs.get(pid, ())), Decimal(0)),
        }
        return values.get(name)

    def checked(row: Reconciliation) -> Reconciliation:
        if row.program_id not in programs:
            return row.model_copy(
                update={"in_system": None, "matches": None, **_why("import.not_projected")}
            )
        found = measure(row.program_id, row.measure)
        update: dict[str, object] = {"in_system": found, "matches": True, **_why("")}
        if found != row.in_file:
            prefix, code = LATER.get(row.measure, ("", ""))
            sources = later.get(f"{prefix}{row.program_id}") if prefix else None
            if sources:
                update |= {"matches": None, **_why(code, sources=", ".join(sources))}
            else:
                update |= {"matches": False, **_why("import.differs")}
        return row.model_copy(update=update)

    rows = [checked(r) for r in report.reconciliation]
    return report.model_copy(update={"reconciliation": rows})
