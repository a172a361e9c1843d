"""A write-side index of each program's roster, so a workflow carries no per-trainee lists.

``roster_facts`` holds one row per fact about a trainee of a program stream: planned, enrolled,
attended a session, surveyed, examined, or an exam score pending confirmation (``detail`` holds
the pending event as JSON); ``seq`` is the stream version of the event that made the fact
(enrolment order). ``roster_heads`` says up to which stream version a stream is indexed. The
index is derived from the log and brought up to date by the activity that reads it, so it can
be dropped and rebuilt at any time; it is not part of the chain.

The DDL is written out here, not imported, so this revision keeps doing what it did when later
code changes.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "roster_heads",
        sa.Column("stream_id", sa.String(200), primary_key=True),
        sa.Column("indexed_version", sa.Integer, nullable=False),
    )
    op.create_table(
        "roster_facts",
        sa.Column("stream_id", sa.String(200), nullable=False),
        sa.Column("trainee", sa.String(200), nullable=False),
        sa.Column("fact", sa.String(220), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("detail", sa.Text, nullable=True),
        sa.PrimaryKeyConstraint("stream_id", "trainee", "fact", name="pk_roster_facts"),
    )
    op.create_index("ix_roster_facts_fact", "roster_facts", ["stream_id", "fact", "seq"])


def downgrade() -> None:
    op.drop_table("roster_facts")
    op.drop_table("roster_heads")
