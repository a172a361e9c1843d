"""``trainops audit`` end to end on the demo's database: exit codes, and machine-readable
output on stdout (logs and progress bars go to stderr)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import structlog
from sqlalchemy import text
from typer.testing import CliRunner

from tests.eventlog.support import tamper
from trainops.audit_cli import audit_app
from trainops.database import Database
from trainops.settings import get_settings


@pytest.fixture
def cli(demo: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", demo.engine.url.render_as_string(False))
    get_settings.cache_clear()
    saved = structlog.get_config()
    yield CliRunner()
    structlog.configure(**saved)
    get_settings.cache_clear()


def test_verify_digest_seal_and_verify_again(
    cli: CliRunner, demo: Database, tmp_path: Path
) -> None:
    verified = cli.invoke(audit_app, ["verify", "--json"])
    assert verified.exit_code == 0, verified.output
    assert json.loads(verified.stdout)["ok"] is True

    digest_file = tmp_path / "digest.json"
    taken = cli.invoke(audit_app, ["digest", "--output", str(digest_file)])
    assert taken.exit_code == 0, taken.output
    assert json.loads(taken.stdout)["position"] == demo.store.head()[0]
    assert cli.invoke(audit_app, ["seal"]).exit_code == 0
    seals = json.loads(cli.invoke(audit_app, ["seals", "--json"]).stdout)
    assert [s["seq"] for s in seals] == [1]

    tamper(demo.engine, text('UPDATE events SET metadata = \'{"actor": "x"}\' WHERE position = 12'))
    broken = cli.invoke(audit_app, ["verify", "--digest", str(digest_file)])
    assert broken.exit_code == 1
    assert "altered at position 12" in broken.stdout


def test_replay_history_and_export(cli: CliRunner, demo: Database, tmp_path: Path) -> None:
    replay = cli.invoke(audit_app, ["replay", "--json"])
    assert replay.exit_code == 0, replay.output
    assert json.loads(replay.stdout)["ok"] is True

    as_of = cli.invoke(audit_app, ["replay", "--as-of-position", "50", "--json"])
    assert as_of.exit_code == 0, as_of.output
    assert json.loads(as_of.stdout)["position"] == 50

    bad = cli.invoke(audit_app, ["replay", "--as-of", "2027-01-15T09:00"])
    assert bad.exit_code == 2 and "UTC offset" in bad.stderr

    history = cli.invoke(audit_app, ["history", "--program", "2027Q1-02", "--format", "jsonl"])
    assert history.exit_code == 0, history.output
    lines = [json.loads(line) for line in history.stdout.splitlines()]
    assert lines and {line["program_id"] for line in lines} == {"2027Q1-02"}

    exported = cli.invoke(audit_app, ["export", str(tmp_path / "bundle.tar.gz")])
    assert exported.exit_code == 0, exported.output
    assert (tmp_path / "bundle.tar.gz").stat().st_size > 0
