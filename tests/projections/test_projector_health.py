"""Quarantined events are visible where operators look: the CLI (the API: tests/api)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from runtime.settings import get_settings
from services.database import open_database
from tests.projections.test_quarantine import _append
from trainops.cli import app


@pytest.fixture
def poisoned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    url = f"sqlite:///{tmp_path / 'trainops.db'}"
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", url)
    get_settings.cache_clear()
    database = open_database(url)
    position = _append(database.store, "program-bad", "ProgramPlanned", {"[bold]x": True})
    database.projector.catch_up()
    database.close()
    yield position
    get_settings.cache_clear()


def test_the_cli_shows_and_retries_quarantined_events(poisoned: int) -> None:
    runner = CliRunner()
    shown = runner.invoke(app, ["projections", "status", "--json"])
    assert shown.exit_code == 0, shown.output
    status = json.loads(shown.stdout)
    assert status["quarantined"] == 1 and status["lag"] == 0
    assert status["events"][0]["position"] == poisoned
    table = runner.invoke(app, ["projections", "status"])
    assert table.exit_code == 0 and "1 quarantined event(s)" in table.stdout
    retried = runner.invoke(app, ["projections", "retry"])
    assert retried.exit_code == 1 and "still quarantined 1" in retried.stdout
