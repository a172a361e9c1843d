"""Two projector processes (separate OS processes, as two ``trainops projector`` containers):
one leads, the other stands by; kill the leader mid-run and the standby takes over from the
last committed checkpoint, leaving the read models exactly as one projector alone leaves them
(nothing folded twice, nothing skipped, in log order)."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Connection, func, select

from projections.runner import CHECKPOINT
from projections.tables import checkpoints, quarantine
from services.database import Database
from tests.projections.history import generate
from tests.projections.support import snapshot

ROOT = Path(__file__).resolve().parents[2]
BATCH = 5


def wait_for(what: str, done: Callable[[], bool], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


@contextmanager
def projector(database: Database, log: Path) -> Iterator[subprocess.Popen[bytes]]:
    url = database.engine.url.render_as_string(hide_password=False)
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "tests.projections.projector_process", url, str(BATCH)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        assert process.wait(timeout=30) in (0, -9), log.read_text()


class CheckpointHold:
    """Holds the projector's checkpoint lock while ``take``n (a projector's next batch waits for
    it); ``release`` is safe to call twice, so a failing test never leaves it held."""

    def __init__(self, database: Database) -> None:
        self.database = database
        self.conn: Connection | None = None

    def take(self) -> None:
        self.conn = self.database.engine.connect()  # SQLite: BEGIN IMMEDIATE, the write lock
        self.conn.execute(
            select(checkpoints.c.position).where(checkpoints.c.name == CHECKPOINT).with_for_update()
        )

    def release(self) -> None:
        if self.conn is not None:
            self.conn.rollback()
            self.conn.close()
            self.conn = None


def test_a_standby_projector_takes_over_when_the_leader_dies_and_nothing_doubles(
    database: Database, tmp_path: Path
) -> None:
    generate(database.store, programs=150)
    head = database.store.head()[0]
    position = database.projector.position
    first_log, second_log = tmp_path / "first.log", tmp_path / "second.log"
    hold = CheckpointHold(database)
    hold.take()  # the leader's first batch waits until both processes are up
    try:
        with projector(database, first_log) as first:
            wait_for("the first to lead", lambda: "projector leading" in first_log.read_text())
            with projector(database, second_log) as second:
                wait_for("the second to stand by", lambda: "standing by" in second_log.read_text())
                assert "projector leading" not in second_log.read_text(), "a standby never projects"
                hold.release()  # let the leader fold its first batches, then freeze it there
                while position() == 0:
                    time.sleep(0.002)
                first.send_signal(signal.SIGSTOP)  # a lock (unfair on SQLite) could let it finish
                first.kill()
                first.wait(timeout=30)
                stopped_at = position()
                assert 0 < stopped_at < head, "the leader must die mid-run"
                wait_for(
                    "the standby to lead", lambda: "projector leading" in second_log.read_text()
                )
                wait_for("the standby to catch up", lambda: position() == head, seconds=300)
                assert second.poll() is None
    finally:
        hold.release()
    with database.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(quarantine)).scalar() == 0
    taken_over = snapshot(database)
    assert taken_over["rm_programs"], "the log must produce read models"
    assert database.projector.rebuild() == head  # one projector, the whole log from scratch
    assert snapshot(database) == taken_over
