"""Expired browser sessions are found by index.

Each sign-in removes the sessions that have expired (``DELETE … WHERE expires_at < now``);
without an index on ``expires_at`` that read the whole table on every sign-in.

Revision ID: api_0007
Revises: api_0006
"""

from alembic import op

revision = "api_0007"
down_revision = "api_0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_api_sessions_expires_at", "api_sessions", ["expires_at"])


def downgrade() -> None:
    op.drop_index("ix_api_sessions_expires_at", "api_sessions")
