"""What a schema is made of, read back from a live database, to compare an upgraded database
with a fresh install: tables, columns, keys, indexes, constraints and triggers (with the
functions PostgreSQL's triggers call)."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import Engine, inspect, text


def _columns(inspector: Any, table: str) -> dict[str, tuple[str, bool, str | None]]:
    return {
        c["name"]: (str(c["type"]), bool(c["nullable"]), _default(c.get("default")))
        for c in inspector.get_columns(table)
    }


def _default(value: object) -> str | None:
    """Server defaults as written; PostgreSQL renders the same default with or without a cast
    depending on how it was declared, which is not a difference in the schema."""
    if value is None:
        return None
    return re.sub(r"::[a-z ]+$", "", str(value)).strip("'")


def _triggers(engine: Engine, schema: str | None) -> dict[str, str]:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            rows = conn.execute(
                text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            ).all()
            return {name: " ".join(sql.split()) for name, sql in rows}
        rows = conn.execute(
            text(
                "SELECT t.tgname, pg_get_triggerdef(t.oid) FROM pg_trigger t "
                "JOIN pg_class c ON c.oid = t.tgrelid "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE NOT t.tgisinternal AND n.nspname = :schema"
            ),
            {"schema": schema},
        ).all()
        functions = conn.execute(
            text(
                "SELECT p.proname, p.prosrc FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = :schema"
            ),
            {"schema": schema},
        ).all()
    found = {name: definition.replace(f"{schema}.", "") for name, definition in rows}
    found |= {f"function {name}": " ".join(source.split()) for name, source in functions}
    return found


def schema_of(engine: Engine) -> dict[str, Any]:
    """Everything a migration defines, in a form two databases can be compared by."""
    inspector = inspect(engine)
    schema = inspector.default_schema_name if engine.dialect.name == "postgresql" else None
    tables = sorted(inspector.get_table_names())
    return {
        "tables": tables,
        "columns": {t: _columns(inspector, t) for t in tables},
        "primary keys": {t: inspector.get_pk_constraint(t)["constrained_columns"] for t in tables},
        "indexes": {
            t: sorted(
                (i["name"], tuple(i["column_names"]), bool(i["unique"]))
                for i in inspector.get_indexes(t)
            )
            for t in tables
        },
        "unique": {
            t: sorted(tuple(u["column_names"]) for u in inspector.get_unique_constraints(t))
            for t in tables
        },
        "foreign keys": {
            t: sorted(
                (tuple(f["constrained_columns"]), f["referred_table"], tuple(f["referred_columns"]))
                for f in inspector.get_foreign_keys(t)
            )
            for t in tables
        },
        "checks": {
            t: sorted(
                " ".join(str(c["sqltext"]).split()) for c in inspector.get_check_constraints(t)
            )
            for t in tables
        },
        "triggers": _triggers(engine, schema),
    }
