"""The hot events' short fold (``projections.hot_events``) gives the rows and views the general
fold (``program_views.fold_into``, ``evolve`` per event) gives, on both databases."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from domain import events as e
from projections import programs
from projections.event_messages import encode, parts
from projections.event_texts import stored_summary
from projections.hot_events import ENROLLED, EXAMINED, HOT, SURVEYED, _line
from projections.runner import ProjectionRunner
from services.database import Database
from tests.projections.evaluation_log import build
from tests.projections.support import snapshot


def test_the_short_fold_equals_the_general_one(
    backend_db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = backend_db
    build(db.store, tmp_path)
    with monkeypatch.context() as patched:
        patched.setattr(programs, "HOT", {})  # every event through fold_into
        ProjectionRunner(db.store, rebuild_batch_size=40).rebuild()
        general = snapshot(db)
    assert any(row for row in general["rm_timeline"] if "'TraineeEnrolled'" in row)
    for size in (10_000, 40, 1):
        ProjectionRunner(db.store, rebuild_batch_size=size).rebuild()
        assert snapshot(db) == general, f"batches of {size}"


NAMES = ('ann "the quick"', "back\\slash", "naïve 张三", "tab\there", "{brace}")


@pytest.mark.parametrize("name", NAMES)
def test_the_short_lines_are_the_messages_lines(name: str) -> None:
    events: list[tuple[int, Any]] = [
        (ENROLLED, e.TraineeEnrolled.model_construct(trainee=name)),
        (SURVEYED, e.SurveySubmitted.model_construct(trainee=name, scores={"overall": 4.5})),
        (SURVEYED, e.SurveySubmitted.model_construct(trainee=name, scores={"x": 1.0})),
        (EXAMINED, e.ExamSubmitted.model_construct(trainee=name, score=87.5, recorded_by=None)),
        (EXAMINED, e.ExamSubmitted.model_construct(trainee=name, score=100.0, recorded_by=None)),
        (
            EXAMINED,
            e.ExamSubmitted.model_construct(
                trainee=name, score=60.0, recorded_by="spec", evidence="paper", confirmed_by=None
            ),
        ),
    ]
    for kind, event in events:
        assert HOT[type(event)] == kind
        message = parts(event)
        assert _line(kind, event) == (stored_summary(message), encode(message))
