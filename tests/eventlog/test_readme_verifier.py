"""docs/event-log.md's standalone verification script (Python stdlib + psql) agrees with the log."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from eventlog import EventStore
from tests.eventlog.conftest import LogDatabase
from tests.eventlog.support import new_events, tamper

EVENT_LOG_DOC = Path(__file__).resolve().parents[2] / "docs" / "event-log.md"


def doc_script() -> str:
    blocks = re.findall(r"```python\n(.*?)```", EVENT_LOG_DOC.read_text(encoding="utf-8"), re.S)
    [script] = [str(b) for b in blocks if "psql" in b and "sha256" in b]
    return script


def run_script(log_db: LogDatabase) -> subprocess.CompletedProcess[str]:
    env = log_db.psql_env()
    script = doc_script()  # PGDATABASE names the database, as docs/event-log.md says
    return subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize("log_db", ["postgresql"], indirect=True)  # the script reads it via psql
def test_event_log_doc_script_verifies_and_detects_tampering(
    log_db: LogDatabase, store: EventStore, engine: Engine
) -> None:
    if shutil.which("psql") is None:
        pytest.fail("psql is not installed (Debian: postgresql-client)")
    for n in range(5):
        store.append(f"s{n}", 0, new_events(3))
    clean = run_script(log_db)
    assert clean.returncode == 0, clean.stderr
    assert f"15 events verified, head {store.head()[1]}" in clean.stdout
    tamper(
        engine,
        text("UPDATE events SET payload = CAST(:p AS JSON) WHERE position = 7"),
        p='{"forged": true}',
    )
    tampered = run_script(log_db)
    assert tampered.returncode != 0
    assert "position 7 altered" in tampered.stderr
