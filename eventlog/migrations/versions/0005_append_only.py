"""The database keeps the log append-only: rows of ``events`` and ``log_seals`` can be inserted
and read, never updated or deleted (nor truncated, on PostgreSQL), whoever asks.

Until now append-only was a convention of the code: anyone holding the application's database
user could rewrite a row and re-chain the rest. Triggers refuse it for every role, the owner
included; only someone able to drop or disable a trigger (the owner, a superuser, or on SQLite
whoever can write the file) can still change history, and ``docs/log-maintenance.md`` is the
procedure for doing that on purpose. ``log_head`` stays updatable: every append moves it.

The DDL is written out here, not imported, so this revision keeps doing what it did when later
code changes. NOTE for later SQLite migrations: a batch migration that recreates ``events`` or
``log_seals`` drops their triggers; it must create them again.

Revision ID: 0005
Revises: 0004
"""

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TABLES = ("events", "log_seals")

_PG_FUNCTION = """
CREATE OR REPLACE FUNCTION trainops_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'trainops: % on % refused: the event log is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege',
              HINT = 'Corrections are new events; see docs/log-maintenance.md.';
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for table in TABLES:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table}"
                " FOR EACH ROW EXECUTE FUNCTION trainops_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table}"
                " FOR EACH STATEMENT EXECUTE FUNCTION trainops_append_only()"
            )
        return
    for table in TABLES:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{operation.lower()} BEFORE {operation} ON {table}"
                f" BEGIN SELECT RAISE(ABORT, 'trainops: {operation} on {table} refused:"
                " the event log is append-only'); END"
            )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_truncate ON {table}")
        op.execute("DROP FUNCTION IF EXISTS trainops_append_only()")
        return
    for table in TABLES:
        for operation in ("update", "delete"):
            op.execute(f"DROP TRIGGER IF EXISTS {table}_no_{operation}")
