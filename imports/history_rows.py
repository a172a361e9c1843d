"""The rows of a historical migration, checked one by one against each other and the log.

Every day is ``YYYY-MM-DD`` (``parse_day``), every start ``YYYY-MM-DDTHH:MM``; a row that
depends on a rejected one is rejected too, naming it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ValidationError

from domain import events as e
from domain.days import ISO_DAY
from domain.evaluation import DIMENSIONS, ProgramCostRecorded, normalise
from domain.roi import COST_CATEGORIES
from domain.streams import program_stream
from imports.common import Rejection, Row, derived_id, past_day, validation_reason
from imports.kinds import Lookup

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
class Program:
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
    cost_rows: dict[str, Row] = field(default_factory=dict)
    already_imported: bool = False

    @property
    def attendees(self) -> set[str]:
        return {p for people in self.attendance.values() for p in people}


def _text(cells: dict[str, Any], name: str) -> str:
    value = cells.get(name)
    if value is None or str(value).strip() == "":
        raise Bad(f"{name} is empty")
    return str(value).strip()


def _day(value: Any, name: str, today: date) -> date | None:
    try:
        return past_day(value, name, today)
    except ValueError as exc:
        raise Bad(str(exc)) from exc


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


class Validator:
    def __init__(self, look: Lookup, now: datetime, sha: str) -> None:
        self.look = look
        self.now = now
        self.today = now.date()
        self.sha = sha
        self.programs: dict[str, Program] = {}
        self.rejected_programs: dict[str, str] = {}
        self.rejections: list[Rejection] = []
        self.accepted: dict[str, int] = {}

    def program_of(self, cells: dict[str, Any]) -> Program:
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
        program = Program(
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
        version = self.look.store.stream_version(program_stream(pid))
        if version:
            first = self.look.store.read_stream(program_stream(pid))[0]
            if first.event_id != derived_id(self.sha, program_stream(pid), 1):
                raise Bad(f"program {pid!r} is already in the log (not from this file)")
            program.already_imported = True
        self.programs[pid] = program

    def _sessions(self, row: Row, c: dict[str, Any]) -> None:
        program = self.program_of(c)
        sid = _text(c, "session_id")
        if sid in program.sessions:
            raise Bad(f"session {sid!r} of {program.program_id!r} appears twice")
        text = _text(c, "starts_at")
        try:
            if not (ISO_DAY.fullmatch(text[:10]) and text[10:11] in ("T", " ")):
                raise ValueError(text)
            starts = datetime.fromisoformat(text)
        except ValueError as exc:
            raise Bad(
                f"starts_at {text!r} is not a date and time:"
                " write YYYY-MM-DDTHH:MM[+08:00], e.g. 2027-03-20T09:30"
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

    def _evaluator(self, c: dict[str, Any]) -> tuple[Program, str]:
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
        program.cost_rows[line] = row
