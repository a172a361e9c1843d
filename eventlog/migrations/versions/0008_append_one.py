"""One event appended and chained by PostgreSQL in one call (PostgreSQL only).

``trainops_append_one`` locks the ``log_head`` row, checks the stream's version, hashes
``prev || prefix || position || suffix`` (the row's canonical bytes, split by the client around
the one value it cannot know), moves the head and inserts the row; then it commits that
transaction without waiting for its WAL flush (so the head's lock is held for microseconds,
never through a flush) and, in a second transaction, writes a tiny synchronously committed
message: PostgreSQL flushes the WAL up to that commit record, which comes after the append's,
before the call answers. Writers in separate processes share flushes this way.

Before, the client sent the same work as two statements in a psycopg pipeline; as one call it
is one statement and one round trip, without the pipeline's client-side cost. Returns the new
position and hash, or NULLs (having written nothing) when the stream is not at the expected
version. The DDL is written out here, not imported, so this revision keeps doing what it did
when later code changes.

Revision ID: 0008
Revises: 0007
"""

from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # Each statement of a PL/pgSQL body takes a new snapshot (READ COMMITTED), so the version
    # check after the head's lock sees every append committed before the lock was granted.
    # COMMIT inside a procedure needs a CALL outside any transaction block: the store calls
    # it in autocommit.
    op.execute(
        """
        CREATE PROCEDURE trainops_append_one(
            p_stream text, p_expected integer, p_prefix bytea, p_suffix bytea,
            p_event_id uuid, p_event_type text, p_schema_version integer,
            p_payload json, p_metadata json, p_occurred timestamptz, p_recorded timestamptz,
            INOUT o_position bigint DEFAULT NULL, INOUT o_hash text DEFAULT NULL)
        LANGUAGE plpgsql AS $$
        DECLARE
            head_position bigint;
            head_hash text;
        BEGIN
            PERFORM set_config('synchronous_commit', 'off', true);
            SELECT position, hash INTO head_position, head_hash
                FROM log_head WHERE id = 1 FOR UPDATE;
            IF coalesce((SELECT max(stream_version) FROM events WHERE stream_id = p_stream), 0)
                    <> p_expected THEN
                RETURN;
            END IF;
            o_position := head_position + 1;
            o_hash := encode(sha256(decode(head_hash, 'hex') || p_prefix
                || convert_to(o_position::text, 'UTF8') || p_suffix), 'hex');
            UPDATE log_head SET position = o_position, hash = o_hash WHERE id = 1;
            INSERT INTO events (position, stream_id, stream_version, event_id, event_type,
                schema_version, payload, metadata, occurred_at, recorded_at, prev_hash, hash)
            VALUES (o_position, p_stream, p_expected + 1, p_event_id, p_event_type,
                p_schema_version, p_payload, p_metadata, p_occurred, p_recorded, head_hash,
                o_hash);
            COMMIT;
            PERFORM pg_logical_emit_message(true, 'trainops.flush', '');
        END
        $$
        """
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "DROP PROCEDURE IF EXISTS trainops_append_one(text, integer, bytea, bytea, uuid,"
            " text, integer, json, json, timestamptz, timestamptz, bigint, text)"
        )
