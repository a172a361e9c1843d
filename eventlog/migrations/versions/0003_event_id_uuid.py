"""Event ids as PostgreSQL's native uuid: 16 bytes instead of 37 in the row and its unique
index, and compared as numbers, not strings. SQLite keeps its 36-character text.

Revision ID: 0003
Revises: 0002
"""

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE events ALTER COLUMN event_id TYPE uuid USING event_id::uuid")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE events ALTER COLUMN event_id TYPE varchar(36) USING event_id::text")
