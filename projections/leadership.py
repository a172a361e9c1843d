"""Which of several projector processes projects: one leads, the others stand by.

Run two ``trainops projector`` processes for availability: the first to take the lock leads,
the other retries every poll and takes over as soon as the leader's lock goes (its process died,
its connection dropped, it stopped). On PostgreSQL the lock is a session advisory lock held on a
connection of its own, so the database frees it the moment the leader's session ends; on SQLite,
which only processes of one machine share, it is an exclusive ``flock`` on a file beside the
database, freed by the kernel when the leader's process ends.

Leadership is not what keeps events exactly-once and in order: each batch still locks the
checkpoint row and commits its read-model changes with the new checkpoint (``runner``), so even
two processes that both believe they lead (a leader cut off from the database for a moment)
take turns instead of double-applying. Leadership keeps a standby from spending a connection
blocked on that row, and lets a projector keep state in memory between batches safely.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from pathlib import Path
from typing import IO, Protocol

import structlog
from sqlalchemy import Connection, Engine, text
from sqlalchemy.exc import DBAPIError

log = structlog.get_logger(__name__)

#: The advisory lock's name, with the schema appended (hashed to its key by ``hashtext``):
#: installs in two schemas of one database each have their own leader.
LOCK_NAME = "trainops.projector.read_models"
LOCK_KEY = "hashtext(:name || '.' || current_schema())"


class Leadership(Protocol):
    def hold(self) -> bool:
        """Lead if possible: True while this process holds the lock (checked each call)."""
        ...

    def release(self) -> None: ...


class AdvisoryLeadership:
    """PostgreSQL: ``pg_try_advisory_lock`` on a connection kept for as long as it leads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn: Connection | None = None

    def hold(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))  # the lock lives as long as this session
                return True
            except DBAPIError as exc:
                log.warning("projector lost its leadership", error=type(exc).__name__)
                self._close()
        try:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        except DBAPIError:
            return False
        try:
            taken = conn.execute(
                text(f"SELECT pg_try_advisory_lock({LOCK_KEY})"), {"name": LOCK_NAME}
            ).scalar()
        except DBAPIError:
            conn.invalidate()
            conn.close()
            return False
        if not taken:
            conn.close()
            return False
        self._conn = conn
        log.info("projector leading")
        return True

    def release(self) -> None:
        if self._conn is None:
            return
        unlock = text(f"SELECT pg_advisory_unlock({LOCK_KEY})")
        with contextlib.suppress(DBAPIError):  # else the session is gone, and the lock with it
            self._conn.execute(unlock, {"name": LOCK_NAME})
        self._close()

    def _close(self) -> None:
        assert self._conn is not None
        try:
            self._conn.invalidate()  # never back to the pool: a pooled session would keep the lock
            self._conn.close()
        finally:
            self._conn = None


class FileLeadership:
    """SQLite: an exclusive, non-blocking ``flock`` on ``<database>.projector-lock``."""

    def __init__(self, database: Path) -> None:
        self.path = database.with_name(database.name + ".projector-lock")
        self._file: IO[bytes] | None = None

    def hold(self) -> bool:
        if self._file is not None:
            return True
        handle = self.path.open("ab")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            return False
        self._file = handle
        log.info("projector leading", pid=os.getpid())
        return True

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file drops the lock
            self._file = None


class SoleLeadership:
    """An in-memory database: no other process can share it, so this one always leads."""

    def hold(self) -> bool:
        return True

    def release(self) -> None:
        pass


def leadership_for(engine: Engine) -> Leadership:
    if engine.dialect.name == "postgresql":
        return AdvisoryLeadership(engine)
    database = engine.url.database
    if engine.dialect.name == "sqlite" and database and database != ":memory:":
        return FileLeadership(Path(database))
    return SoleLeadership()
