"""Each program's KPI facts aggregated by the database: counts of trainees, attendees and
respondents, and tallies of scores (score -> responses), so the report reads one row per program
(and per program and distinct score), however many trainees and responses there are.

Who attended is stored in the program view (``state.attendance``: session -> people); the
database unnests it (``json_each`` on SQLite, ``json_each`` + ``json_array_elements_text`` on
PostgreSQL), so a survey counts only when its trainee attended, as ``domain.evaluation``
defines, without reading anyone's name into Python.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import TypeAdapter
from sqlalchemy import Connection, Integer, Select, and_, case, cast, func, select, true
from sqlalchemy.sql import Subquery

from domain.kpi import ProgramOutcome, quarter_of
from domain.kpi_inputs import ProgramFacts, Tally
from domain.state import ProgramStatus
from projections.evaluation import items, responses
from projections.tables import programs

#: The program's department, extracted from the stored view by the database.
department = programs.c.state[("state", "department")].as_string()


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


def attendance(dialect: str) -> Subquery:
    """(program_id, trainee) for everyone who attended a session of a program, once each."""
    sessions_attended = programs.c.state[("state", "attendance")]
    if dialect == "postgresql":
        by_session = func.json_each(sessions_attended).table_valued("value").alias("by_session")
        person = func.json_array_elements_text(by_session.c.value).table_valued("value")
    else:
        by_session = (
            func.json_each(programs.c.state, "$.state.attendance")
            .table_valued("value")
            .alias("by_session")
        )
        person = func.json_each(by_session.c.value).table_valued("value")
    person = person.alias("person")
    return (
        select(programs.c.program_id, person.c.value.label("trainee"))
        .select_from(programs)
        .join(by_session, true())
        .join(person, true())
        .distinct()
        .subquery("attendance")
    )


def _surveys_of_attendees(present: Subquery) -> Select[Any]:
    """Survey rows of people who attended an executed program (``domain.evaluation.reaction``)."""
    return (
        select(responses.c.program_id, responses.c.trainee, responses.c.dimension)
        .add_columns(responses.c.score)
        .join(programs, programs.c.program_id == responses.c.program_id)
        .join(
            present,
            and_(
                present.c.program_id == responses.c.program_id,
                present.c.trainee == responses.c.trainee,
            ),
        )
        .where(responses.c.kind == "survey", programs.c.executed)
    )


def _tallies(conn: Connection, present: Subquery) -> dict[str, dict[str, dict[float, int]]]:
    """Program -> dimension (and ``overall``) -> score -> responses."""
    counted = _surveys_of_attendees(present).subquery("counted")
    query = select(
        counted.c.program_id, counted.c.dimension, counted.c.score, func.count().label("n")
    ).group_by(counted.c.program_id, counted.c.dimension, counted.c.score)
    found: dict[str, dict[str, dict[float, int]]] = {}
    for program_id, dimension, score, n in conn.execute(query):
        found.setdefault(program_id, {}).setdefault(dimension, {})[score] = n
    # A response without an ``overall`` score (not possible through the commands, possible in
    # an imported log): its overall is the mean of its dimensions, one row per such response.
    has_overall = responses.alias("has_overall")
    without = counted.select().where(
        ~select(has_overall.c.trainee)
        .where(
            has_overall.c.program_id == counted.c.program_id,
            has_overall.c.trainee == counted.c.trainee,
            has_overall.c.kind == "survey",
            has_overall.c.dimension == "overall",
        )
        .exists()
    )
    dims: dict[tuple[str, str], list[float]] = {}
    for row in conn.execute(without.order_by(counted.c.program_id, counted.c.trainee)):
        dims.setdefault((row.program_id, row.trainee), []).append(row.score)
    for (program_id, _), scores in dims.items():
        overall = found[program_id].setdefault("overall", {})
        mean = math.fsum(scores) / len(scores)
        overall[mean] = overall.get(mean, 0) + 1
    return found


def program_facts(conn: Connection, pass_mark: float) -> list[ProgramFacts]:
    """Every program's facts, sorted by program id (one consistent snapshot: ``conn``'s)."""
    present = attendance(conn.dialect.name)
    attendees = (
        select(present.c.program_id, func.count().label("n"))
        .group_by(present.c.program_id)
        .subquery("attendees")
    )
    facts_query = (
        select(
            programs.c.program_id,
            programs.c.specialist,
            department.label("department"),
            programs.c.planned_date,
            programs.c.status,
            programs.c.approved,
            programs.c.executed,
            programs.c.on_time,
            programs.c.enrolled,
            programs.c.attended,
            programs.c.timezone,
            programs.c.state[("cancelled_at",)].label("cancelled_at"),
            programs.c.updated_at,
            func.coalesce(attendees.c.n, 0).label("attendees"),
        )
        .outerjoin(attendees, attendees.c.program_id == programs.c.program_id)
        .order_by(programs.c.program_id)
    )
    counted = _surveys_of_attendees(present).subquery("answers")
    answered: dict[str, int] = {
        program_id: n
        for program_id, n in conn.execute(
            select(counted.c.program_id, func.count(func.distinct(counted.c.trainee))).group_by(
                counted.c.program_id
            )
        )
    }
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
    tallies = _tallies(conn, present)
    facts = []
    for row in conn.execute(facts_query):
        passed, examined = exams.get(row.program_id, (0, 0))
        surveys: Mapping[str, Tally] = tallies.get(row.program_id, {})
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
                attendees=row.attendees,
                surveys=surveys,
                answered=answered.get(row.program_id, 0),
                surveyed=row.program_id in surveyed,
                passed=int(passed),
                examined=examined,
                mastery=mastery.get(row.program_id, {}),
            )
        )
    return facts
