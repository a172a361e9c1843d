"""Historical training records into events, with a validation report.

Input: CSV files named after their kind (``programs.csv``, ``sessions.csv``, ...), or one JSON
object with an array per kind. Each accepted program becomes the same events a live program
would have (``program-<id>``: planned, approved, published, enrolments, attendance, sessions
held, executed, evaluation with surveys and exams, closed; or cancelled), with
``role: migration`` in their metadata; costs go to ``costs-<id>``.

- Every row is checked (``history_rows``); the report names each rejected row (``file:line``)
  and why. A row that depends on a rejected one is rejected too.
- A file with any rejected row imports nothing, unless ``accept_valid``.
- Everything is appended in one transaction: a fault half way leaves nothing behind.
- Event ids are ``uuid5`` of the input's SHA-256, the stream and the event's index, so importing
  the same file again appends nothing. A program already in the log from anywhere else is
  rejected rather than overwritten; a cost line this input already wrote is never written again
  (a later correction stays), and one written by another input is left alone unless equal.
- Totals are reconciled (``imports.reconcile``): from the file, and from the read models.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from domain import events as e
from domain.roles import MIGRATION_ROLE
from domain.streams import program_stream
from eventlog import EventStore, NewEvent
from imports.common import (
    AppendTally,
    FileProblem,
    Rejection,
    StreamPlan,
    Wanted,
    derived_id,
    line_guard,
    plan_streams,
    read_streams,
)
from imports.files import Row, decode, json_rows, not_json, read_table
from imports.history_rows import COLUMNS, Program, Validator
from imports.kinds import Lookup
from imports.problems import RowError
from imports.reconcile import expected, reconcile
from imports.report import ImportReport, write_unless_refused

__all__ = ["migrate_history", "read_inputs", "reconcile"]


def read_inputs(paths: Sequence[Path]) -> tuple[list[Row], str, str]:
    """(rows of every kind, in validation order; SHA-256 of all inputs; a name for them)."""
    rows: dict[str, list[Row]] = {kind: [] for kind in COLUMNS}
    digest = hashlib.sha256()
    for path in sorted(paths, key=lambda p: p.name):
        data = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + data + b"\0")
        if path.suffix.lower() == ".json":
            try:
                document = json.loads(decode(path, data))
            except json.JSONDecodeError as exc:
                raise not_json(path.name, exc) from exc
            if not isinstance(document, dict):
                raise FileProblem("import.not_json_object", file=path.name)
            unknown = sorted(set(document) - set(COLUMNS))
            if unknown:
                raise FileProblem(
                    "import.unknown_kinds", file=path.name, unknown=unknown, known=list(COLUMNS)
                )
            for kind, records in document.items():
                if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                    raise FileProblem("import.kind_not_array", file=path.name, kind=kind)
                required, optional = COLUMNS[kind]
                rows[kind].extend(json_rows(path.name, kind, records, required, optional))
            continue
        kind = path.stem.lower()
        if kind not in COLUMNS:
            raise FileProblem(
                "import.name_not_kind", file=path.name, names=[k + ".csv" for k in COLUMNS]
            )
        required, optional = COLUMNS[kind]
        rows[kind].extend(read_table(path, kind, required, optional, data=data))
    if not rows["programs"] and any(rows.values()):
        raise FileProblem("import.no_programs")
    name = ", ".join(p.name for p in sorted(paths, key=lambda p: p.name))
    return [row for kind in COLUMNS for row in rows[kind]], digest.hexdigest(), name


def _local(day: date, at: time, zone: str) -> datetime:
    return datetime.combine(day, at, ZoneInfo(zone))


def program_events(program: Program) -> list[tuple[BaseModel, datetime]]:
    """The events a live program with this history would have, each with its time."""
    zone = program.timezone
    sessions = tuple(sorted(program.sessions.values(), key=lambda s: s.starts_at))
    first = sessions[0].starts_at if sessions else _local(program.planned_date, time(9), zone)
    planned_at = min(first, _local(program.planned_date, time(9), zone)) - timedelta(days=1)
    out: list[tuple[BaseModel, datetime]] = [
        (
            e.ProgramPlanned(
                program_id=program.program_id,
                title=program.title,
                specialist=program.specialist,
                timezone=zone,
                department=program.department,
                planned_date=program.planned_date,
                sessions=sessions,
                trainees=tuple(program.enrolled),
                evaluation_window_days=14,
            ),
            planned_at,
        ),
        (e.ProgramApproved(planned_date=program.planned_date), planned_at),
        (e.ProgramPublished(), planned_at),
        *((e.TraineeEnrolled(trainee=t), planned_at) for t in program.enrolled),
    ]
    if program.cancelled_reason is not None:
        out.append((e.ProgramCancelled(reason=program.cancelled_reason), planned_at))
        return out
    if program.executed_on is None:
        return out
    for session in sessions:
        end = session.starts_at + timedelta(hours=session.duration_hours)
        present = tuple(program.attendance.get(session.session_id, ()))
        absent = tuple(t for t in program.enrolled if t not in present)
        out.append(
            (
                e.AttendanceRecorded(
                    session_id=session.session_id, attendees=present, absentees=absent
                ),
                end,
            )
        )
        out.append((e.SessionCompleted(session_id=session.session_id), end))
    done = _local(program.executed_on, time(18), zone)
    closes = done + timedelta(days=14)
    out += [
        (
            e.ProgramExecuted(
                executed_on=program.executed_on,
                planned_date=program.planned_date,
                on_time=program.executed_on <= program.planned_date,
            ),
            done,
        ),
        (e.EvaluationOpened(closes_at=closes), done),
        *((e.SurveySubmitted(trainee=t, scores=s), done) for t, s in program.surveys.items()),
        *(
            (
                e.ExamSubmitted(trainee=t, score=score),
                _local(taken, time(12), zone) if taken else done,
            )
            for t, (score, taken) in program.exams.items()
        ),
        (e.EvaluationClosed(by_deadline=False), done),
        (e.ProgramClosed(), done),
    ]
    return out


def _cost_key(event: Any) -> object:
    return (type(event).__name__, event.line_id)


def _plans(
    store: EventStore,
    programs: Sequence[Program],
    sha: str,
    metadata: dict[str, Any],
    tally: AppendTally,
    now: datetime,
) -> tuple[list[StreamPlan], list[tuple[Row, RowError]]]:
    """What the accepted programs append, and the cost rows refused: a line another input
    recorded differently is left alone (correct it with ``data load costs``)."""
    plans: list[StreamPlan] = []
    refused: list[tuple[Row, RowError]] = []
    costs = read_streams(store, [f"costs-{p.program_id}" for p in programs if p.costs], _cost_key)
    for program in programs:
        stream = program_stream(program.program_id)
        if program.already_imported:
            tally.unchanged += 1
        else:
            new = [
                NewEvent.of(
                    event,
                    event_id=derived_id(sha, stream, index),
                    occurred_at=at,
                    metadata={**metadata, "row": program.row.where},
                )
                for index, (event, at) in enumerate(program_events(program), start=1)
            ]
            plans.append(StreamPlan(stream, 0, new))
            tally.appended += len(new)
            tally.streams += 1
        if program.costs:
            wanted = [Wanted(c, (program.cost_rows[c.line_id],)) for c in program.costs]
            cost_plans, lines = plan_streams(
                costs,
                {f"costs-{program.program_id}": wanted},
                _cost_key,
                metadata,
                tally,
                guard=line_guard,
                now=now,
            )
            refused += [(want.rows[0], reason) for want, reason in lines]
            plans += cost_plans
    return plans, refused


def migrate_history(
    store: EventStore,
    paths: Sequence[Path],
    *,
    accept_valid: bool = False,
    actor: str = "migration",
    now: datetime | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Validate every row, then (if none is rejected, or ``accept_valid``) append the events,
    all in one transaction. ``progress(done, total)``: rows checked, then events written."""
    rows, sha, name = read_inputs(paths)
    now = now or datetime.now(UTC)
    validator = Validator(Lookup(store), now, sha)
    report = ImportReport(source=name, sha256=sha)
    for done, row in enumerate(rows, start=1):
        if progress is not None:
            progress(done, len(rows))
        report.read[row.kind] = report.read.get(row.kind, 0) + 1
        try:
            validator.check(row)
        except RowError as exc:
            key = str(row.cells.get("program_id") or "")
            report.rejected.append(Rejection.of(row, row.kind, key, exc))
            if row.kind == "programs":
                validator.reject_program(row)
            continue
        report.accepted[row.kind] = report.accepted.get(row.kind, 0) + 1
    programs = list(validator.programs.values())
    report.reconciliation = [r for p in programs for r in expected(p)]
    tally = AppendTally()
    metadata = {"actor": actor, "role": MIGRATION_ROLE, "source": name, "sha256": sha}
    plans, refused = _plans(store, programs, sha, metadata, tally, now)
    for row, reason in refused:
        key = str(row.cells.get("program_id") or "")
        report.rejected.append(Rejection.of(row, row.kind, key, reason))
        report.accepted[row.kind] -= 1
    return write_unless_refused(
        report, store, plans, tally, progress, accept_valid=accept_valid, programs=len(programs)
    )
