"""An inbox where appends from many processes wait to be sequenced together (PostgreSQL only).

Writers in separate processes used to take turns on the ``log_head`` row lock, each holding it
across its round trips and its own commit's WAL flush: 16 processes appended fewer events per
second than one. Now a writer that finds others writing puts its append here (an UNLOGGED
table: its commit writes no WAL and waits for no flush) and then takes the head lock; whoever
holds it moves every waiting append into ``events`` in one transaction, one flush for all.
Positions and the hash chain are still assigned under the head lock, in the order of
``events.position``, so readers and ``log verify`` see no difference. A crash empties the
inbox: only appends that were not yet in ``events``, whose writers had not been answered, are
lost, and they retry.

SQLite has one writer at a time and never uses it. The DDL is written out here, not imported,
so this revision keeps doing what it did when later code changes.

Revision ID: 0006
Revises: 0005
"""

from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        """
        CREATE UNLOGGED TABLE event_inbox (
            seq bigserial PRIMARY KEY,
            append_id uuid NOT NULL,
            event_count integer NOT NULL,
            event_index integer NOT NULL,
            stream_id text NOT NULL,
            expected_version integer NOT NULL,
            event_id uuid NOT NULL,
            event_type text NOT NULL,
            schema_version integer NOT NULL,
            payload text NOT NULL,
            metadata text NOT NULL,
            occurred_at timestamptz NOT NULL,
            refused boolean NOT NULL DEFAULT false,
            staged_at timestamptz NOT NULL DEFAULT now()
        )
        """
    )
    op.execute("CREATE INDEX ix_event_inbox_append_id ON event_inbox (append_id)")
    # A writer waits here for the sequencer at work (if any) and reads how its appends fared,
    # in one statement. The sequencer holds an advisory lock named after the schema; waiting
    # for it in shared mode writes nothing (a row lock would: WAL, and a flush at commit), and
    # the writer's connection is in autocommit, so the lock goes when the statement ends. Each
    # statement of a volatile function sees what committed before it began, so the read sees
    # the sequencer's commit.
    op.execute(
        """
        CREATE FUNCTION trainops_inbox_wait(appends uuid[], firsts uuid[])
        RETURNS TABLE (staged_id uuid, is_refused boolean, first_position bigint)
        LANGUAGE plpgsql VOLATILE AS $$
        BEGIN
            PERFORM pg_advisory_xact_lock_shared(hashtext(current_schema() || '.event_inbox'));
            RETURN QUERY
                SELECT a.id,
                       (SELECT bool_or(i.refused) FROM event_inbox i WHERE i.append_id = a.id),
                       (SELECT e.position FROM events e WHERE e.event_id = a.first)
                FROM unnest(appends, firsts) AS a(id, first);
        END
        $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS trainops_inbox_wait(uuid[], uuid[])")
        op.execute("DROP TABLE IF EXISTS event_inbox")
