"""Reference-data loads as background jobs: the upload is answered at once, the load runs in a
small worker pool in the API process, and anyone allowed can follow its progress.

Why a job: a large file took the whole request, so a client (or a proxy) waiting for it could
time out while the load went on. The load itself is unchanged: ``load_reference`` validates
every row, then appends in one transaction, so a job that fails, or a process that dies mid-job,
leaves nothing of it in the log, and running the same file again is always safe.

The job's row (``api_import_jobs``, created by the API's migrations) is the record: status,
progress, times, and the report or the error. Progress is written to it at most once a
second; on SQLite, which allows one writer at a time and whose writer is the import's own
transaction, the row is written only when the status changes, and the running process reports
its live progress from memory. A job found ``queued`` or ``running`` when the API starts was
cut off by the process dying: it is marked failed (one API process per database is assumed).
"""

from __future__ import annotations

import json
import shutil
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal, Protocol

import structlog
from pydantic import BaseModel
from sqlalchemy import Column, Engine, Integer, MetaData, String, Table, Text, insert, select
from sqlalchemy import update as sql_update
from sqlalchemy.exc import DBAPIError

from eventlog import EventLogError, EventStore
from eventlog.engine import READ_ONLY
from eventlog.schema import UtcDateTime
from imports.common import FileProblem
from imports.files import read_table
from imports.reference import KINDS, load_reference
from imports.report import ImportReport
from services.error_texts import as_data, say
from services.errors import Forbidden, Invalid, NotFound
from services.people import Person

log = structlog.get_logger(__name__)

Status = Literal["queued", "running", "succeeded", "failed"]
UNFINISHED: tuple[Status, ...] = ("queued", "running")
INTERRUPTED = "error.job_interrupted"
NEVER_STARTED = "error.job_never_started"
SUFFIXES = (".csv", ".json")

metadata = MetaData()
import_jobs = Table(
    "api_import_jobs",
    metadata,
    Column("job_id", String(32), primary_key=True),
    Column("owner", String(100), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("source", String(255), nullable=False),
    Column("status", String(20), nullable=False),
    Column("done", Integer, nullable=False),
    Column("total", Integer, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("started_at", UtcDateTime, nullable=True),
    Column("finished_at", UtcDateTime, nullable=True),
    Column("report", Text, nullable=True),
    Column("error", Text, nullable=True),
    Column("error_code", String(60), nullable=True),
    Column("error_params", Text, nullable=True),
)


class Loader(Protocol):
    """``imports.reference.load_reference``'s shape (tests hand in a wrapped one)."""

    def __call__(
        self,
        store: EventStore,
        kind: str,
        path: Path,
        *,
        accept_valid: bool = ...,
        actor: str = ...,
        proof: dict[str, Any] | None = ...,
        progress: Callable[[int, int], None] | None = ...,
    ) -> ImportReport: ...


class Job(BaseModel):
    """One load. While it runs ``done``/``total`` are the loader's progress (rows checked,
    then events written); once it succeeded, the rows read. ``report`` once it succeeded
    (rejected rows included: that is a finished load too), ``error`` once it failed."""

    job_id: str
    owner: str
    kind: str
    source: str
    status: Status
    done: int = 0
    total: int = 0
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    report: ImportReport | None = None
    error: str | None = None
    """Why it failed, in the reader's language where the API or a page reads it; by key in
    ``error_code`` and ``error_params`` (``services.error_texts``)."""
    error_code: str | None = None
    error_params: dict[str, Any] = {}


def _now() -> datetime:
    return datetime.now(UTC)


def check_upload(kind: str, name: str, data: bytes, limit: int) -> str:
    """The file's plain name once it can be loaded at all: a known kind, a .csv or .json name,
    at most ``limit`` bytes, UTF-8 with the kind's columns (``Invalid``/``FileProblem``
    otherwise), so a bad upload is refused at once instead of becoming a failed job."""
    if kind not in KINDS:
        raise Invalid("error.unknown_import_kind", kind=kind, kinds=", ".join(KINDS))
    plain = Path(name or "upload.csv").name
    if Path(plain).suffix.lower() not in SUFFIXES:
        raise Invalid("error.import_suffix")
    if len(data) > limit:
        raise Invalid("error.import_too_large", mebibytes=limit // 1024 // 1024)
    spec = KINDS[kind]
    read_table(Path(plain), kind, spec.required, spec.optional, data=data)
    return plain


def failure(exc: BaseException) -> tuple[str, dict[str, object]]:
    """What a failed job says, by message key: the cause, and that nothing of it was loaded."""
    if isinstance(exc, FileProblem):
        return exc.code, exc.params
    if isinstance(exc, EventLogError):
        return "error.job_log_refused", {"detail": str(exc)}
    if isinstance(exc, DBAPIError):
        return "error.job_database_down", {}
    return "error.job_internal", {"kind": type(exc).__name__}


def _failed(key: str, params: dict[str, object]) -> dict[str, object]:
    """A failed job's columns: why in English, and by key with its parameters."""
    values = as_data(params)
    return {
        "error": say(key, values, "en") or key,
        "error_code": key,
        "error_params": json.dumps(values),
    }


class _Progress:
    """The loader's ``progress``: kept in memory for every call, written to the job's row at
    most every ``seconds`` (never on SQLite, see the module doc)."""

    def __init__(self, jobs: ImportJobs, job_id: str) -> None:
        self.jobs, self.job_id = jobs, job_id
        self.written_at = time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        with self.jobs.lock:
            self.jobs.live[self.job_id] = (done, total)
        moment = time.monotonic()
        if self.jobs.write_progress and moment - self.written_at >= self.jobs.every_seconds:
            self.written_at = moment
            self.jobs.set(self.job_id, done=done, total=total)


class ImportJobs:
    """Submit loads and read them back; ``workers`` loads run at a time (one by default: each
    is one transaction, and two writers only wait for each other)."""

    def __init__(
        self,
        engine: Engine,
        store: EventStore,
        *,
        workers: int = 1,
        loader: Loader = load_reference,
        every_seconds: float = 1.0,
    ) -> None:
        self.engine, self.store, self.loader = engine, store, loader
        self.every_seconds = every_seconds
        self.write_progress = engine.dialect.name != "sqlite"
        self.lock = threading.Lock()
        self.live: dict[str, tuple[int, int]] = {}
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="import-job")

    def recover(self) -> int:
        """Mark the jobs a dead process left unfinished as failed (their transaction was rolled
        back with the process); how many."""
        with self.engine.begin() as conn:
            count = 0
            for status, key in (("running", INTERRUPTED), ("queued", NEVER_STARTED)):
                count += conn.execute(
                    sql_update(import_jobs)
                    .where(import_jobs.c.status == status)
                    .values(status="failed", finished_at=_now(), **_failed(key, {}))
                ).rowcount
        if count:
            log.warning("import jobs interrupted by a restart marked failed", jobs=count)
        return count

    def submit(
        self,
        owner: str,
        kind: str,
        source: str,
        data: bytes,
        *,
        accept_valid: bool = False,
        proof: dict[str, Any] | None = None,
    ) -> Job:
        """Record the job as queued and hand it to the pool; the file waits in a private
        temporary folder until the job ends."""
        job = Job(
            job_id=uuid.uuid4().hex,
            owner=owner,
            kind=kind,
            source=source,
            status="queued",
            created_at=_now(),
        )
        with self.engine.begin() as conn:
            conn.execute(
                insert(import_jobs).values(**job.model_dump(exclude={"report", "error_params"}))
            )
        folder = Path(tempfile.mkdtemp(prefix="trainops-job-"))
        path = folder / source
        path.write_bytes(data)
        self.pool.submit(self._run, job, path, accept_valid, proof)
        return job

    def _run(self, job: Job, path: Path, accept_valid: bool, proof: dict[str, Any] | None) -> None:
        try:
            self.set(job.job_id, status="running", started_at=_now())
            report = self.loader(
                self.store,
                job.kind,
                path,
                accept_valid=accept_valid,
                actor=job.owner,
                proof=proof,
                progress=_Progress(self, job.job_id),
            )
            report.source = job.source
            rows = report.rows_read
            self.set(
                job.job_id,
                status="succeeded",
                finished_at=_now(),
                done=rows,
                total=rows,
                report=report.model_dump_json(),
            )
        except Exception as exc:
            if not isinstance(exc, FileProblem | EventLogError | DBAPIError):
                log.exception("import job failed", job_id=job.job_id)
            try:
                key, params = failure(exc)
                self.set(job.job_id, status="failed", finished_at=_now(), **_failed(key, params))
            except DBAPIError:
                log.warning("import job failed; the next start marks it", job_id=job.job_id)
        finally:
            with self.lock:
                self.live.pop(job.job_id, None)
            shutil.rmtree(path.parent, ignore_errors=True)

    def set(self, job_id: str, **values: Any) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                sql_update(import_jobs).where(import_jobs.c.job_id == job_id).values(**values)
            )

    def get(self, job_id: str) -> Job | None:
        """The job as recorded, with the live progress when this process is running it."""
        with self.engine.connect().execution_options(**READ_ONLY) as conn:
            row = (
                conn.execute(select(import_jobs).where(import_jobs.c.job_id == job_id))
                .mappings()
                .first()
            )
        if row is None:
            return None
        values = dict(row)
        report, params = values.pop("report"), values.pop("error_params")
        job = Job(
            **values,
            report=None if report is None else json.loads(report),
            error_params=json.loads(params) if params else {},
        )
        with self.lock:
            live = self.live.get(job_id)
        if live is not None and job.status == "running":
            job.done, job.total = max(live[0], job.done), live[1]
        return job

    def read(self, person: Person, job_id: str) -> Job:
        """The job for its owner or an admin; ``NotFound``/``Forbidden`` otherwise."""
        job = self.get(job_id)
        if job is None:
            raise NotFound("error.no_import_job", job_id=job_id)
        if job.owner != person.username and not person.has("admin"):
            raise Forbidden("error.import_job_not_yours", job_id=job_id, owner=job.owner)
        return job

    def shutdown(self) -> None:
        """Let running loads finish (queued ones never start; the next start marks them)."""
        self.pool.shutdown(wait=True, cancel_futures=True)
