"""The inbox per person who sees a task (assigned, group candidate, delegate).

Read models are derived data: this migration empties them and resets the checkpoint, so the
projector rebuilds every read model from the log on its next run.

Revision ID: read_models_0002
Revises: read_models_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "read_models_0002"
down_revision = "read_models_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_table("rm_inbox")
    op.create_table(
        "rm_inbox",
        sa.Column("task_id", sa.String(64), primary_key=True),
        sa.Column("person", sa.String(100), primary_key=True),
        sa.Column("relation", sa.String(20), nullable=False),
        sa.Column("program_id", sa.String(100), nullable=False, index=True),
        sa.Column("step_id", sa.String(64), nullable=False),
        sa.Column("step_name", sa.String(200), nullable=False),
        sa.Column("task_group", sa.String(64), nullable=True),
        sa.Column("owner", sa.String(100), nullable=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("specialist", sa.String(100), nullable=False),
        sa.Column("department", sa.String(100), nullable=True),
        sa.Column("budget", sa.String(32), nullable=False),
        sa.Column("planned_date", sa.Date, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("trainees", sa.Integer, nullable=False),
        sa.Column("sessions", sa.Integer, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("due_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_rm_inbox_person", "rm_inbox", ["person"])
    op.execute("DELETE FROM rm_timeline")
    op.execute("DELETE FROM rm_programs")
    op.execute("UPDATE projection_checkpoints SET position = 0")


def downgrade() -> None:
    raise NotImplementedError("read models are rebuilt from the log; restore from a backup")
