"""Sealed digests: periodic, chained (position, hash) checkpoints of the whole log.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "log_seals",
        sa.Column("seq", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("position", sa.BigInteger, nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("prev_seal_hash", sa.String(64), nullable=False),
        sa.Column("seal_hash", sa.String(64), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("log_seals")
