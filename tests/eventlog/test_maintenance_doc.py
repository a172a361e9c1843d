"""The owner-only procedure of docs/log-maintenance.md, run as written: record why, change the
log in one transaction with the triggers lifted and put back, verify, re-seal."""

from __future__ import annotations

import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from activities.sealing import LogSealer
from audit.seal_keys import publish_seal_key
from audit.verify import verify_audit
from audit.witness import DirectoryWitness, load_witness
from domain.events import LogMaintenance
from domain.streams import MAINTENANCE_STREAM
from eventlog import EventStore, NewEvent
from eventlog.schema import events
from services.signing import Signer
from tests.eventlog.conftest import LogDatabase
from tests.eventlog.support import new_event, new_events

DOC = Path(__file__).resolve().parents[2] / "docs" / "log-maintenance.md"


def _block(backend: str) -> str:
    blocks = re.findall(r"```sql\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S)
    [block] = [str(b) for b in blocks if b.startswith(f"-- trainops maintenance: {backend}")]
    return block


def _run_as_owner(log_db: LogDatabase, block: str) -> None:
    if log_db.backend == "sqlite":
        database = make_url(log_db.url).database
        assert database is not None
        with sqlite3.connect(database, isolation_level=None) as conn:
            conn.executescript(block)
        conn.close()
        return
    url = make_url(log_db.url)
    subprocess.run(
        ["psql", "-v", "ON_ERROR_STOP=1", "-h", url.host or "", "-U", url.username or "",
         "-d", url.database or ""],
        input=block,
        env={"PGOPTIONS": f"-csearch_path={log_db.schema}", "PATH": "/usr/bin:/bin"},
        check=True,
        capture_output=True,
        text=True,
    )  # fmt: skip


def test_the_documented_procedure(
    log_db: LogDatabase, store: EventStore, engine: Engine, tmp_path: Path
) -> None:
    signer = Signer.generate()
    publish_seal_key(store, signer.trusted_key())
    store.append("program-a", 0, new_events(4))
    witness = DirectoryWitness(tmp_path / "witness")
    sealer = LogSealer(store, signer, [witness])
    sealer.seal_once()
    # Rows written behind the store's back, a few positions beyond the head: verify fails,
    # and sealing is refused until they are gone.
    stray = {**_row(new_event()), "position": store.head()[0] + 3}
    with engine.begin() as conn:
        conn.execute(events.insert().values(**stray))  # inserting is never refused
    assert "beyond_head" in [p.kind for p in verify_audit(store).problems]

    # 1. record why (the statements are the doc's example)
    statement = "DELETE FROM events WHERE position > (SELECT position FROM log_head WHERE id = 1);"
    position, head = store.head()
    announced = LogMaintenance(
        reason="remove a row inserted beyond the head by a failed restore",
        ticket="CHG-1",
        statements=[statement],
        head_position=position,
        head_hash=head,
    )
    store.append(
        MAINTENANCE_STREAM,
        0,
        [
            NewEvent.of(
                announced,
                event_id=new_event().event_id,
                occurred_at=new_event().occurred_at,
                metadata={"actor": "dba.zhou", "role": "owner"},
            )
        ],
    )
    # 3. the change, exactly as documented
    block = _block(log_db.backend)
    assert statement in block
    _run_as_owner(log_db, block)

    # 4. intact again, re-sealed, and the triggers are back
    assert verify_audit(store, witness=load_witness(witness.path)).ok
    assert sealer.seal_once().seq == 2
    assert [s.seq for s in load_witness(witness.path)] == [1, 2]
    with pytest.raises(DBAPIError, match="append-only"), engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE position = 1"))
    with engine.connect() as conn:
        triggers = (
            "SELECT count(*) FROM sqlite_master WHERE type = 'trigger'"
            if log_db.backend == "sqlite"
            else "SELECT count(*) FROM pg_trigger WHERE tgenabled = 'O' AND NOT tgisinternal"
            " AND tgrelid IN ('events'::regclass, 'log_seals'::regclass)"
        )
        assert conn.execute(text(triggers)).scalar_one() == 4


def _row(event: NewEvent) -> dict[str, object]:
    return {
        "stream_id": "program-stray",
        "stream_version": 1,
        "event_id": str(event.event_id),
        "event_type": event.event_type,
        "schema_version": 1,
        "payload": event.payload,
        "metadata": event.metadata,
        "occurred_at": event.occurred_at,
        "recorded_at": event.occurred_at,
        "prev_hash": "0" * 64,
        "hash": "f" * 64,
    }
