"""Timeline messages: each entry keeps its summary's message keys and parameters, so a page
shows it in the reader's language (rows written before stay English until a rebuild).

Revision ID: read_models_0006_messages
Revises: read_models_0005_quarantine
"""

import sqlalchemy as sa
from alembic import op

revision = "read_models_0006_messages"
down_revision = "read_models_0005_quarantine"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("rm_timeline", sa.Column("message", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("rm_timeline", "message")
