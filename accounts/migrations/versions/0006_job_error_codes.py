"""A failed import job keeps why it failed by message key, so each reader reads it in their
own language (the English stays in ``error``).

Revision ID: api_0006
Revises: api_0005
"""

import sqlalchemy as sa
from alembic import op

revision = "api_0006"
down_revision = "api_0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("api_import_jobs") as table:
        table.add_column(sa.Column("error_code", sa.String(60), nullable=True))
        table.add_column(sa.Column("error_params", sa.Text, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("api_import_jobs") as table:
        table.drop_column("error_params")
        table.drop_column("error_code")
