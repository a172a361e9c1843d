"""Who attended each program (``rm_attendance``), kept by the program projection for the KPI
report: the same people as the stored views' attendance, live, after a rebuild and when a
replayed log records a session again with fewer people; and the report read from it equals the
report that unnested every program's stored view (as it did before), on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from uuid import uuid4

import pytest
from sqlalchemy import CTE, delete, select, true
from sqlalchemy.sql import func

from bench.generate import generate
from domain import events as e
from domain.kpi_inputs import ProgramFacts
from domain.ratings import Thresholds
from eventlog import NewEvent
from projections import kpi_facts, kpi_queries
from projections.evaluation import responses
from projections.kpi_facts import program_facts
from projections.program_views import ProgramView
from projections.runner import ProjectionRunner
from projections.tables import attendance, programs
from services.database import Database
from tests.projections.evaluation_log import build
from tests.projections.test_kpi_report import _assert_equal_to_oracle

AS_OF = (date(2025, 3, 31), date(2026, 12, 1))


def unnested_attendance(dialect: str) -> CTE:
    """(program_id, trainee) unnested from every stored view: the report's attendance before
    the read model, kept as the oracle."""
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
        .cte("attendance")
    )


def _rows(db: Database) -> set[tuple[str, str]]:
    with db.engine.connect() as conn:
        return {(r.program_id, r.trainee) for r in conn.execute(select(attendance))}


def _views_attendees(db: Database) -> set[tuple[str, str]]:
    with db.engine.connect() as conn:
        views = [ProgramView.model_validate(s) for s in conn.scalars(select(programs.c.state))]
    return {(v.state.program_id, person) for v in views for person in v.state.attendees}


def _report(db: Database) -> list[object]:
    with db.engine.connect() as conn, conn.begin():
        found: list[object] = list(program_facts(conn, 60.0))
    for as_of in AS_OF:
        for thresholds in (Thresholds.defaults(), Thresholds.with_overrides({})):
            cards = kpi_queries.kpi_report(db.engine, thresholds, as_of=as_of)
            found.extend(c.model_dump() for c in cards)
    return found


def test_report_from_the_read_model_equals_the_report_unnesting_views(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    generate(database.store, 3001, seed=11)
    database.projector.catch_up()
    after = _report(database)
    assert any(f.attendees for f in after if isinstance(f, ProgramFacts))
    monkeypatch.setattr(kpi_facts, "attended", unnested_attendance)
    before = _report(database)
    assert after == before


def test_attendance_rows_are_the_views_attendees_live_rebuilt_and_shrunk(
    database: Database,
) -> None:
    generate(database.store, 3001, seed=11)
    ProjectionRunner(database.store, batch_size=7).catch_up()  # batches cut programs
    expected = _views_attendees(database)
    assert len({p for p, _ in expected}) > 5
    assert _rows(database) == expected
    assert ProjectionRunner(database.store, rebuild_batch_size=50).rebuild()
    assert _rows(database) == expected
    # A replayed log may record a session again, with fewer people: they are no longer there.
    with database.engine.connect() as conn:
        view = next(
            v
            for v in map(ProgramView.model_validate, conn.scalars(select(programs.c.state)))
            if len(v.state.attendees) > 1 and len(v.state.attendance) == 1
        )
    (session, people), program_id = next(iter(view.state.attendance.items())), view.state.program_id
    stream = f"program-{program_id}"
    again = e.AttendanceRecorded(session_id=session, attendees=people[:1], absentees=people[1:])
    version = database.store.read_stream(stream)[-1].stream_version
    database.store.append(
        stream,
        version,
        [
            NewEvent.of(
                again, event_id=uuid4(), occurred_at=datetime.now(UTC), metadata={"actor": "ann"}
            )
        ],
    )
    database.projector.catch_up()
    assert {t for p, t in _rows(database) if p == program_id} == {people[0]}
    assert _rows(database) == _views_attendees(database)


def test_responses_without_an_overall_score_count_by_their_dimensions(
    database: Database, tmp_path: Path
) -> None:
    """An imported response may lack ``overall``: its overall is the mean of its dimensions,
    in the report as in the oracle (found by a window over the counted rows)."""
    build(database.store, tmp_path)
    database.projector.catch_up()
    with database.engine.begin() as conn:
        surveyed = conn.execute(
            select(responses.c.program_id, responses.c.trainee)
            .where(responses.c.kind == "survey", responses.c.dimension == "overall")
            .order_by(responses.c.program_id, responses.c.trainee)
        ).all()
        dropped = surveyed[::3]
        assert len(dropped) > 3
        for program_id, trainee in dropped:
            conn.execute(
                delete(responses).where(
                    responses.c.program_id == program_id,
                    responses.c.trainee == trainee,
                    responses.c.dimension == "overall",
                )
            )
    assert _assert_equal_to_oracle(database) > 0
