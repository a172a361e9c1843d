"""``trainops db``: the operator's commands for the database that keeps the log.

- ``migrate``: run every migration with the owner's URL (TRAINOPS_MIGRATION_DATABASE_URL);
- ``grant-app-role ROLE``: give the application's role exactly what it needs (append to the
  log, never change it; ``runtime.db_roles``);
- ``record-maintenance``: the first step of the owner-only procedure of
  docs/log-maintenance.md, a ``LogMaintenance`` event saying why the log is about to change.

Also the witness check behind ``trainops log verify --witness DIR``.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated
from uuid import uuid4

import typer
from pydantic import ValidationError
from rich.text import Text
from sqlalchemy import text

from audit.seal_keys import seal_keys
from audit.verify import VerifyReport, verify_audit
from audit.witness import WitnessError, load_witness
from domain.events import LogMaintenance
from domain.streams import MAINTENANCE_STREAM
from eventlog import NewEvent
from eventlog.engine import make_engine
from runtime.db_roles import RoleError, excess_privileges, grant_app_role
from runtime.settings import get_settings
from services.database import (
    Database,
    MigrationRefused,
    check_sqlite_file,
    migrate_all,
    open_existing_database,
)
from trainops.language import language, t, unreadable
from trainops.lazy import command_group
from trainops.render import console, fail, print_json, print_line, rows_table

db_app = command_group(
    no_args_is_help=True,
    help="The database: migrate as its owner, restrict the application's role, maintenance.",
)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _owner_url(*, must_exist: bool = False) -> str:
    """The owner's database URL; an SQLite file there that is no database is said in one line
    (exit 78), as every command says it, before anything opens it."""
    settings = get_settings()
    url = (
        settings.migration_database_url.get_secret_value()
        if settings.migration_database_url is not None
        else settings.database_url
    )
    check_sqlite_file(url, must_exist=must_exist)
    return url


@db_app.command()
def migrate() -> None:
    """Create or upgrade every table, as the owner (TRAINOPS_MIGRATION_DATABASE_URL, else
    TRAINOPS_DATABASE_URL)."""
    engine = make_engine(_owner_url())
    try:
        migrate_all(engine)
    except MigrationRefused as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    console.print(
        Text.assemble((t("migrated"), "green"), t(": every table is at its newest schema"))
    )


@db_app.command("grant-app-role")
def grant_app_role_command(
    role: Annotated[str, typer.Argument(help="The role the application connects as.")],
    schema: Annotated[
        str | None, typer.Option(help="The schema of the tables (default: the owner's current).")
    ] = None,
    replay_schemas: Annotated[
        bool,
        typer.Option(
            help="Also CREATE on the database, for `audit replay`'s scratch schemas "
            "(--no-replay-schemas: replay needs --scratch-url then)."
        ),
    ] = True,
    as_json: AsJson = False,
) -> None:
    """Give ROLE exactly the application's privileges (PostgreSQL; run as the owner).

    ROLE may append to events and log_seals and read them, but not update, delete or
    truncate them; it moves log_head, reads the version tables, and reads and writes the
    read models, outbox and users. Everything else it held on the schema is revoked."""
    engine = make_engine(_owner_url())
    try:
        migrate_all(engine)
        with engine.begin() as conn:
            held = grant_app_role(conn, role, schema=schema, replay_schemas=replay_schemas)
            schema_create = conn.execute(
                text("SELECT has_schema_privilege(:r, coalesce(:s, current_schema()), 'CREATE')"),
                {"r": role, "s": schema},
            ).scalar_one()
    except RoleError as exc:
        raise fail(_role_problem(exc, role)) from exc
    except MigrationRefused as exc:
        raise fail(str(exc)) from exc
    finally:
        engine.dispose()
    warnings = excess_privileges(held)
    if schema_create:
        warnings.append(
            "the schema: CREATE (granted to PUBLIC? REVOKE CREATE ON SCHEMA … FROM PUBLIC)"
        )
    if as_json:
        print_json(
            {
                "role": role,
                "tables": {entry.table: list(entry.privileges) for entry in held},
                "excess": warnings,
            }
        )
    else:
        rows_table(
            t("privileges of {role}", role=role),
            [{"table": e.table, "privileges": ", ".join(e.privileges)} for e in held],
            ["table", "privileges"],
        )
        for warning in warnings:
            label = (t("more than the application needs"), "yellow")
            print_line(Text.assemble(label, f": {warning}"))
    if warnings:
        raise typer.Exit(1)


@db_app.command("record-maintenance")
def record_maintenance(
    reason: Annotated[str, typer.Option(help="Why the log must change (at least 10 characters).")],
    actor: Annotated[str, typer.Option("--as", help="Who does it (person id).")],
    statement: Annotated[
        list[str] | None,
        typer.Option(help="An SQL statement you are about to run (repeatable)."),
    ] = None,
    sql_file: Annotated[
        Path | None, typer.Option(help="…or the file of statements you are about to run.")
    ] = None,
    ticket: Annotated[str, typer.Option(help="The change ticket or legal reference.")] = "",
) -> None:
    """Step 1 of docs/log-maintenance.md: record, in the log, why and what before changing it."""
    statements = list(statement or ())
    if sql_file is not None:
        try:
            statements.append(sql_file.read_text(encoding="utf-8"))
        except OSError as exc:
            raise fail(
                t("cannot read {path}: {reason}", path=sql_file, reason=unreadable(exc))
            ) from exc
    if not statements:
        raise fail(t("name the statements you will run (--statement or --sql-file)"))
    database = open_existing_database(get_settings().database_url)
    try:
        position, head = database.store.head()
        try:
            event = LogMaintenance(
                reason=reason,
                ticket=ticket,
                statements=statements,
                head_position=position,
                head_hash=head,
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise fail(f"{where}: {first['msg']}") from exc
        result = database.store.append(
            MAINTENANCE_STREAM,
            database.store.stream_version(MAINTENANCE_STREAM),
            [
                NewEvent.of(
                    event,
                    event_id=uuid4(),
                    occurred_at=datetime.now(UTC),
                    metadata={"actor": actor, "role": "owner"},
                )
            ],
        )
    finally:
        database.close()
    rest = t(
        " LogMaintenance at position {position}. Now run the statements as the owner inside one "
        "transaction (docs/log-maintenance.md), then `trainops audit seal`.",
        position=result.first_position,
    )
    print_line(Text.assemble((t("recorded"), "green"), rest))


# ---------------------------------------------------------------------- log verify --witness


def print_report(report: VerifyReport) -> None:
    """Problems, failed checkpoints, and one line per kind of checkpoint that all passed."""
    for checkpoint in report.checkpoints:
        if not checkpoint.ok:
            head = t(
                "{label} at position {position}: ",
                label=checkpoint.label,
                position=checkpoint.position,
            )
            from services.audit_texts import audit_detail

            said = audit_detail(checkpoint.detail, language())
            print_line(Text.assemble(head, (t("FAILED"), "red"), f" ({said})"))
    for source in ("seal", "digest", "witness"):
        passed = [c for c in report.checkpoints if c.source == source and c.ok]
        if passed:
            text = t(
                "{count} {source} checkpoint(s) ok, last at position {position}",
                count=len(passed),
                source=source,
                position=max(c.position for c in passed),
            )
            console.print(text, markup=False)
    if report.ok:
        print_intact(report.checked, report.head_position, report.head_hash)
        text = t(
            "{count} witness seal(s) checked; seal keys: {keys}",
            count=report.witnessed,
            keys=", ".join(report.seal_keys) or t("(none published)"),
        )
        console.print(text, markup=False)
        return
    for problem in report.problems:
        print_problem(problem.kind, problem.position, problem.detail)


def _role_problem(exc: RoleError, role: str) -> str:
    """Why ``role`` cannot be the application's role, in the reader's language."""
    if exc.kind == "not_postgresql":
        return t("database roles exist on PostgreSQL only (SQLite has no users)")
    if exc.kind == "no_role":
        return t("no role {role!r}: CREATE ROLE {role} LOGIN PASSWORD '…' first", role=role)
    if exc.kind == "superuser":
        return t("{role!r} is a superuser: privileges do not bind it; use another role", role=role)
    return str(exc)


def print_intact(checked: int, position: int, head_hash: str) -> None:
    """The verdict of a log that verified: how many events, and its head."""
    rest = t(
        ": {count} events, head {position} {hash}", count=checked, position=position, hash=head_hash
    )
    print_line(Text.assemble((t("log intact"), "green"), rest))


def print_problem(kind: str, position: object, detail: str) -> None:
    """One problem a check found: its kind in red, where, and what (in the reader's language)."""
    from services.audit_texts import audit_detail

    said = audit_detail(detail, language())
    rest = t(" at position {position}: {detail}", position=position, detail=said)
    print_line(Text.assemble((kind, "red"), rest))


def verify_with_witness(
    open_db: Callable[[], Database],
    witness: Path | str,
    *,
    seal_key_ids: list[str] | None = None,
    as_json: bool = False,
) -> VerifyReport:
    """The chain, the head, the stored seals and the witness's seals; exits 1 on a problem."""
    try:
        witnessed = load_witness(Path(witness))
    except WitnessError as exc:
        raise fail(str(exc)) from exc
    database = open_db()
    try:
        keys = seal_keys(database.store)
        if seal_key_ids:
            unknown = sorted(set(seal_key_ids) - set(keys))
            if unknown:
                keys_named = ", ".join(unknown)
                raise fail(t("seal key(s) {keys} are not published in the log", keys=keys_named))
            keys = {k: v for k, v in keys.items() if k in seal_key_ids}
        report = verify_audit(database.store, witness=witnessed, seal_keys=keys)
        maintenance = [
            {"position": e.position, "actor": e.metadata.get("actor"), **e.payload}
            for e in database.store.read_stream(MAINTENANCE_STREAM)
        ]
    finally:
        database.close()
    if as_json:
        print_json({**report.model_dump(mode="json"), "maintenance": maintenance})
    else:
        print_report(report)
        for done in maintenance:  # what the owner changed on purpose, and why
            rest = t(
                " recorded at position {position} by {actor} ({ticket}): {reason}",
                position=done["position"],
                actor=done["actor"],
                ticket=done.get("ticket") or t("no ticket"),
                reason=done["reason"],
            )
            print_line(Text.assemble((t("maintenance"), "yellow"), rest))
    if not report.ok:
        raise typer.Exit(1)
    return report
