"""Each program's KPI facts aggregated by the database: counts of trainees, attendees and
respondents, and tallies of scores (score -> responses), so the report reads one row per program
(and per program and distinct score), however many trainees and responses there are.

Who attended is the ``rm_attendance`` read model (a row per program and attendee, kept by the
program projection from the view's ``state.attendance``); the database joins surveys to it, so a
survey counts only when its trainee attended, as ``domain.evaluation`` defines, without reading
anyone's name into Python, and without unnesting every program's stored view per report.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter
from sqlalchemy import (
    Connection,
    Float,
    FromClause,
    Integer,
    Select,
    and_,
    case,
    cast,
    func,
    literal,
    null,
    select,
    text,
    union_all,
)

from domain.kpi import ProgramOutcome, quarter_of
from domain.kpi_inputs import ProgramFacts, Tally
from domain.state import ProgramStatus
from projections.evaluation import items, responses
from projections.tables import attendance, programs

#: The program's department (its own column: reading it out of the stored view parsed every
#: program's JSON per report).
department = programs.c.department
#: What every KPI read of a program starts with: who, where, when, and how it went.
PROGRAM_OUTCOME = (
    programs.c.program_id,
    programs.c.specialist,
    department.label("department"),
    programs.c.planned_date,
    programs.c.status,
    programs.c.approved,
    programs.c.executed,
    programs.c.on_time,
)


def instant(value: Any) -> datetime:
    return value if isinstance(value, datetime) else _DATETIME.validate_python(value)


_DATETIME: TypeAdapter[datetime] = TypeAdapter(datetime)


def cancelled_on(row: Any) -> date | None:
    """The local day a cancelled program was cancelled (its last event's, for a view folded
    before ``cancelled_at`` was kept), from a row with status, cancelled_at, updated_at and
    timezone."""
    if row.status != ProgramStatus.CANCELLED.value:
        return None
    at = instant(row.cancelled_at) if row.cancelled_at else row.updated_at
    return at.astimezone(ZoneInfo(row.timezone)).date()


def attended(dialect: str) -> FromClause:
    """(program_id, trainee) for everyone who attended a session of a program, once each: the
    ``rm_attendance`` read model the projection keeps (``dialect`` is for the tests' oracle,
    which unnests the stored views as the report did before)."""
    return attendance


def _surveys_of_attendees(present: FromClause) -> Select[Any]:
    """Survey rows of people who attended (``domain.evaluation.reaction``). Only an executed
    program's count: ``program_facts`` leaves the others' out, per program, rather than the
    database probing each survey row's program."""
    return (
        select(responses.c.program_id, responses.c.trainee, responses.c.dimension)
        .add_columns(responses.c.score)
        .join(
            present,
            and_(
                present.c.program_id == responses.c.program_id,
                present.c.trainee == responses.c.trainee,
            ),
        )
        .where(responses.c.kind == "survey")
    )


@dataclass
class _People:
    """What the database counted of people: each program's score tallies, respondents and
    attendees."""

    tallies: dict[str, dict[str, dict[float, int]]] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)
    attendees: dict[str, int] = field(default_factory=dict)


def _people(conn: Connection) -> _People:
    """One statement: tallies, respondents and attendees, joined to who attended."""
    present = attended(conn.dialect.name)
    counted = _surveys_of_attendees(present).cte("counted")
    no_score = null().cast(Float)
    # A response without an ``overall`` score (not possible through the commands, possible in
    # an imported log): its overall is the mean of its dimensions, so its rows come whole.
    # Its overall rows are counted over its own rows in ``counted`` (a response's rows share
    # its program and trainee): one sort, whatever the planner believes of the tables' sizes (a
    # self-join planned on statistics taken while the tables were empty, as after a rebuild,
    # compared every row with every other; an index probe per survey row cost 40 ms).
    overalls = (
        select(
            counted,
            func.sum(case((counted.c.dimension == "overall", 1), else_=0))
            .over(partition_by=(counted.c.program_id, counted.c.trainee))
            .label("overalls"),
        )
    ).subquery("overalls")
    query = union_all(
        select(
            counted.c.program_id,
            literal("tally"),
            counted.c.dimension,
            counted.c.score,
            func.count(),
        ).group_by(counted.c.program_id, counted.c.dimension, counted.c.score),
        select(
            counted.c.program_id,
            literal("answered"),
            literal(""),
            no_score,
            func.count(func.distinct(counted.c.trainee)),
        ).group_by(counted.c.program_id),
        select(
            present.c.program_id, literal("attendees"), literal(""), no_score, func.count()
        ).group_by(present.c.program_id),
        select(
            overalls.c.program_id,
            literal("no overall"),
            overalls.c.trainee,
            overalls.c.score,
            literal(1),
        ).where(overalls.c.overalls == 0),
    )
    found = _People()
    dims: dict[tuple[str, str], list[float]] = {}
    for program_id, what, name, score, n in conn.execute(query).fetchall():
        if what == "tally":
            found.tallies.setdefault(program_id, {}).setdefault(name, {})[score] = n
        elif what == "answered":
            found.answered[program_id] = n
        elif what == "attendees":
            found.attendees[program_id] = n
        else:
            dims.setdefault((program_id, name), []).append(score)
    for (program_id, _), scores in dims.items():
        overall = found.tallies[program_id].setdefault("overall", {})
        mean = math.fsum(scores) / len(scores)
        overall[mean] = overall.get(mean, 0) + 1
    return found


def program_facts(conn: Connection, pass_mark: float) -> list[ProgramFacts]:
    """Every program's facts, sorted by program id (one consistent snapshot: ``conn``'s)."""
    if conn.dialect.name == "postgresql":
        # Past its cost threshold PostgreSQL compiles a query to machine code: it once spent
        # 0.3 s compiling the report's 0.2 s statement (kept off as the tables grow).
        conn.execute(text("SET LOCAL jit = off"))
    facts_query = select(
        *PROGRAM_OUTCOME,
        programs.c.enrolled,
        programs.c.attended,
        programs.c.timezone,
        # Parsed out of the view only where it is used: a cancelled program's.
        case(
            (programs.c.status == ProgramStatus.CANCELLED.value, programs.c.state["cancelled_at"]),
            else_=null(),
        ).label("cancelled_at"),
        programs.c.updated_at,
    ).order_by(programs.c.program_id)
    surveyed = set(
        conn.execute(
            select(responses.c.program_id)
            .where(responses.c.kind == "survey")
            .group_by(responses.c.program_id)
        ).scalars()
    )
    exams = {
        row.program_id: (row.passed, row.examined)
        for row in conn.execute(
            select(
                responses.c.program_id,
                func.sum(case((responses.c.score >= pass_mark, 1), else_=0)).label("passed"),
                func.count().label("examined"),
            )
            .where(responses.c.kind == "exam")
            .group_by(responses.c.program_id)
        )
    }
    mastery: dict[str, dict[str, tuple[int, int]]] = {}
    graded = select(
        items.c.program_id,
        items.c.knowledge_point,
        func.sum(cast(items.c.correct, Integer)),
        func.count(),
    ).group_by(items.c.program_id, items.c.knowledge_point)
    for program_id, point, correct, n in conn.execute(graded):
        mastery.setdefault(program_id, {})[point] = (int(correct), n)
    people = _people(conn)
    facts = []
    for row in conn.execute(facts_query):
        passed, examined = exams.get(row.program_id, (0, 0))
        counted = row.executed  # surveys count only for an executed program
        surveys: Mapping[str, Tally] = people.tallies.get(row.program_id, {}) if counted else {}
        facts.append(
            ProgramFacts(
                program_id=row.program_id,
                specialist=row.specialist,
                department=row.department,
                period=quarter_of(row.planned_date),
                outcome=ProgramOutcome(
                    program_id=row.program_id,
                    specialist=row.specialist,
                    planned_date=row.planned_date,
                    approved=row.approved,
                    executed=row.executed,
                    on_time=row.on_time,
                    enrolled=row.enrolled,
                    attended=row.attended,
                    cancelled_on=cancelled_on(row),
                ),
                attendees=people.attendees.get(row.program_id, 0),
                surveys=surveys,
                answered=people.answered.get(row.program_id, 0) if counted else 0,
                surveyed=row.program_id in surveyed,
                passed=int(passed),
                examined=examined,
                mastery=mastery.get(row.program_id, {}),
            )
        )
    return facts
