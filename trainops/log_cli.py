"""``trainops log verify`` and ``trainops projections``: the operator's direct checks of the
event log and the read models (they open the database with TRAINOPS_DATABASE_URL)."""

from __future__ import annotations

from typing import Annotated

import typer

from runtime.settings import get_settings
from services.database import Database, open_existing_database
from trainops.db_cli import print_intact, print_problem, verify_with_witness
from trainops.language import t
from trainops.lazy import command_group
from trainops.render import console, print_json, rows_table, said

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]

log_app = command_group(
    no_args_is_help=True,
    help="The operator's direct check of the event log (needs the database credentials; "
    "auditors use `trainops audit verify`).",
)
projections_app = command_group(no_args_is_help=True, help="Maintain the read models.")


def _database() -> Database:
    return open_existing_database(get_settings().database_url)


@log_app.command("verify")
def verify(
    as_json: AsJson = False,
    witness: Annotated[
        str | None, typer.Option(help="Also check the seals this witness directory kept.")
    ] = None,
    seal_key_id: Annotated[
        list[str] | None, typer.Option(help="With --witness: trust only this seal key.")
    ] = None,
) -> None:
    """Check the whole hash chain; exit 1 and name the first problem if anything was altered.

    The operator's tool: it opens the database directly (TRAINOPS_DATABASE_URL), so it needs
    the database credentials, not a sign-in; auditors use `trainops audit verify`.

    With --witness DIR: also every seal the witness kept (signature, the hash at its position,
    the log's length, still in log_seals); see docs/log-integrity.md."""
    if witness is not None:
        verify_with_witness(_database, witness, seal_key_ids=seal_key_id, as_json=as_json)
        return
    from eventlog.verify import verify_log

    database = _database()
    try:
        report = verify_log(database.store)
    finally:
        database.close()
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "checked": report.checked,
                "last_position": report.last_position,
                "last_hash": report.last_hash,
                "problems": [p.__dict__ for p in report.problems],
            }
        )
    elif report.ok:
        print_intact(report.checked, report.last_position, report.last_hash)
    else:
        for problem in report.problems:
            print_problem(problem.kind, problem.position, problem.detail)
    if not report.ok:
        raise typer.Exit(1)


@projections_app.command("status")
def projections_status(as_json: AsJson = False) -> None:
    """Where the projector stands: position, lag, and the events it had to set aside."""
    database = _database()
    try:
        current = database.projector.status()
    finally:
        database.close()
    if as_json:
        print_json(current.model_dump(mode="json"))
        return
    text = t(
        "position {position} of {head} (lag {lag}); {quarantined} quarantined event(s)",
        position=current.position,
        head=current.head,
        lag=current.lag,
        quarantined=current.quarantined,
    )
    console.print(text, markup=False)
    if current.events:
        rows_table(
            t("quarantined (fix, then `trainops projections retry`)"),
            [e.model_dump() for e in current.events],
            ["position", "projection", "event_type", "attempts", "error"],
        )


@projections_app.command("retry")
def projections_retry(as_json: AsJson = False) -> None:
    """Fold the quarantined events again, after the cause was fixed."""
    database = _database()
    try:
        folded, failed = database.projector.retry()
    finally:
        database.close()
    said(
        t("folded {folded}; still quarantined {failed}", folded=folded, failed=failed),
        {"folded": folded, "quarantined": failed},
        as_json,
    )
    if failed:
        raise typer.Exit(1)


@projections_app.command("rebuild")
def rebuild(as_json: AsJson = False) -> None:
    """Empty the read models and replay the whole log into them (in one transaction: the old
    read models serve until the new ones are complete)."""
    database = _database()
    try:
        count = database.projector.rebuild()
    finally:
        database.close()
    text = t("rebuilt read models from {count} events", count=count)
    said(text, {"rebuilt": True, "events": count}, as_json)
