"""Rebuild the read models from the raw log into a scratch database and compare them with live
(the comparing itself is ``audit.comparison``).

The replay reuses the real projections (``projections.catalog.ALL_PROJECTIONS``) and the real
checkpointed runner; only where it writes differs: a scratch database (a temporary SQLite file,
or a temporary PostgreSQL schema reached through ``search_path``) that is thrown away afterwards
unless kept. Events are read from the live log page by page and never past the cut-off, so a
million-event log replays in bounded memory.

**As of an instant** means as of ``recorded_at``: the read models as they stood at instant T were
built from what the log held at T, i.e. the events recorded by T. ``recorded_at`` follows the
order of positions (writers are serialised), so the cut is a prefix of the log, a state that
really existed. ``occurred_at`` is workflow time: it does not follow positions (the demo's
time-skipping server runs months ahead; retries carry the time of the decision), so a cut by it
would pick a set of events the system never held at once. To ask "what happened by business
time T", read the history with ``--until`` instead.
"""

from __future__ import annotations

import secrets
import shutil
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import structlog
from pydantic import BaseModel
from sqlalchemy import Connection, Engine, func, select, text

from audit.comparison import (
    MAX_DIFFERENCES,
    Comparison,
    checkpoint_position,
    compare_read_models,
)
from audit.progress import Progress, no_progress
from domain.kpi import ExecutionKpis
from eventlog import EventStore, RecordedEvent
from eventlog.engine import READ_ONLY, make_engine
from eventlog.schema import events
from projections import queries
from projections.base import Projection
from projections.catalog import ALL_PROJECTIONS
from projections.runner import ProjectionRunner
from projections.tables import migrate_read_models

#: ``Comparison`` stays importable from here for the command line.
__all__ = [
    "AsOfReport",
    "Comparison",
    "Replay",
    "position_at",
    "replay_and_compare",
    "replay_as_of",
    "replayed",
    "scratch_engine",
]

log = structlog.get_logger(__name__)


class AsOfReport(BaseModel):
    """The read models as they stood at a past position (or instant): KPIs and programs."""

    position: int
    instant: datetime | None
    events: int
    kpis: list[ExecutionKpis]
    programs: list[dict[str, Any]]
    kept_at: str | None = None


# ---------------------------------------------------------------------- scratch databases


@contextmanager
def scratch_engine(
    source: Engine, *, scratch_url: str | None = None, keep: Path | None = None
) -> Iterator[Engine]:
    """An empty database for replayed read models, removed afterwards unless ``keep`` names a
    SQLite file to leave behind. Default: the live backend (SQLite: a temporary file;
    PostgreSQL: a temporary schema in the same database)."""
    if keep is not None:
        if keep.exists():
            raise FileExistsError(f"{keep} exists; the replay will not overwrite it")
        engine = make_engine(f"sqlite:///{keep.resolve()}")
        try:
            yield engine
        finally:
            engine.dispose()
        return
    if scratch_url is not None:
        engine = make_engine(scratch_url)
        try:
            yield engine
        finally:
            engine.dispose()
        return
    if source.dialect.name == "postgresql":
        schema = f"audit_replay_{secrets.token_hex(6)}"
        url = source.url.render_as_string(hide_password=False)
        with source.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
        try:
            yield engine
        finally:
            engine.dispose()
            with source.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        return
    workdir = Path(tempfile.mkdtemp(prefix="trainops-replay-"))
    engine = make_engine(f"sqlite:///{workdir / 'replay.db'}")
    try:
        yield engine
    finally:
        engine.dispose()
        shutil.rmtree(workdir, ignore_errors=True)


class _LogPrefix(EventStore):
    """The runner's view of the log during a replay: pages come from the live log, never past
    ``up_to``; read-model writes go to the scratch engine."""

    def __init__(self, source: EventStore, scratch: Engine, up_to: int) -> None:
        super().__init__(scratch)
        self.source = source
        self.up_to = up_to

    def read_page(
        self, after_position: int, size: int, *, conn: Connection | None = None
    ) -> list[RecordedEvent]:
        if after_position >= self.up_to:
            return []
        page = self.source.read_page(after_position, min(size, self.up_to - after_position))
        return [row for row in page if row.position <= self.up_to]

    def append(self, *args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("a replay never writes the log")


class Replay:
    """Read models replayed into a scratch database, advanced with ``advance``."""

    def __init__(
        self,
        source: EventStore,
        engine: Engine,
        *,
        batch_size: int = 500,
        projections: Sequence[Projection] = ALL_PROJECTIONS,
    ) -> None:
        self.source = source
        self.engine = engine
        self.batch_size = batch_size
        self.projections = tuple(projections)
        self.events = 0

    @property
    def position(self) -> int:
        return checkpoint_position(self.engine)

    def advance(self, up_to: int, progress: Progress = no_progress) -> int:
        """Fold the live log's events up to position ``up_to`` (inclusive); returns how many."""
        runner = ProjectionRunner(
            _LogPrefix(self.source, self.engine, up_to),
            batch_size=self.batch_size,
            projections=self.projections,
        )
        done = 0
        progress(self.events, up_to)
        while (folded := runner.run_once()) > 0:
            done += folded
            self.events += folded
            progress(self.events, up_to)
        return done


@contextmanager
def replayed(
    store: EventStore,
    *,
    up_to: int | None = None,
    scratch_url: str | None = None,
    keep: Path | None = None,
    batch_size: int = 500,
    progress: Progress = no_progress,
) -> Iterator[Replay]:
    """Replay the log from position zero up to ``up_to`` (default: the head) into a scratch
    database; inside the ``with`` the replayed read models can be queried like live ones."""
    target = store.head()[0] if up_to is None else up_to
    with scratch_engine(store.engine, scratch_url=scratch_url, keep=keep) as engine:
        migrate_read_models(engine)
        for projection in ALL_PROJECTIONS:  # a projection whose tables another tree migrates
            for table in projection.tables:
                table.create(engine, checkfirst=True)
        replay = Replay(store, engine, batch_size=batch_size)
        replay.advance(target, progress)
        log.info("log replayed", position=replay.position, events=replay.events)
        yield replay


# ---------------------------------------------------------------------- comparing with live


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    """One consistent view of the live read models while a projector may be writing them."""
    if engine.dialect.name == "postgresql":
        conn = engine.connect().execution_options(isolation_level="REPEATABLE READ")
    else:
        conn = engine.connect().execution_options(**READ_ONLY)  # WAL: a reader's snapshot
    try:
        with conn.begin():
            yield conn
    finally:
        conn.close()


def replay_and_compare(
    store: EventStore,
    *,
    scratch_url: str | None = None,
    batch_size: int = 500,
    max_differences: int = MAX_DIFFERENCES,
    progress: Progress = no_progress,
) -> Comparison:
    """Rebuild every read model from position zero and compare with the live read models.

    The replay first runs up to the live projector's checkpoint; then, inside one consistent
    snapshot of the live read models, it tops up to the checkpoint that snapshot shows, so a
    projector running meanwhile does not show up as differences."""
    with (
        replayed(
            store,
            up_to=checkpoint_position(store.engine),
            scratch_url=scratch_url,
            batch_size=batch_size,
            progress=progress,
        ) as replay,
        _snapshot(store.engine) as live,
    ):
        live_position = checkpoint_position(live)
        if live_position > replay.position:
            replay.advance(live_position, progress)
        with replay.engine.connect().execution_options(**READ_ONLY) as scratch:
            comparison = compare_read_models(live, scratch, max_differences=max_differences)
    log.info(
        "replay compared",
        ok=comparison.ok,
        position=comparison.replayed_position,
        differences=sum(t.differences for t in comparison.tables),
    )
    return comparison


# ---------------------------------------------------------------------- as of


def position_at(store: EventStore, instant: datetime) -> int:
    """The last position recorded at or before ``instant`` (0: nothing yet); see the module
    docstring for why ``recorded_at`` and not ``occurred_at``."""
    if instant.utcoffset() is None:
        raise ValueError("the instant needs a time zone (e.g. 2027-01-15T12:00:00+08:00)")
    with store.engine.connect().execution_options(**READ_ONLY) as conn:
        found = conn.execute(
            select(func.max(events.c.position)).where(events.c.recorded_at <= instant)
        ).scalar()
    return int(found or 0)


def replay_as_of(
    store: EventStore,
    *,
    position: int | None = None,
    instant: datetime | None = None,
    scratch_url: str | None = None,
    keep: Path | None = None,
    batch_size: int = 500,
    include_programs: bool = True,
    progress: Progress = no_progress,
) -> AsOfReport:
    """The read models as of a past position or instant (default: the head), rebuilt from the
    log: the KPI report and every program's summary then. ``keep`` leaves the replayed read
    models in a SQLite file that ``trainops`` can query (``TRAINOPS_DATABASE_URL``); without
    ``include_programs`` only the KPIs are returned (the program list grows with the log)."""
    if position is not None and instant is not None:
        raise ValueError("give a position or an instant, not both")
    target = position_at(store, instant) if instant is not None else position
    head = store.head()[0]
    if position is not None and position > head:  # never silently the head
        raise ValueError(f"position {position} is past the log's head ({head})")
    with replayed(
        store,
        up_to=target,
        scratch_url=scratch_url,
        keep=keep,
        batch_size=batch_size,
        progress=progress,
    ) as replay:
        return AsOfReport(
            position=replay.position,
            instant=instant,
            events=replay.events,
            kpis=queries.execution_report(replay.engine),
            programs=queries.list_programs(replay.engine) if include_programs else [],
            kept_at=str(keep) if keep is not None else None,
        )
