"""Usernames are unique whatever their case, in the database too.

``accounts.users`` refuses ``Alice`` beside ``alice`` before inserting; two accounts created at
the same instant could both pass that check. A unique index on ``lower(username)`` closes the
race. A database that already holds such a pair (made before the check existed) keeps working
without the index: the upgrade says which names collide, and the check still refuses new ones.

Revision ID: api_0005
Revises: api_0004
"""

import logging

import sqlalchemy as sa
from alembic import op

revision = "api_0005"
down_revision = "api_0004"
branch_labels = None
depends_on = None

INDEX = "ux_api_users_username_lower"


def upgrade() -> None:
    taken = op.get_bind().execute(
        sa.text(
            "SELECT lower(username) FROM api_users GROUP BY lower(username) HAVING count(*) > 1"
        )
    )
    collisions = sorted(taken.scalars())
    if collisions:
        logging.getLogger("trainops.migrations").warning(
            "usernames that differ only in case exist (%s): the case-blind unique index is "
            "not created; new look-alikes are still refused",
            ", ".join(collisions),
        )
        return
    op.create_index(INDEX, "api_users", [sa.text("lower(username)")], unique=True)


def downgrade() -> None:
    op.execute(sa.text(f"DROP INDEX IF EXISTS {INDEX}"))
