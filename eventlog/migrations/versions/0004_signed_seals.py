"""Signed seals: each seal may carry the id of the key that signed it and the signature, so a
copy kept outside the database (the witness) can be checked against the published seal keys.

Seals taken before this revision stay unsigned (both columns NULL).

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("log_seals", sa.Column("key_id", sa.String(16), nullable=True))
    op.add_column("log_seals", sa.Column("signature", sa.String(200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("log_seals") as batch:
        batch.drop_column("signature")
        batch.drop_column("key_id")
