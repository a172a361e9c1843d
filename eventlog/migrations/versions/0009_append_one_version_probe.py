"""The append procedure checks the stream's version with a plan made for each call.

``trainops_append_one`` (0008) read the stream's version with a statement PL/pgSQL prepares once
per connection. A connection that first appended while ``events`` was nearly empty kept the plan
made then: read every row of the stream and take the largest version. Appends to a long stream
on such a connection slowed with the stream's length (measured: 1.3 ms an append at 2,000 rows
of one stream, 5.3 ms at 12,000), and the append connection is kept for a process's whole life.
Now the check is planned for each call (``EXECUTE``), so it is one probe down the
``(stream_id, stream_version)`` index whatever the table looked like before. Everything else is
unchanged; the DDL is written out here, not imported, so this revision keeps doing what it did.

Revision ID: 0009
Revises: 0008
"""

from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: The procedure as 0008 wrote it, but for its version check (``{check}``): this revision's
#: planned for each call, or 0008's own (restored by a downgrade).
_PROCEDURE = """
        CREATE OR REPLACE PROCEDURE trainops_append_one(
            p_stream text, p_expected integer, p_prefix bytea, p_suffix bytea,
            p_event_id uuid, p_event_type text, p_schema_version integer,
            p_payload json, p_metadata json, p_occurred timestamptz, p_recorded timestamptz,
            INOUT o_position bigint DEFAULT NULL, INOUT o_hash text DEFAULT NULL)
        LANGUAGE plpgsql AS $$
        DECLARE
            head_position bigint;
            head_hash text;
            current_version integer;
        BEGIN
            PERFORM set_config('synchronous_commit', 'off', true);
            SELECT position, hash INTO head_position, head_hash
                FROM log_head WHERE id = 1 FOR UPDATE;
            {check}
            IF coalesce(current_version, 0) <> p_expected THEN
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
_PLANNED_EACH_CALL = (
    "EXECUTE 'SELECT stream_version FROM events WHERE stream_id = $1'\n"
    "                ' ORDER BY stream_version DESC LIMIT 1' INTO current_version USING p_stream;"
)
_CACHED_PLAN_0008 = (
    "current_version := (SELECT max(stream_version) FROM events WHERE stream_id = p_stream);"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PROCEDURE.replace("{check}", _PLANNED_EACH_CALL))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PROCEDURE.replace("{check}", _CACHED_PLAN_0008))
