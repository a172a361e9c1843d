"""Engines set up the way the log needs them, and schema migrations run from code."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url

from domain.canonical import encode_json
from runtime.errors import StartupError

#: Execution option naming how a SQLite transaction begins; readers pass "DEFERRED".
SQLITE_BEGIN = "sqlite_begin"
READ_ONLY = {SQLITE_BEGIN: "DEFERRED"}


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for ``url``. On SQLite: WAL, a busy timeout, and ``BEGIN IMMEDIATE`` so that a
    writer takes the write lock before it reads the head of the log."""
    parsed = make_url(url)
    # Every JSON column is written in the canonical encoding: a log row's stored text is then
    # the very bytes its hash covers, so `log verify` hashes it without decoding it.
    kwargs.setdefault("json_serializer", encode_json)
    if parsed.get_backend_name() != "sqlite":
        kwargs.setdefault("pool_size", 10)
        kwargs.setdefault("max_overflow", 20)
        kwargs.setdefault("pool_recycle", 1800)
        # A connection the server dropped (a restart, a failover, an idle timeout) is replaced
        # on checkout instead of failing the next statement: one round trip per checkout.
        kwargs.setdefault("pool_pre_ping", True)
        return create_engine(url, **kwargs)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30}, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        mode = conn.get_execution_options().get(SQLITE_BEGIN, "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


class SchemaTooNew(StartupError, RuntimeError):
    """The database was migrated by a newer trainops than this one; the message says which."""


def _refuse_unknown_revisions(conn: Any, script: Any, version_table: str) -> None:
    """A revision this code does not know was written by a newer release: running on it
    (or "upgrading" past it) could damage data, so stop with a message instead."""
    from alembic.runtime.migration import MigrationContext

    current = MigrationContext.configure(
        conn, opts={"version_table": version_table}
    ).get_current_heads()
    known = {revision.revision for revision in script.walk_revisions()}
    unknown = sorted(set(current) - known)
    if unknown:
        raise SchemaTooNew(
            f"the database's schema is newer than this trainops: {version_table} is at "
            f"{', '.join(unknown)}, and the newest this version knows is "
            f"{script.get_current_head()}; run the trainops release that migrated it (or a later "
            "one), or restore a backup taken before the upgrade"
        )


def run_migrations(
    engine: Engine, script_location: Path, version_table: str, target: str = "head"
) -> None:
    """Upgrade one migration tree to its head (or ``target``, for tests of an upgrade); each
    tree keeps its own version table."""
    from alembic import command  # here, not at the top: alembic costs 0.15 s to import
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes["version_table"] = version_table
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            # Several workers starting at once must not run the same migration twice.
            conn.execute(
                text("SELECT pg_advisory_xact_lock(hashtext(:name))"), {"name": version_table}
            )
        _refuse_unknown_revisions(conn, ScriptDirectory.from_config(config), version_table)
        config.attributes["connection"] = conn
        command.upgrade(config, target)


#: The event log's migration version table: a database without it was never migrated.
EVENT_LOG_VERSION_TABLE = "eventlog_schema_version"


def migrate(engine: Engine, target: str = "head") -> None:
    """Create or upgrade the event log's tables."""
    run_migrations(engine, Path(__file__).parent / "migrations", EVENT_LOG_VERSION_TABLE, target)


def run_migrations_here() -> None:
    """The body of every migration tree's ``env.py``: migrate on the connection handed in by
    ``run_migrations``, recording the tree's own version table."""
    from alembic import context

    config = context.config
    connection = config.attributes["connection"]
    context.configure(
        connection=connection,
        target_metadata=None,
        version_table=config.attributes["version_table"],
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
