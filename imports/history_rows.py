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
from imports.common import Rejection, derived_id
from imports.files import Row, past_day
from imports.kinds import Lookup
from imports.problems import RowError

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
        raise RowError("import.cell_empty", column=name)
    return str(value).strip()


def _number(value: Any, name: str, low: float | None = None, high: float | None = None) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise RowError("import.not_a_number", column=name, value=value) from exc
    if (
        math.isnan(number)
        or (low is not None and number < low)
        or (high is not None and number > high)
    ):
        if high is None:
            raise RowError("import.below_range", column=name, value=value, low=f"{low:g}")
        raise RowError(
            "import.out_of_range", column=name, value=value, low=f"{low:g}", high=f"{high:g}"
        )
    return number


class Validator:
    def __init__(self, look: Lookup, now: datetime, sha: str) -> None:
        self.look = look
        self.now = now
        self.today = now.date()
        self.sha = sha
        self.programs: dict[str, Program] = {}
        self.rejected_programs: dict[str, str] = {}
        #: A rejected program's row read leniently, so that its other rows are still checked
        #: and each says its own mistake (never appended).
        self.stand_ins: dict[str, Program] = {}
        self.rejections: list[Rejection] = []
        self.accepted: dict[str, int] = {}
        self._of_rejected: str | None = None

    def reject_program(self, row: Row) -> None:
        """``row`` (of kind programs) was rejected: its program's other rows are checked
        against a stand-in, and those with no mistake of their own say the program was."""
        c = row.cells
        pid = str(c.get("program_id") or "")
        if not pid or pid in self.programs or pid in self.rejected_programs:
            return
        self.rejected_programs[pid] = row.where
        zone = str(c.get("timezone") or "UTC")
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError):
            zone = "UTC"

        def day(name: str) -> date | None:
            try:
                return past_day(c.get(name), name, self.today)
            except RowError:
                return self.today if c.get(name) else None

        planned = day("planned_date") or self.today
        executed = day("executed_on")
        self.stand_ins[pid] = Program(
            row, pid, str(c.get("title") or ""), str(c.get("specialist") or ""), planned, zone,
            None, executed, None,
        )  # fmt: skip

    def program_of(self, cells: dict[str, Any]) -> Program:
        pid = _text(cells, "program_id")
        if pid in self.stand_ins:
            self._of_rejected = pid
            return self.stand_ins[pid]
        if pid not in self.programs:
            raise RowError("import.program_not_here", program_id=pid)
        return self.programs[pid]

    def employee(self, cells: dict[str, Any]) -> str:
        person = _text(cells, "employee_id")
        if person not in self.look.known("employee-"):
            raise RowError("import.employee_first", employee=person)
        return person

    def check(self, row: Row) -> None:
        c = row.cells
        if "__extra__" in c:
            raise RowError("import.extra_cells")
        handler = getattr(self, f"_{row.kind}")
        self._of_rejected = None
        handler(row, c)  # a mistake of the row's own is said first, its program's after
        if self._of_rejected is not None:
            pid = self._of_rejected
            raise RowError(
                "import.program_rejected", program_id=pid, row=self.rejected_programs[pid]
            )

    def _programs(self, row: Row, c: dict[str, Any]) -> None:
        pid = _text(c, "program_id")
        if pid in self.programs or pid in self.stand_ins:
            earlier = (self.programs.get(pid) or self.stand_ins[pid]).row.where
            raise RowError("import.program_twice", program_id=pid, row=earlier)
        zone = c.get("timezone") or "UTC"
        try:
            ZoneInfo(zone)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise RowError("import.unknown_zone", zone=zone) from exc
        planned = past_day(_text(c, "planned_date"), "planned_date", self.today)
        executed = past_day(c.get("executed_on"), "executed_on", self.today)
        if executed is not None and c.get("cancelled_reason"):
            raise RowError("import.executed_and_cancelled")
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
            raise RowError.of(exc) from exc
        version = self.look.store.stream_version(program_stream(pid))
        if version:
            first = self.look.store.read_stream(program_stream(pid), limit=1)[0]
            if first.event_id != derived_id(self.sha, program_stream(pid), 1):
                raise RowError("import.program_in_log", program_id=pid)
            program.already_imported = True
        self.programs[pid] = program

    def _sessions(self, row: Row, c: dict[str, Any]) -> None:
        program = self.program_of(c)
        sid = _text(c, "session_id")
        if sid in program.sessions:
            raise RowError("import.session_twice", session_id=sid, program_id=program.program_id)
        text = _text(c, "starts_at")
        try:
            if not (ISO_DAY.fullmatch(text[:10]) and text[10:11] in ("T", " ")):
                raise ValueError(text)
            starts = datetime.fromisoformat(text)
        except ValueError as exc:
            raise RowError("import.not_a_time", value=text) from exc
        if starts.tzinfo is None:
            starts = starts.replace(tzinfo=ZoneInfo(program.timezone))
        if starts > self.now:
            raise RowError("import.future_start", starts_at=starts.isoformat())
        try:
            session = e.Session(
                session_id=sid,
                starts_at=starts,
                duration_hours=_number(c.get("hours"), "hours", 0, 24),
            )
        except ValidationError as exc:
            raise RowError.of(exc) from exc
        program.sessions[sid] = session

    def _enrolments(self, row: Row, c: dict[str, Any]) -> None:
        program = self.program_of(c)
        person = self.employee(c)
        if person in program.enrolled:
            raise RowError("import.enrolled_twice", employee=person, program_id=program.program_id)
        program.enrolled.append(person)

    def _attendance(self, row: Row, c: dict[str, Any]) -> None:
        program = self.program_of(c)
        sid = _text(c, "session_id")
        if sid not in program.sessions:
            raise RowError("import.not_a_session", session_id=sid, program_id=program.program_id)
        if program.executed_on is None:
            raise RowError("import.not_executed", program_id=program.program_id)
        person = self.employee(c)
        if person not in program.enrolled:
            raise RowError(
                "import.attended_unenrolled", employee=person, program_id=program.program_id
            )
        present = program.attendance.setdefault(sid, [])
        if person in present:
            raise RowError("import.attended_twice", employee=person, session_id=sid)
        present.append(person)

    def _evaluator(self, c: dict[str, Any]) -> tuple[Program, str]:
        program = self.program_of(c)
        person = self.employee(c)
        if program.executed_on is None:
            raise RowError("import.not_executed", program_id=program.program_id)
        if person not in program.attendees:
            raise RowError("import.cannot_evaluate", employee=person, program_id=program.program_id)
        return program, person

    def _surveys(self, row: Row, c: dict[str, Any]) -> None:
        program, person = self._evaluator(c)
        if person in program.surveys:
            raise RowError("import.survey_twice", employee=person, program_id=program.program_id)
        low = _number(c.get("scale_min") if c.get("scale_min") is not None else 0, "scale_min")
        high = _number(c.get("scale_max") if c.get("scale_max") is not None else 100, "scale_max")
        if high <= low:
            raise RowError("import.scale", high=f"{high:g}", low=f"{low:g}")
        scores = {
            name: normalise(_number(c[name], name, low, high), low, high)
            for name in SCORE_COLUMNS
            if c.get(name) is not None
        }
        if not scores:
            raise RowError("import.no_score", columns=SCORE_COLUMNS)
        program.surveys[person] = scores

    def _exams(self, row: Row, c: dict[str, Any]) -> None:
        program, person = self._evaluator(c)
        if person in program.exams:
            raise RowError("import.exam_twice", employee=person, program_id=program.program_id)
        score = _number(c.get("score"), "score", 0, 100)
        program.exams[person] = (score, past_day(c.get("taken_on"), "taken_on", self.today))

    def _costs(self, row: Row, c: dict[str, Any]) -> None:
        program = self.program_of(c)
        category = _text(c, "category")
        if category not in COST_CATEGORIES:
            raise RowError("import.not_a_category", category=category, categories=COST_CATEGORIES)
        try:
            amount = Decimal(str(_text(c, "amount")))
        except InvalidOperation as exc:
            raise RowError("import.not_a_number", column="amount", value=c.get("amount")) from exc
        if amount < 0 or not amount.is_finite():
            raise RowError("import.negative_amount", amount=str(amount))
        line = _text(c, "line_id")
        if any(x.line_id == line for x in program.costs):
            raise RowError("import.cost_line_twice", line_id=line, program_id=program.program_id)
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
            raise RowError.of(exc) from exc
        program.cost_rows[line] = row
