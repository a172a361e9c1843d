"""Evaluation read models: survey and exam answers, graded items, reference data, L3/L4
metrics and ROI lines, each row keeping the log position of the event it came from (the
drill-down from a KPI to the events behind it).

The fold is last-write-wins per key, in log order, so it ends the same however the log is cut
into batches. Aggregation happens at read time (``projections.kpi_queries``) with the pure
formulas of ``domain``; these tables hold only facts.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Connection,
    Float,
    String,
    Table,
    and_,
    delete,
    insert,
)

from domain import events as e
from domain import reference as r
from domain.evaluation import (
    EffectStudyDefined,
    ExamGraded,
    MetricRecorded,
    ProgramBenefitRecorded,
    ProgramCostRecorded,
)
from projections.base import Batch
from projections.program_views import program_id_of
from projections.tables import metadata

responses = Table(
    "rm_eval_responses",
    metadata,
    Column("program_id", String(100), primary_key=True),
    Column("trainee", String(100), primary_key=True),
    Column("kind", String(10), primary_key=True),  # survey | exam
    Column("dimension", String(100), primary_key=True),  # "" for an exam score
    Column("score", Float, nullable=False),
    Column("event_type", String(100), nullable=False),
    Column("position", BigInteger, nullable=False),
)

items = Table(
    "rm_eval_items",
    metadata,
    Column("program_id", String(100), primary_key=True),
    Column("trainee", String(100), primary_key=True),
    Column("question_id", String(100), primary_key=True),
    Column("knowledge_point", String(200), nullable=False),
    Column("correct", Boolean, nullable=False),
    Column("position", BigInteger, nullable=False),
)

reference = Table(
    "rm_reference",
    metadata,
    Column("kind", String(30), primary_key=True),
    Column("record_id", String(100), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("position", BigInteger, nullable=False),
)

metrics = Table(
    "rm_metrics",
    metadata,
    Column("employee_id", String(100), primary_key=True),
    Column("metric", String(100), primary_key=True),
    Column("period", String(20), primary_key=True),
    Column("value", Float, nullable=False),
    Column("position", BigInteger, nullable=False),
)

roi_lines = Table(
    "rm_roi_lines",
    metadata,
    Column("program_id", String(100), primary_key=True),
    Column("kind", String(10), primary_key=True),  # cost | benefit
    Column("line_id", String(100), primary_key=True),
    Column("data", JSON, nullable=False),
    Column("position", BigInteger, nullable=False),
)

#: Reference record kind per event type, as stored in ``rm_reference.kind``.
REFERENCE_KINDS: dict[type[Any], str] = {
    r.CourseDefined: "course",
    r.InstructorDefined: "instructor",
    r.VenueDefined: "venue",
    r.EmployeeRecorded: "employee",
    r.ProgramResourcesAssigned: "assignment",
    EffectStudyDefined: "study",
}


class _Fold:
    """One batch folded in memory: the final rows per key, in log order."""

    def __init__(self) -> None:
        self.responses: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
        self.items: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.reference: dict[tuple[str, str], dict[str, Any]] = {}
        self.metrics: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.roi: dict[tuple[str, str, str], dict[str, Any]] = {}

    def response(
        self,
        program_id: str,
        trainee: str,
        kind: str,
        scores: dict[str, float],
        etype: str,
        at: int,
    ) -> None:
        self.responses[(program_id, trainee, kind)] = [
            {
                "program_id": program_id,
                "trainee": trainee,
                "kind": kind,
                "dimension": dimension,
                "score": float(score),
                "event_type": etype,
                "position": at,
            }
            for dimension, score in scores.items()
        ]

    def graded(self, program_id: str, trainee: str, graded: Iterable[Any], at: int) -> None:
        self.items[(program_id, trainee)] = [
            {
                "program_id": program_id,
                "trainee": trainee,
                "question_id": item.question_id,
                "knowledge_point": item.knowledge_point,
                "correct": item.correct,
                "position": at,
            }
            for item in graded
        ]

    def add(self, stream_id: str, event: Any, at: int) -> None:
        program_id = program_id_of(stream_id)
        match event:
            case e.SurveySubmitted() if program_id is not None:
                self.response(program_id, event.trainee, "survey", event.scores, event.type, at)
            case e.ExamSubmitted() if program_id is not None:
                self.response(program_id, event.trainee, "exam", {"": event.score}, event.type, at)
                if event.items:  # an online exam graded from the answer key
                    self.graded(program_id, event.trainee, event.items, at)
            case ExamGraded():
                self.response(
                    event.program_id, event.trainee, "exam", {"": event.score}, event.type, at
                )
                self.graded(event.program_id, event.trainee, event.items, at)
            case MetricRecorded():
                key = (event.employee_id, event.metric, event.period)
                self.metrics[key] = {
                    "employee_id": event.employee_id,
                    "metric": event.metric,
                    "period": event.period,
                    "value": event.value,
                    "position": at,
                }
            case ProgramCostRecorded() | ProgramBenefitRecorded():
                kind = "cost" if isinstance(event, ProgramCostRecorded) else "benefit"
                data = event.model_dump(mode="json", exclude={"type", "program_id", "line_id"})
                self.roi[(event.program_id, kind, event.line_id)] = {
                    "program_id": event.program_id,
                    "kind": kind,
                    "line_id": event.line_id,
                    "data": data,
                    "position": at,
                }
            case _ if type(event) in REFERENCE_KINDS:
                kind = REFERENCE_KINDS[type(event)]
                record_id = event.study_id if kind == "study" else r.record_key(event)
                self.reference[(kind, record_id)] = {
                    "kind": kind,
                    "record_id": record_id,
                    "data": event.model_dump(mode="json"),
                    "position": at,
                }


class EvaluationProjection:
    name = "evaluation"
    tables: tuple[Table, ...] = (responses, items, reference, metrics, roi_lines)

    def apply_batch(self, conn: Connection, batch: Batch) -> None:
        fold = _Fold()
        for recorded, event in batch:
            fold.add(recorded.stream_id, event, recorded.position)
        _replace(conn, responses, ("program_id", "trainee", "kind"), fold.responses)
        _replace(conn, items, ("program_id", "trainee"), fold.items)
        _replace(
            conn, reference, ("kind", "record_id"), {k: [v] for k, v in fold.reference.items()}
        )
        _replace(
            conn,
            metrics,
            ("employee_id", "metric", "period"),
            {k: [v] for k, v in fold.metrics.items()},
        )
        _replace(
            conn,
            roi_lines,
            ("program_id", "kind", "line_id"),
            {k: [v] for k, v in fold.roi.items()},
        )


def _replace(
    conn: Connection,
    table: Table,
    key_columns: tuple[str, ...],
    rows_by_key: dict[Any, list[dict[str, Any]]],
) -> None:
    """Delete every row of each key, then insert its new rows (portable upsert)."""
    new_rows: list[dict[str, Any]] = []
    for key, rows in rows_by_key.items():
        condition = and_(
            *(table.c[name] == value for name, value in zip(key_columns, key, strict=True))
        )
        conn.execute(delete(table).where(condition))
        new_rows.extend(rows)
    if new_rows:
        conn.execute(insert(table), new_rows)
