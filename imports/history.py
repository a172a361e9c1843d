"""Historical training records into events, with a validation report.

Input: CSV files named after their kind (``programs.csv``, ``sessions.csv``, ...), or one JSON
object with an array per kind. Each accepted program becomes the same events a live program
would have (``program-<id>``: planned, approved, published, enrolments, attendance, sessions
held, executed, evaluation with surveys and exams, closed; or cancelled), with
``role: migration`` in their metadata; costs go to ``costs-<id>``.

- Every row is checked; the report names each rejected row (``file:line``) and why. A row that
  depends on a rejected one (an attendance of a rejected program) is rejected too.
- A file with any rejected row imports nothing, unless ``accept_valid``.
- Event ids are ``uuid5`` of the input's SHA-256, the stream and the event's index, so importing
  the same file again appends nothing. A program already in the log from anywhere else is
  rejected rather than overwritten.
- Totals are reconciled: computed from the file, and again from the read models afterwards.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine

from domain import events as e
from domain.days import parse_day
from domain.evaluation import DIMENSIONS, ProgramCostRecorded, normalise
from domain.roi import COST_CATEGORIES
from eventlog import EventStore
from imports.common import (
    AppendTally,
    FileProblem,
    Rejection,
    Row,
    append_changes,
    decode,
    derived_id,
    json_rows,
    new_event,
    read_table,
    validation_reason,
)
from imports.reference import Lookup
from imports.report import ImportReport, Reconciliation

SCORE_COLUMNS = ("overall", *DIMENSIONS)

#: kind -> (required columns, optional columns), in the order they are validated.
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "programs": (
        ("program_id", "title", "specialist", "planned_date"),
        ("department", "timezone", "executed_on", "cancelled_reason"),
    ),
    "sessions": (("program_id", "session_id", "starts_at", "hours"), ()),
    "enrolments": (("program_id", "employee_id"), ()),
    "attendance": (("program_id", "session_id", "employee_id"), ()),
    "surveys": (("program_id", "employee_id"), (*SCORE_COLUMNS, "scale_min", "scale_max")),
    "exams": (("program_id", "employee_id", "score"), ("taken_on",)),
    "costs": (("program_id", "line_id", "category", "amount"), ("note",)),
}


class Bad(Exception):
    """A row's reason for rejection."""


@dataclass
class _Program:
    row: Row
    program_id: str
    title: str
    specialist: str
    planned_date: date
    timezone: str
    department: str | None
    executed_on: date | None
    cancelled_reason: str | None
    sessions: dict[str, e.Session] = field(default_factory=dict)
    enrolled: list[str] = field(default_factory=list)
    attendance: dict[str, list[str]] = field(default_factory=dict)
    surveys: dict[str, dict[str, float]] = field(default_factory=dict)
    exams: dict[str, tuple[float, date | None]] = field(default_factory=dict)
    costs: list[ProgramCostRecorded] = field(default_factory=list)
    already_imported: bool = False

    @property
    def attendees(self) -> set[str]:
        return {p for people in self.attendance.values() for p in people}


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
                raise FileProblem(f"{path.name}: not valid JSON ({exc})") from exc
            if not isinstance(document, dict):
                raise FileProblem(f"{path.name}: expected an object with one array per kind")
            unknown = sorted(set(document) - set(COLUMNS))
            if unknown:
                raise FileProblem(
                    f"{path.name}: unknown kind(s) {', '.join(unknown)};"
                    f" known: {', '.join(COLUMNS)}"
                )
            for kind, records in document.items():
                if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
                    raise FileProblem(f"{path.name}: {kind} must be an array of objects")
                required, optional = COLUMNS[kind]
                rows[kind].extend(json_rows(path.name, kind, records, required, optional))
            continue
        kind = path.stem.lower()
        if kind not in COLUMNS:
            raise FileProblem(
                f"{path.name}: the file name must say its kind: one of"
                f" {', '.join(k + '.csv' for k in COLUMNS)}"
            )
        required, optional = COLUMNS[kind]
        rows[kind].extend(read_table(path, kind, required, optional, data=data))
    if not rows["programs"] and any(rows.values()):
        raise FileProblem("no programs in the input: every other record belongs to one")
    name = ", ".join(p.name for p in sorted(paths, key=lambda p: p.name))
    return [row for kind in COLUMNS for row in rows[kind]], digest.hexdigest(), name


def _text(cells: dict[str, Any], name: str) -> str:
    value = cells.get(name)
    if value is None or str(value).strip() == "":
        raise Bad(f"{name} is empty")
    return str(value).strip()


def _day(value: Any, name: str, today: date) -> date | None:
    if value is None:
        return None
    try:
        day = parse_day(value, name)
    except ValueError as exc:
        raise Bad(str(exc)) from exc
    if day > today:
        raise Bad(f"{name} {day} is in the future (today is {today})")
    return day


def _number(value: Any, name: str, low: float | None = None, high: float | None = None) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise Bad(f"{name} {value!r} is not a number") from exc
    if (
        math.isnan(number)
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        bounds = f"{low:g}..{high:g}" if low is not None and high is not None else f">= {low:g}"
        raise Bad(f"{name} {value} is out of range ({bounds})")
    return number


class _Validator:
    def __init__(self, look: Lookup, now: datetime, sha: str) -> None:
        self.look = look
        self.now = now
        self.today = now.date()
        self.sha = sha
        self.programs: dict[str, _Program] = {}
        self.rejected_programs: dict[str, str] = {}
        self.rejections: list[Rejection] = []
        self.accepted: dict[str, int] = {}

    def program_of(self, cells: dict[str, Any]) -> _Program:
        pid = _text(cells, "program_id")
        if pid in self.rejected_programs:
            raise Bad(f"program {pid!r} was rejected ({self.rejected_programs[pid]})")
        if pid not in self.programs:
            raise Bad(f"program {pid!r} is not in the programs of this import")
        return self.programs[pid]

    def employee(self, cells: dict[str, Any]) -> str:
        person = _text(cells, "employee_id")
        if person not in self.look.known("employee-"):
            raise Bad(
                f"unknown employee {person!r} (load employees first: trainops data load employees)"
            )
        return person

    def check(self, row: Row) -> None:
        c = row.cells
        if "__extra__" in c:
            raise Bad("more cells than columns")
        handler = getattr(self, f"_{row.kind}")
        handler(row, c)

    def _programs(self, row: Row, c: dict[str, Any]) -> None:
        pid = _text(c, "program_id")
        if pid in self.programs:
            raise Bad(f"program {pid!r} appears twice (first at {self.programs[pid].row.where})")
        zone = c.get("timezone") or "UTC"
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise Bad(f"unknown time zone {zone!r}") from exc
        planned = _day(_text(c, "planned_date"), "planned_date", self.today)
        executed = _day(c.get("executed_on"), "executed_on", self.today)
        if executed is not None and c.get("cancelled_reason"):
            raise Bad("a program is either executed (executed_on) or cancelled, not both")
        assert planned is not None
        program = _Program(
            row=row,
            program_id=pid,
            title=_text(c, "title"),
            specialist=_text(c, "specialist"),
            planned_date=planned,
            timezone=zone,
            department=c.get("department"),
            executed_on=executed,
            cancelled_reason=c.get("cancelled_reason"),
        )
        try:  # the same rules as a live plan: ids and people well formed
            e.ProgramPlanned(
                program_id=pid,
                title=program.title,
                specialist=program.specialist,
                timezone=zone,
                planned_date=planned,
                sessions=(),
                trainees=(),
                evaluation_window_days=14,
            )
        except ValidationError as exc:
            raise Bad(validation_reason(exc)) from exc
        version = self.look.store.stream_version(f"program-{pid}")
        if version:
            first = self.look.store.read_stream(f"program-{pid}")[0]
            if first.event_id != derived_id(self.sha, f"program-{pid}", 1):
                raise Bad(f"program {pid!r} is already in the log (not from this file)")
            program.already_imported = True
        self.programs[pid] = program

    def _sessions(self, row: Row, c: dict[str, Any]) -> None:
        program = self.program_of(c)
        sid = _text(c, "session_id")
        if sid in program.sessions:
            raise Bad(f"session {sid!r} of {program.program_id!r} appears twice")
        try:
            starts = datetime.fromisoformat(_text(c, "starts_at"))
        except ValueError as exc:
            raise Bad(
                f"starts_at {c.get('starts_at')!r} is not a date and time (ISO 8601)"
            ) from exc
        if starts.tzinfo is None:
            starts = starts.replace(tzinfo=ZoneInfo(program.timezone))
        if starts > self.now:
            raise Bad(f"starts_at {starts.isoformat()} is in the future")
        try:
            session = e.Session(
                session_id=sid,
                starts_at=starts,
                duration_hours=_number(c.get("hours"), "hours", 0, 24),
            )
        except ValidationError as exc:
            raise Bad(validation_reason(exc)) from exc
        program.sessions[sid] = session

    def _enrolments(self, row: Row, c: dict[str, Any]) -> None:
        program = self.program_of(c)
        person = self.employee(c)
        if person in program.enrolled:
            raise Bad(f"{person!r} is enrolled in {program.program_id!r} twice")
        program.enrolled.append(person)

    def _attendance(self, row: Row, c: dict[str, Any]) -> None:
        program = self.program_of(c)
        sid = _text(c, "session_id")
        if sid not in program.sessions:
            raise Bad(f"session {sid!r} is not a session of {program.program_id!r}")
        if program.executed_on is None:
            raise Bad(f"program {program.program_id!r} was not executed (no executed_on)")
        person = self.employee(c)
        if person not in program.enrolled:
            raise Bad(f"{person!r} attended {program.program_id!r} without being enrolled")
        present = program.attendance.setdefault(sid, [])
        if person in present:
            raise Bad(f"{person!r} is recorded twice for session {sid!r}")
        present.append(person)

    def _evaluator(self, c: dict[str, Any]) -> tuple[_Program, str]:
        program = self.program_of(c)
        person = self.employee(c)
        if program.executed_on is None:
            raise Bad(f"program {program.program_id!r} was not executed (no executed_on)")
        if person not in program.attendees:
            raise Bad(f"{person!r} did not attend {program.program_id!r} and cannot evaluate it")
        return program, person

    def _surveys(self, row: Row, c: dict[str, Any]) -> None:
        program, person = self._evaluator(c)
        if person in program.surveys:
            raise Bad(f"{person!r} answered the survey of {program.program_id!r} twice")
        low = _number(c.get("scale_min") if c.get("scale_min") is not None else 0, "scale_min")
        high = _number(c.get("scale_max") if c.get("scale_max") is not None else 100, "scale_max")
        if high <= low:
            raise Bad(f"scale_max {high:g} must be above scale_min {low:g}")
        scores = {
            name: normalise(_number(c[name], name, low, high), low, high)
            for name in SCORE_COLUMNS
            if c.get(name) is not None
        }
        if not scores:
            raise Bad(f"no score: give at least one of {', '.join(SCORE_COLUMNS)}")
        program.surveys[person] = scores

    def _exams(self, row: Row, c: dict[str, Any]) -> None:
        program, person = self._evaluator(c)
        if person in program.exams:
            raise Bad(f"{person!r} has two exam results in {program.program_id!r}")
        score = _number(c.get("score"), "score", 0, 100)
        program.exams[person] = (score, _day(c.get("taken_on"), "taken_on", self.today))

    def _costs(self, row: Row, c: dict[str, Any]) -> None:
        program = self.program_of(c)
        category = _text(c, "category")
        if category not in COST_CATEGORIES:
            raise Bad(f"category {category!r} is not one of {', '.join(COST_CATEGORIES)}")
        try:
            amount = Decimal(str(_text(c, "amount")))
        except InvalidOperation as exc:
            raise Bad(f"amount {c.get('amount')!r} is not a number") from exc
        if amount < 0 or not amount.is_finite():
            raise Bad(f"amount {amount} must be 0 or more")
        line = _text(c, "line_id")
        if any(x.line_id == line for x in program.costs):
            raise Bad(f"cost line {line!r} of {program.program_id!r} appears twice")
        try:
            program.costs.append(
                ProgramCostRecorded(
                    program_id=program.program_id,
                    line_id=line,
                    category=category,
                    amount=amount,
                    note=c.get("note") or "",
                )
            )
        except ValidationError as exc:
            raise Bad(validation_reason(exc)) from exc


def _local(day: date, at: time, zone: str) -> datetime:
    return datetime.combine(day, at, ZoneInfo(zone))


def program_events(program: _Program) -> list[tuple[BaseModel, datetime]]:
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


def _expected(program: _Program) -> list[Reconciliation]:
    overall = [
        s["overall"] if "overall" in s else sum(s.values()) / len(s)
        for s in program.surveys.values()
    ]
    scores = [score for score, _ in program.exams.values()]
    return [
        Reconciliation(program_id=program.program_id, measure=measure, in_file=value)
        for measure, value in (
            ("enrolled", len(program.enrolled)),
            ("attendees", len(program.attendees)),
            ("sessions", len(program.sessions)),
            ("surveys", len(overall)),
            ("average survey score", round(sum(overall) / len(overall), 6) if overall else None),
            ("exams", len(scores)),
            ("average exam score", round(sum(scores) / len(scores), 6) if scores else None),
            ("costs", str(sum((c.amount for c in program.costs), Decimal(0)))),
        )
    ]


def migrate_history(
    store: EventStore,
    paths: Sequence[Path],
    *,
    accept_valid: bool = False,
    actor: str = "migration",
    now: datetime | None = None,
) -> ImportReport:
    """Validate every row, then (if none is rejected, or ``accept_valid``) append the events."""
    rows, sha, name = read_inputs(paths)
    now = now or datetime.now(UTC)
    validator = _Validator(Lookup(store), now, sha)
    report = ImportReport(source=name, sha256=sha)
    for row in rows:
        report.read[row.kind] = report.read.get(row.kind, 0) + 1
        try:
            validator.check(row)
        except Bad as exc:
            key = str(row.cells.get("program_id") or "")
            report.rejected.append(
                Rejection(where=row.where, kind=row.kind, key=key, reason=str(exc))
            )
            if row.kind == "programs" and key and key not in validator.programs:
                validator.rejected_programs.setdefault(key, row.where)
            continue
        report.accepted[row.kind] = report.accepted.get(row.kind, 0) + 1
    programs = list(validator.programs.values())
    report.reconciliation = [r for p in programs for r in _expected(p)]
    if report.rejected and not accept_valid:
        report.message = (
            f"{len(report.rejected)} row(s) rejected: nothing imported"
            " (fix them, or pass --accept-valid to import the valid rows)"
        )
        return report
    tally = AppendTally()
    for program in programs:
        stream = f"program-{program.program_id}"
        metadata = {"actor": actor, "role": "migration", "source": name, "sha256": sha}
        events = program_events(program)
        new = [
            new_event(
                event, derived_id(sha, stream, index), at, {**metadata, "row": program.row.where}
            )
            for index, (event, at) in enumerate(events, start=1)
        ]
        result = store.append(stream, 0, new)
        if result.replayed:
            tally.unchanged += 1
        else:
            tally.appended += len(new)
            tally.streams += 1
        if program.costs:
            append_changes(
                store,
                f"costs-{program.program_id}",
                program.costs,
                lambda ev: (type(ev).__name__, ev.line_id),
                metadata,
                tally,
                now=now,
            )
    report.imported = True
    report.events_appended, report.unchanged = tally.appended, tally.unchanged
    report.streams_written = tally.streams
    report.message = (
        f"{len(programs)} program(s): {tally.appended} event(s) appended to"
        f" {tally.streams} stream(s); {tally.unchanged} already imported"
    )
    return report


def reconcile(engine: Engine, report: ImportReport) -> ImportReport:
    """Fill ``in_system`` of every reconciliation row from the read models (after the
    projector caught up), computed with the same formulas the KPIs use."""
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

    def measure(pid: str, name: str) -> Any:
        program = programs.get(pid)
        if program is None:
            return "missing"
        found_overall, found_scores = overall.get(pid, []), scores.get(pid, [])
        match name:
            case "enrolled":
                return len(program.enrolled)
            case "attendees":
                return len(program.attendees)
            case "sessions":
                return len(program.sessions)
            case "surveys":
                return len(found_overall)
            case "average survey score":
                return round(sum(found_overall) / len(found_overall), 6) if found_overall else None
            case "exams":
                return len(found_scores)
            case "average exam score":
                return round(sum(found_scores) / len(found_scores), 6) if found_scores else None
            case "costs":
                return str(sum((c.amount for c in inputs.costs.get(pid, ())), Decimal(0)))
        return None

    rows = [
        r.model_copy(update={"in_system": measure(r.program_id, r.measure)})
        for r in report.reconciliation
    ]
    return report.model_copy(update={"reconciliation": rows})
