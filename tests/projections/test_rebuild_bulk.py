"""A rebuild (big batches, set-based writes) gives exactly the read models the live projector
builds event by event, on SQLite and PostgreSQL, however the log is cut into batches."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import structlog
from pydantic import BaseModel

from domain.state import ProgramState
from projections.runner import ProjectionRunner
from services.database import Database
from tests.projections.evaluation_log import build
from tests.projections.support import snapshot


def test_rebuilt_read_models_equal_incrementally_built_ones(
    backend_db: Database, tmp_path: Path
) -> None:
    db = backend_db
    build(db.store, tmp_path)
    head = db.store.head()[0]
    live = ProjectionRunner(db.store, batch_size=7)  # batches cut programs everywhere
    assert live.catch_up() == head
    incremental = snapshot(db)
    assert all(incremental[t] for t in ("rm_programs", "rm_trainees", "rm_eval_responses"))
    for size in (head, 50, 3):
        assert ProjectionRunner(db.store, rebuild_batch_size=size).rebuild() == head
        assert snapshot(db) == incremental, f"rebuilt in batches of {size}"


def test_catching_up_logs_no_line_per_batch(backend_db: Database, tmp_path: Path) -> None:
    """A long catch-up or rebuild says once what it did, whatever the log level."""
    build(backend_db.store, tmp_path)
    with structlog.testing.capture_logs() as logs:
        ProjectionRunner(backend_db.store, batch_size=5).catch_up()
        ProjectionRunner(backend_db.store, rebuild_batch_size=5).rebuild()
    assert [entry["event"] for entry in logs] == ["read models rebuilt"]


def test_the_states_quick_copy_is_pydantics_copy() -> None:
    """A fold copies the state per event through ``QuickCopy.model_copy``: the same fields,
    fields set, equality and dump as pydantic's own shallow copy, and the original unchanged."""
    state = ProgramState(
        program_id="p1",
        title="Safety",
        specialist="spec",
        approvers=("boss",),
        timezone="UTC",
        planned_date=date(2026, 3, 2),
        sessions={},
        trainees=("ann", "bob"),
        evaluation_window_days=7,
    )
    update = {"enrolled": ("ann",), "surveyed": frozenset({"ann"})}
    quick, generic = state.model_copy(update=update), BaseModel.model_copy(state, update=update)
    assert quick == generic and quick.model_dump() == generic.model_dump()
    assert quick.__pydantic_fields_set__ == generic.__pydantic_fields_set__
    assert quick.enrolled == ("ann",) and state.enrolled == () and quick is not state
    assert state.model_copy() == state and state.model_copy(deep=True) == state
