"""Quarantined events: an event a projection cannot fold is set aside here, and the rest go on.

Revision ID: read_models_0005_quarantine
Revises: read_models_0004_trainees
"""

import sqlalchemy as sa
from alembic import op

revision = "read_models_0005_quarantine"
down_revision = "read_models_0004_trainees"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projection_quarantine",
        sa.Column("projection", sa.String(100), primary_key=True),
        sa.Column("position", sa.BigInteger, primary_key=True),
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("event_type", sa.String(200), nullable=False),
        sa.Column("error", sa.Text, nullable=False),
        sa.Column("quarantined_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("projection_quarantine")
