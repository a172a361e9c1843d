"""The programs per trainee (named on the plan, enrolled), for a trainee's own pages.

Read models are derived data: this migration empties them and resets the checkpoint, so the
projector folds the whole log again, into the new table too, on its next run.

Revision ID: read_models_0004_trainees
Revises: read_models_0003_evaluation
"""

import sqlalchemy as sa
from alembic import op

revision = "read_models_0004_trainees"
down_revision = "read_models_0003_evaluation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rm_trainees",
        sa.Column("program_id", sa.String(100), primary_key=True),
        sa.Column("trainee", sa.String(100), primary_key=True),
        sa.Column("enrolled", sa.Boolean, nullable=False),
    )
    op.create_index("ix_rm_trainees_trainee", "rm_trainees", ["trainee"])
    for table in (
        "rm_inbox",
        "rm_timeline",
        "rm_programs",
        "rm_eval_responses",
        "rm_eval_items",
        "rm_reference",
        "rm_metrics",
        "rm_roi_lines",
    ):
        op.execute(f"DELETE FROM {table}")
    op.execute("UPDATE projection_checkpoints SET position = 0")


def downgrade() -> None:
    raise NotImplementedError("read models are rebuilt from the log; restore from a backup")
