"""Each program's KPI facts aggregated by the database: counts of trainees, attendees, exams and
respondents in one row per program, and attendees' survey scores (on PostgreSQL one row per
program and dimension, the scores an array), tallied (score -> responses) by ``Counter``.

Who attended is the ``rm_attendance`` read model (a row per program and attendee, kept by the
program projection from the view's ``state.attendance``); the database joins surveys to it, so a
survey counts only when its trainee attended, as ``domain.evaluation`` defines, without reading
anyone's name into Python, and without unnesting every program's stored view per report.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter
from sqlalchemy import (
    ColumnElement,
    Connection,
    FromClause,
    Integer,
    Select,
    and_,
    case,
    cast,
    exists,
    func,
    null,
    select,
    text,
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


def _surveys_of_attendees(present: FromClause, *columns: ColumnElement[Any]) -> Select[Any]:
    """``columns`` of the survey rows of people who attended (``domain.evaluation.reaction``);
    by default program, dimension and score. Only an executed program's count: ``program_facts``
    leaves the others' out, per program, rather than the database probing each survey row's
    program."""
    chosen = columns or (responses.c.program_id, responses.c.dimension, responses.c.score)
    return (
        select(*chosen)
        .join(
            present,
            and_(
                present.c.program_id == responses.c.program_id,
                present.c.trainee == responses.c.trainee,
            ),
        )
        .where(responses.c.kind == "survey")
    )


def _without_overall(present: FromClause) -> Select[Any]:
    """The dimension rows of attendees' responses that have no ``overall`` score (not possible
    through the commands, possible in an imported log): its overall is the mean of its
    dimensions, so its rows come whole. Only rows other than ``overall`` are probed for one (a
    response's rows share its program and trainee; the primary key finds its ``overall``), so
    a log whose responses all have one probes nothing."""
    overall = responses.alias("overall")
    columns = (responses.c.program_id, responses.c.trainee, responses.c.score)
    return _surveys_of_attendees(present, *columns).where(
        responses.c.dimension != "overall",
        ~exists().where(
            overall.c.program_id == responses.c.program_id,
            overall.c.trainee == responses.c.trainee,
            overall.c.kind == "survey",
            overall.c.dimension == "overall",
        ),
    )


@dataclass
class _People:
    """What the database counted of people: each program's score tallies and respondents."""

    tallies: dict[str, dict[str, dict[float, int]]] = field(default_factory=dict)
    answered: dict[str, int] = field(default_factory=dict)


def _tallies(conn: Connection, present: FromClause) -> dict[str, dict[str, dict[float, int]]]:
    """Each program's tally (score -> responses) per dimension of attendees' surveys. The
    database joins the survey rows to who attended; PostgreSQL returns a row per program and
    dimension, its scores as an array; elsewhere a row per counted score. Either way ``Counter``
    (in C) tallies them: grouping by score in the database sorted every row by program,
    dimension and score under the database's collation, which cost more than reading them."""
    counted = _surveys_of_attendees(present)
    tallies: dict[str, dict[str, dict[float, int]]] = {}
    if conn.dialect.name == "postgresql":
        rows = counted.subquery("counted")
        by_dimension = select(
            rows.c.program_id, rows.c.dimension, func.array_agg(rows.c.score)
        ).group_by(rows.c.program_id, rows.c.dimension)
        for program_id, dimension, scores in conn.execute(by_dimension).all():
            tallies.setdefault(program_id, {})[dimension] = dict(Counter(scores))
        return tallies
    for (program_id, dimension, score), n in Counter(conn.execute(counted)).items():
        tallies.setdefault(program_id, {}).setdefault(dimension, {})[score] = n
    return tallies


def _people(conn: Connection, present: FromClause) -> _People:
    """Tallies and respondents of attendees' surveys."""
    found = _People(tallies=_tallies(conn, present))
    # A response has at most one ``overall`` row (the primary key): respondents are those rows
    # and the responses without one.
    for program_id, by_dimension in found.tallies.items():
        found.answered[program_id] = sum(by_dimension.get("overall", {}).values())
    dims: dict[tuple[str, str], list[float]] = {}
    for program_id, trainee, score in conn.execute(_without_overall(present)).all():
        dims.setdefault((program_id, trainee), []).append(score)
    for (program_id, _), scores in dims.items():
        found.answered[program_id] = found.answered.get(program_id, 0) + 1
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
    present = attended(conn.dialect.name)
    attendees = (
        select(present.c.program_id, func.count().label("attendees"))
        .group_by(present.c.program_id)
        .subquery("attendees")
    )
    is_exam = responses.c.kind == "exam"
    # Every response row once: whether a program was surveyed at all, and its exams.
    answers = (
        select(
            responses.c.program_id,
            func.sum(case((responses.c.kind == "survey", 1), else_=0)).label("surveys"),
            func.sum(case((and_(is_exam, responses.c.score >= pass_mark), 1), else_=0)).label(
                "passed"
            ),
            func.sum(case((is_exam, 1), else_=0)).label("examined"),
        )
        .group_by(responses.c.program_id)
        .subquery("answers")
    )
    facts_query = (
        select(
            *PROGRAM_OUTCOME,
            programs.c.enrolled,
            programs.c.attended,
            programs.c.timezone,
            # Parsed out of the view only where it is used: a cancelled program's.
            case(
                (
                    programs.c.status == ProgramStatus.CANCELLED.value,
                    programs.c.state["cancelled_at"],
                ),
                else_=null(),
            ).label("cancelled_at"),
            programs.c.updated_at,
            attendees.c.attendees,
            answers.c.surveys,
            answers.c.passed,
            answers.c.examined,
        )
        .outerjoin(attendees, attendees.c.program_id == programs.c.program_id)
        .outerjoin(answers, answers.c.program_id == programs.c.program_id)
        .order_by(programs.c.program_id)
    )
    mastery: dict[str, dict[str, tuple[int, int]]] = {}
    graded = select(
        items.c.program_id,
        items.c.knowledge_point,
        func.sum(cast(items.c.correct, Integer)),
        func.count(),
    ).group_by(items.c.program_id, items.c.knowledge_point)
    for program_id, point, correct, n in conn.execute(graded).all():
        mastery.setdefault(program_id, {})[point] = (int(correct), n)
    people = _people(conn, present)
    facts = []
    for row in conn.execute(facts_query).all():
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
                attendees=row.attendees or 0,
                surveys=surveys,
                answered=people.answered.get(row.program_id, 0) if counted else 0,
                surveyed=bool(row.surveys),
                passed=int(row.passed or 0),
                examined=int(row.examined or 0),
                mastery=mastery.get(row.program_id, {}),
            )
        )
    return facts
