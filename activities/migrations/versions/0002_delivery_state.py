"""Delivery state per notification: channel address, status, attempts, last error.

Revision ID: outbox_0002
Revises: outbox_0001
"""

import sqlalchemy as sa
from alembic import op

revision = "outbox_0002"
down_revision = "outbox_0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        batch.add_column(sa.Column("address", sa.String(300), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("status", sa.String(20), nullable=False, server_default="delivered")
        )
        batch.add_column(sa.Column("attempts", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("last_error", sa.Text, nullable=True))
        batch.add_column(sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notifications") as batch:
        for column in ("delivered_at", "last_error", "attempts", "status", "address"):
            batch.drop_column(column)
