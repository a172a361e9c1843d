"""How a long-running trainops process starts: it waits for what it needs, and when it cannot
go on it says why in one line instead of a traceback.

- The database: retried with capped exponential backoff (logging why it waits), as Temporal is
  in ``runtime.temporal_connection``; a cold start or a database restart is waited out.
- Startup errors a person must fix (a schema older than the code that the app's role may not
  migrate, a schema newer than the code, a missing or retired key, a refused certificate,
  tracing without its packages, a bad setting) end the process with ``error: …`` on stderr and
  exit status 78 (configuration error): a restart would fail the same way.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
import sys
import time
from collections.abc import Callable, Coroutine, Iterator
from typing import Any

import structlog
from pydantic import ValidationError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, OperationalError

from runtime.errors import StartupError

log = structlog.get_logger(__name__)

EXIT_CONFIG = 78
FIRST_BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 10.0


class DatabaseUnreachable(StartupError):
    """The database did not answer within the wait; the message says where and why (``key``
    and ``params`` let a caller say it in another language)."""

    key = "startup.database_unreachable"
    english = "the database at {where} does not answer after {attempts} attempt(s): {reason}"

    def __init__(self, where: str, attempts: int, reason: str) -> None:
        self.params = {"where": where, "attempts": str(attempts), "reason": reason}
        super().__init__(self.english.format_map(self.params))


def database_reason(exc: DBAPIError) -> str:
    """Why the database refused, in the driver's first line (no SQL, no traceback)."""
    return str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)


def port_in_use(host: str, port: int) -> bool:
    """Whether ``host:port`` cannot be bound, as a server binds it (``SO_REUSEADDR``)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            return True
    return False


def wait_for_database(url: str, wait_seconds: float) -> None:
    """Return once the database at ``url`` answers a query; retry with backoff until then.
    SQLite is a file beside the process: nothing to wait for."""
    if make_url(url).get_backend_name() == "sqlite":
        return
    engine = create_engine(url)
    deadline = time.monotonic() + wait_seconds
    backoff, attempt = FIRST_BACKOFF_SECONDS, 0
    try:
        while True:
            attempt += 1
            try:
                with engine.connect() as conn:
                    conn.execute(text("SELECT 1"))
                return
            except OperationalError as exc:
                left = deadline - time.monotonic()
                reason = database_reason(exc)
                if left <= 0:
                    where = engine.url.render_as_string(hide_password=True)
                    raise DatabaseUnreachable(where, attempt, reason) from exc
                log.warning(
                    "waiting for the database",
                    attempt=attempt,
                    retry_in_seconds=round(min(backoff, left), 1),
                    reason=reason[:200],
                )
                time.sleep(min(backoff, left))
                backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
    finally:
        engine.dispose()


#: What ends a process with one line and status 78: anything a person must fix first.
STARTUP_ERRORS: tuple[type[BaseException], ...] = (StartupError, ValidationError)


def explain(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        said = [(e["loc"], e["msg"].removeprefix("Value error, ")) for e in exc.errors()]
        problems = "; ".join(
            f"TRAINOPS_{'_'.join(str(p) for p in loc).upper()}: {msg}" if loc else msg
            for loc, msg in said
        )
        return f"bad settings: {problems}"
    return str(exc)


#: How the one line says a startup error: the command line puts one here that says an error
#: with a message key (``key``, ``params``) in the reader's language; English by default.
said: list[Callable[[BaseException], str]] = []


@contextlib.contextmanager
def explained_startup() -> Iterator[None]:
    """A startup error a person must fix becomes one line on stderr and exit status 78."""
    try:
        yield
    except STARTUP_ERRORS as exc:
        line = said[0](exc) if said else f"error: {explain(exc)}"
        print(line, file=sys.stderr, flush=True)
        raise SystemExit(EXIT_CONFIG) from None


def run_service(main: Callable[[], Coroutine[Any, Any, None]]) -> None:
    """Run a service's async ``main`` with its startup errors explained."""
    with explained_startup():
        try:
            asyncio.run(main())
        except KeyboardInterrupt:
            raise SystemExit(130) from None
