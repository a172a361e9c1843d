"""The timeline read a page at a time, and whether a person acted on a program, by index.

A program's page and the API read its newest timeline lines (``program_id``, then ``position``
descending) and ask whether the viewer acted on it (``program_id``, ``actor``); with the index on
``program_id`` alone both read every line of the program (100,000 and more for 50,000 trainees).

Revision ID: read_models_0008_timeline_pages
Revises: read_models_0007_attendance
"""

from alembic import op

revision = "read_models_0008_timeline_pages"
down_revision = "read_models_0007_attendance"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_rm_timeline_program_position", "rm_timeline", ["program_id", "position"])
    op.create_index("ix_rm_timeline_program_actor", "rm_timeline", ["program_id", "actor"])


def downgrade() -> None:
    op.drop_index("ix_rm_timeline_program_actor", "rm_timeline")
    op.drop_index("ix_rm_timeline_program_position", "rm_timeline")
