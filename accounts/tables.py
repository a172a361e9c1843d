"""The tables this package owns (its own Alembic version table) and their migration."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Boolean, Column, Engine, ForeignKey, MetaData, String, Table

from eventlog.engine import run_migrations
from eventlog.schema import UtcDateTime

metadata = MetaData()

users = Table(
    "api_users",
    metadata,
    Column("username", String(100), primary_key=True),
    Column("display_name", String(200), nullable=False),
    Column("password_hash", String(300), nullable=False),
    Column("active", Boolean, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
)
user_roles = Table(
    "api_user_roles",
    metadata,
    Column("username", String(100), ForeignKey("api_users.username"), primary_key=True),
    Column("role", String(20), primary_key=True),
)
tokens = Table(
    "api_tokens",
    metadata,
    Column("token_id", String(32), primary_key=True),
    Column("username", String(100), ForeignKey("api_users.username"), nullable=False),
    Column("label", String(100), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", UtcDateTime, nullable=False),
    Column("revoked_at", UtcDateTime, nullable=True),
    Column("expires_at", UtcDateTime, nullable=True),
    Column("roles", String(200), nullable=True),
)
sessions = Table(
    "api_sessions",
    metadata,
    Column("session_hash", String(64), primary_key=True),
    Column("username", String(100), ForeignKey("api_users.username"), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)


def migrate_users(engine: Engine) -> None:
    """Create or upgrade the tables this package owns (its own Alembic version table)."""
    run_migrations(engine, Path(__file__).parent / "migrations", "api_schema_version")
