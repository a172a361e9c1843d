"""Two projector processes, one leading and one standing by: how long a takeover takes.

    .venv/bin/python -m bench.projector_failover_bench [--programs N] [--batch B] [--sqlite]

A log of N generated programs (``tests/projections/history.py``, the real domain rules) in a
fresh PostgreSQL schema (``--sqlite``: a file). Two projector processes start (the same
``ProjectionRunner.run_forever`` as ``trainops projector``, batches of B); the leader is killed
with SIGKILL half-way; the figures are the time from the kill to the standby's first committed
batch, the time to the head, and whether the read models then equal one projector's rebuild
of the whole log (nothing folded twice, nothing skipped). The standby polls every 0.05 s here
(``TRAINOPS_PROJECTOR_POLL_SECONDS``, 0.25 s by default, bounds a takeover's wait).
"""

from __future__ import annotations

import argparse
import contextlib
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from eventlog.engine import make_engine
from services.database import Database, open_database
from tests.projections.history import generate
from tests.projections.support import snapshot

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"


@dataclass
class Takeover:
    backend: str
    events: int
    killed_at: int
    takeover_seconds: float
    catch_up_seconds: float
    equal_to_rebuild: bool

    def line(self) -> str:
        return (
            f"{self.backend:<10} {self.events} events, leader killed at {self.killed_at}: "
            f"standby's first batch {self.takeover_seconds:.2f} s after the kill, head after "
            f"{self.catch_up_seconds:.2f} s; read models equal a rebuild: {self.equal_to_rebuild}"
        )


@contextlib.contextmanager
def _database(sqlite: bool) -> Iterator[Database]:
    if sqlite:
        with tempfile.TemporaryDirectory() as tmp:
            db = open_database(f"sqlite:///{Path(tmp) / 'failover.db'}")
            try:
                yield db
            finally:
                db.close()
        return
    schema = f"bench_failover_{secrets.token_hex(4)}"
    admin = make_engine(POSTGRES_URL)
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        db = open_database(f"{POSTGRES_URL}?options=-csearch_path%3D{schema}")
        try:
            yield db
        finally:
            db.close()
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        admin.dispose()


def _start(db: Database, batch: int, log: Path) -> subprocess.Popen[bytes]:
    url = db.engine.url.render_as_string(hide_password=False)
    with log.open("wb") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "tests.projections.projector_process", url, str(batch)],
            cwd=ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
        )


def _until(done: object, seconds: float = 120, step: float = 0.005) -> None:
    deadline = time.monotonic() + seconds
    while not done():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise TimeoutError("the projectors did not get there in time")
        time.sleep(step)


def measure(programs: int = 300, batch: int = 50, sqlite: bool = False) -> Takeover:
    with _database(sqlite) as db, tempfile.TemporaryDirectory() as tmp:
        generate(db.store, programs=programs)
        head = db.store.head()[0]
        position = db.projector.position
        first_log, second_log = Path(tmp) / "first.log", Path(tmp) / "second.log"
        first = _start(db, batch, first_log)
        _until(lambda: "projector leading" in first_log.read_text())
        second = _start(db, batch, second_log)
        try:
            _until(lambda: "standing by" in second_log.read_text())
            _until(lambda: position() >= head // 2, step=0.001)
            first.kill()
            killed = time.monotonic()
            first.wait()
            stopped = position()
            _until(lambda: position() > stopped, step=0.001)
            taken_over = time.monotonic()
            _until(lambda: position() == head)
            at_head = time.monotonic()
        finally:
            for process in (first, second):
                if process.poll() is None:
                    process.terminate()
                process.wait(timeout=30)
        after = snapshot(db)
        db.projector.rebuild()
        return Takeover(
            backend="SQLite" if sqlite else "PostgreSQL",
            events=head,
            killed_at=stopped,
            takeover_seconds=taken_over - killed,
            catch_up_seconds=at_head - killed,
            equal_to_rebuild=snapshot(db) == after,
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--programs", type=int, default=300)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--sqlite", action="store_true")
    args = parser.parse_args()
    for _ in range(args.rounds):
        print(measure(args.programs, args.batch, args.sqlite).line(), flush=True)


if __name__ == "__main__":
    main()
