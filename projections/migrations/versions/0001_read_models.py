"""Read models: program summaries, trainees, timeline, approval inbox, checkpoints.

Revision ID: read_models_0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "read_models_0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "projection_checkpoints",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "rm_programs",
        sa.Column("program_id", sa.String(100), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("specialist", sa.String(100), nullable=False, index=True),
        sa.Column("approvers", sa.JSON, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("timezone", sa.String(64), nullable=False),
        sa.Column("planned_date", sa.Date, nullable=False),
        sa.Column("period", sa.String(10), nullable=False, index=True),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("session_count", sa.Integer, nullable=False),
        sa.Column("planned_trainees", sa.Integer, nullable=False),
        sa.Column("enrolled", sa.Integer, nullable=False),
        sa.Column("attended", sa.Integer, nullable=False),
        sa.Column("approved", sa.Boolean, nullable=False),
        sa.Column("executed", sa.Boolean, nullable=False),
        sa.Column("executed_on", sa.Date, nullable=True),
        sa.Column("on_time", sa.Boolean, nullable=False),
        sa.Column("reminders_sent", sa.Integer, nullable=False),
        sa.Column("state", sa.JSON, nullable=False),
        sa.Column("last_position", sa.BigInteger, nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "rm_timeline",
        sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("program_id", sa.String(100), nullable=False, index=True),
        sa.Column("stream_version", sa.Integer, nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("actor", sa.String(100), nullable=False),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("summary", sa.Text, nullable=False),
    )
    op.create_table(
        "rm_inbox",
        sa.Column("task_id", sa.String(64), primary_key=True),
        sa.Column("program_id", sa.String(100), nullable=False, index=True),
        sa.Column("approver", sa.String(100), nullable=False, index=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("specialist", sa.String(100), nullable=False),
        sa.Column("planned_date", sa.Date, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("trainees", sa.Integer, nullable=False),
        sa.Column("sessions", sa.Integer, nullable=False),
        sa.Column("requested_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    for table in (
        "rm_inbox",
        "rm_timeline",
        "rm_programs",
        "projection_checkpoints",
    ):
        op.drop_table(table)
