"""Open the database once: engine, migrations for every table owner, the store and the outbox."""

from __future__ import annotations

import contextlib
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import structlog
from sqlalchemy import Engine, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, ProgrammingError

from accounts.tables import migrate_users
from activities.outbox import NotificationService, migrate_outbox
from eventlog import EventStore
from eventlog.engine import EVENT_LOG_VERSION_TABLE, make_engine, migrate
from projections.runner import ProjectionRunner
from projections.tables import migrate_read_models
from runtime.errors import StartupError
from runtime.startup import database_reason
from services.error_texts import EN

log = structlog.get_logger(__name__)

#: PostgreSQL's "insufficient privilege" (also raised by the append-only triggers), and "no
#: schema to create in" (a role without CREATE, or even USAGE, on the search path's schema).
MAY_NOT_MIGRATE = frozenset({"42501", "3F000"})


class MigrationRefused(StartupError, RuntimeError):
    """The application's role may not migrate the schema; the message says what to set."""


class NoDatabase(StartupError, RuntimeError):
    """A command that reads what a running trainops keeps found no database where the settings
    point: saying so beats creating an empty one and reporting on it (an "intact" empty log)."""

    key = "error.no_database"

    def __init__(self, path: str) -> None:
        self.params = {"path": path}
        super().__init__(EN[self.key].format(**self.params))


class CannotOpen(StartupError, RuntimeError):
    """The database where the settings point was reached but cannot be opened: an SQLite
    file that is no database, a PostgreSQL database that does not exist or refuses the role.
    One try, no waiting: a read-only command says it at once."""

    key = "error.cannot_open_database"

    def __init__(self, where: str, reason: str) -> None:
        self.params = {"where": where, "reason": reason}
        super().__init__(EN[self.key].format(**self.params))


@dataclass
class Database:
    engine: Engine
    store: EventStore
    outbox: NotificationService
    projector: ProjectionRunner

    def close(self) -> None:
        self.store.close()
        self.engine.dispose()


def migrate_all(engine: Engine) -> None:
    """Every migration tree to its head. At head this only reads the version tables, so the
    application's restricted role can run it; anything more needs the owner."""
    try:
        migrate(engine)
        migrate_outbox(engine)
        migrate_read_models(engine)
        migrate_users(engine)
    except ProgrammingError as exc:
        if getattr(exc.orig, "sqlstate", None) not in MAY_NOT_MIGRATE:
            raise
        user = engine.url.username
        raise MigrationRefused(
            f"the database's schema is older than this trainops (or not there yet) and the role "
            f"{user!r} may not migrate it: set "
            "TRAINOPS_MIGRATION_DATABASE_URL to the owner's URL, or run `trainops db migrate` "
            "with it (docs/log-integrity.md)"
        ) from exc


def configured_migration_url(url: str) -> str | None:
    """The owner's URL from the settings, when ``url`` is the configured application URL."""
    from runtime.settings import get_settings

    settings = get_settings()
    if settings.migration_database_url is None or url != settings.database_url:
        return None
    return settings.migration_database_url.get_secret_value() or None


def open_database(
    url: str, *, migration_url: str | None = None, **engine_options: object
) -> Database:
    """The database at ``url``, migrated first. Migrations run with ``migration_url`` (default:
    TRAINOPS_MIGRATION_DATABASE_URL when ``url`` is TRAINOPS_DATABASE_URL, else ``url``); on
    PostgreSQL the application's role is then granted its privileges on any new table."""
    engine = make_engine(url, **engine_options)
    owner_url = migration_url or configured_migration_url(url)
    if owner_url is None or owner_url == url:
        try:
            migrate_all(engine)
        except DBAPIError as exc:
            if engine.dialect.name != "sqlite":  # a server that is down: waited for elsewhere
                raise
            engine.dispose()  # a file that is no database: one line, as every command says it
            raise CannotOpen(str(Path(make_url(url).database or "").resolve()),
                             database_reason(exc)) from exc  # fmt: skip
    else:
        owner = make_engine(owner_url, **engine_options)
        try:
            migrate_all(owner)
            app_role = make_url(url).username
            if owner.dialect.name == "postgresql" and app_role not in (
                None,
                make_url(owner_url).username,
            ):
                from runtime.db_roles import grant_app_role

                with owner.begin() as conn:
                    grant_app_role(conn, app_role)
                log.info("schema migrated by its owner", app_role=app_role)
        finally:
            owner.dispose()
    from runtime.settings import get_settings

    store = EventStore(engine, group_commit=get_settings().eventlog_group_commit)
    return Database(engine, store, NotificationService(engine), ProjectionRunner(store))


def open_existing_database(url: str) -> Database:
    """``open_database`` for commands that read or check what is there (``log verify``,
    ``config history``, ``keys list``, ``projections status``, ...): a database without the
    event log's tables (an SQLite file that does not exist, a PostgreSQL database or schema
    never migrated) is refused (``NoDatabase``), never created."""
    parsed = make_url(url)
    file = Path(parsed.database or ":memory:")
    if parsed.get_backend_name() == "sqlite":
        if file == Path(":memory:"):
            return open_database(url)  # always empty: nothing there to refuse
        if not file.exists():
            raise NoDatabase(str(file.resolve()))
    where = (
        str(file.resolve())
        if parsed.get_backend_name() == "sqlite"
        else parsed.render_as_string(hide_password=True)
    )
    try:
        if not has_event_log(url):
            raise NoDatabase(where)
    except DBAPIError as exc:  # no such database, a server that is down, a file that is not one
        raise CannotOpen(where, database_reason(exc)) from exc
    return open_database(url)


def check_sqlite_file(url: str, *, must_exist: bool) -> None:
    """For an SQLite URL: a file that is no database (or a folder) is ``CannotOpen``, said in
    one line before anything reads or writes it; a missing file, when ``must_exist``, is
    ``NoDatabase`` (a backup of a mistyped path must not create an empty database)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return
    path = Path(str(parsed.database))
    if not path.exists():
        if must_exist:
            raise NoDatabase(str(path.resolve()))
        return
    try:
        with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            conn.execute("PRAGMA schema_version").fetchone()
    except sqlite3.Error as exc:
        raise CannotOpen(str(path.resolve()), str(exc)) from exc


def has_event_log(url: str) -> bool:
    """Whether the database at ``url`` holds the event log's tables (on PostgreSQL, in the
    search path's schemas), asked without creating anything."""
    engine = make_engine(url)
    try:
        return inspect(engine).has_table(EVENT_LOG_VERSION_TABLE)
    finally:
        engine.dispose()
