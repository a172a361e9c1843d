"""The application's PostgreSQL role: what it may do, granted by the schema's owner.

Migrations run as the owner (``TRAINOPS_MIGRATION_DATABASE_URL``); the application connects as
a role that can append to the log and never change it:

=====================================  =====================================================
table                                  the application role may
=====================================  =====================================================
``events``, ``log_seals``              SELECT, INSERT
``log_head``                           SELECT, UPDATE (every append moves the head)
``*_schema_version``                   SELECT (to see that the schema is at head)
every other table of the schema        SELECT, INSERT, UPDATE, DELETE (read models, outbox,
                                       users and sessions, the event inbox)
sequences of the schema                USAGE, SELECT
the schema                             USAGE (not CREATE: no tables of its own)
the database (``replay_schemas``)      CREATE: ``trainops audit replay`` builds its scratch read
                                       models in a schema of its own
=====================================  =====================================================

Never TRUNCATE, REFERENCES or TRIGGER, and never ownership: only the owner can disable the
append-only triggers. Granting is "exactly": every privilege the role held on the schema's
tables and sequences is revoked first.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

APPEND_ONLY = frozenset({"events", "log_seals"})
HEAD = "log_head"
VERSION_SUFFIX = "_schema_version"
CHECKED = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")


class RoleError(ValueError):
    """The role cannot be made the application's role; the message says why, ``kind``
    (``not_postgresql``, ``no_role``, ``superuser``, ``no_log``, ``owner``) which, for the
    command line's words."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class TablePrivileges:
    table: str
    privileges: tuple[str, ...]


def app_privileges(table: str) -> tuple[str, ...]:
    """What the application role may do on ``table`` (the table in the module docstring)."""
    if table in APPEND_ONLY:
        return ("SELECT", "INSERT")
    if table == HEAD:
        return ("SELECT", "UPDATE")
    if table.endswith(VERSION_SUFFIX):
        return ("SELECT",)
    return ("SELECT", "INSERT", "UPDATE", "DELETE")


def _quote(conn: Connection, name: str) -> str:
    return conn.dialect.identifier_preparer.quote_identifier(name)


def _tables(conn: Connection, schema: str) -> list[str]:
    return list(
        conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = :s ORDER BY tablename"),
            {"s": schema},
        ).scalars()
    )


def grant_app_role(
    conn: Connection, role: str, *, schema: str | None = None, replay_schemas: bool | None = None
) -> list[TablePrivileges]:
    """Give ``role`` exactly the application's privileges on ``schema`` (default: the
    connection's current schema) and return what it now holds. Run as the schema's owner,
    after the migrations (tables created later need another run; ``open_database`` does it
    when it migrates with the owner's URL). ``replay_schemas``: grant (True) or revoke (False)
    CREATE on the database; None leaves it as it is."""
    if conn.dialect.name != "postgresql":
        raise RoleError(
            "not_postgresql", "database roles exist on PostgreSQL only (SQLite has no users)"
        )
    found = conn.execute(
        text("SELECT rolsuper, rolbypassrls FROM pg_roles WHERE rolname = :r"), {"r": role}
    ).first()
    if found is None:
        raise RoleError("no_role", f"no role {role!r}: CREATE ROLE {role} LOGIN PASSWORD '…' first")
    if found[0]:
        raise RoleError(
            "superuser", f"{role!r} is a superuser: privileges do not bind it; use another role"
        )
    schema = schema or str(conn.execute(text("SELECT current_schema()")).scalar_one())
    owner = conn.execute(
        text("SELECT tableowner FROM pg_tables WHERE schemaname = :s AND tablename = 'events'"),
        {"s": schema},
    ).scalar()
    if owner is None:
        raise RoleError("no_log", f"schema {schema!r} has no event log: run the migrations first")
    is_member = conn.execute(
        text("SELECT pg_has_role(:r, :o, 'MEMBER')"), {"r": role, "o": owner}
    ).scalar_one()
    if owner == role or is_member:
        raise RoleError(
            "owner",
            f"{role!r} owns the tables (or is a member of their owner {owner!r}): an owner can"
            " disable the append-only triggers; the application needs a role of its own",
        )
    r, s = _quote(conn, role), _quote(conn, schema)
    conn.execute(text(f"REVOKE ALL ON ALL TABLES IN SCHEMA {s} FROM {r}"))
    conn.execute(text(f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA {s} FROM {r}"))
    conn.execute(text(f"REVOKE ALL ON SCHEMA {s} FROM {r}"))
    conn.execute(text(f"GRANT USAGE ON SCHEMA {s} TO {r}"))
    for table in _tables(conn, schema):
        privileges = ", ".join(app_privileges(table))
        conn.execute(text(f"GRANT {privileges} ON {s}.{_quote(conn, table)} TO {r}"))
    conn.execute(text(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA {s} TO {r}"))
    if replay_schemas is not None:
        database = _quote(conn, str(conn.execute(text("SELECT current_database()")).scalar()))
        verb = (
            "GRANT CREATE ON DATABASE {} TO {}"
            if replay_schemas
            else "REVOKE CREATE ON DATABASE {} FROM {}"
        )
        conn.execute(text(verb.format(database, r)))
    return held_privileges(conn, role, schema)


def held_privileges(conn: Connection, role: str, schema: str) -> list[TablePrivileges]:
    """What ``role`` may do on each table of ``schema``, however it got it (PUBLIC included)."""
    held = []
    for table in _tables(conn, schema):
        name = f"{_quote(conn, schema)}.{_quote(conn, table)}"
        privileges = tuple(
            privilege
            for privilege in CHECKED
            if conn.execute(
                text("SELECT has_table_privilege(:r, :t, :p)"),
                {"r": role, "t": name, "p": privilege},
            ).scalar_one()
        )
        held.append(TablePrivileges(table, privileges))
    return held


def excess_privileges(held: list[TablePrivileges]) -> list[str]:
    """Privileges beyond the application's (e.g. granted to PUBLIC): each a sentence."""
    return [
        f"{entry.table}: {', '.join(extra)}"
        for entry in held
        if (extra := [p for p in entry.privileges if p not in app_privileges(entry.table)])
    ]
