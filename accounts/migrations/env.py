"""Alembic environment: the shared one in ``eventlog.engine``."""

from eventlog.engine import run_migrations_here

run_migrations_here()
