"""Evaluation read models: survey/exam answers, graded items, reference data, metrics, ROI.

Read models are derived data: this migration empties them and resets the checkpoint, so the
projector folds the whole log again, into the new tables too, on its next run.

Revision ID: read_models_0003_evaluation
Revises: read_models_0002
"""

import sqlalchemy as sa
from alembic import op

revision = "read_models_0003_evaluation"
down_revision = "read_models_0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_eval_responses",
        sa.Column("program_id", sa.String(100), primary_key=True),
        sa.Column("trainee", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("dimension", sa.String(100), primary_key=True),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("event_type", sa.String(100), nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "rm_eval_items",
        sa.Column("program_id", sa.String(100), primary_key=True),
        sa.Column("trainee", sa.String(100), primary_key=True),
        sa.Column("question_id", sa.String(100), primary_key=True),
        sa.Column("knowledge_point", sa.String(200), nullable=False),
        sa.Column("correct", sa.Boolean, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "rm_reference",
        sa.Column("kind", sa.String(30), primary_key=True),
        sa.Column("record_id", sa.String(100), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.create_table(
        "rm_metrics",
        sa.Column("employee_id", sa.String(100), primary_key=True),
        sa.Column("metric", sa.String(100), primary_key=True),
        sa.Column("period", sa.String(20), primary_key=True),
        sa.Column("value", sa.Float, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.create_index("ix_rm_metrics_metric_period", "rm_metrics", ["metric", "period"])
    op.create_table(
        "rm_roi_lines",
        sa.Column("program_id", sa.String(100), primary_key=True),
        sa.Column("kind", sa.String(10), primary_key=True),
        sa.Column("line_id", sa.String(100), primary_key=True),
        sa.Column("data", sa.JSON, nullable=False),
        sa.Column("position", sa.BigInteger, nullable=False),
    )
    op.execute("DELETE FROM rm_inbox")
    op.execute("DELETE FROM rm_timeline")
    op.execute("DELETE FROM rm_programs")
    op.execute("UPDATE projection_checkpoints SET position = 0")


def downgrade() -> None:
    raise NotImplementedError("read models are rebuilt from the log; restore from a backup")
