"""The ``trainops`` command line: run the stack, act on programs, read inboxes and KPIs, audit."""

from __future__ import annotations

import asyncio
from typing import Annotated, TypeVar

import typer

from runtime.heartbeat import age_seconds, touch
from runtime.logging import configure_logging
from runtime.settings import get_settings
from services.database import Database, open_database
from trainops import backup_cli as _backup_commands  # noqa: F401 (registers db backup/restore)
from trainops.account_cli import register as register_account_commands
from trainops.audit_cli import audit_app
from trainops.certs_cli import certs_app
from trainops.config_cli import config_app
from trainops.data_cli import data_app
from trainops.db_cli import db_app, verify_with_witness
from trainops.keys_cli import keys_app
from trainops.program_cli import register as register_program_commands
from trainops.render import console, fail, print_json, rows_table
from trainops.users_cli import users_app

app = typer.Typer(no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False)
kpi_app = typer.Typer(
    no_args_is_help=True,
    help="KPI reports, through the API (`trainops login` first; your role decides which cards).",
)
log_app = typer.Typer(
    no_args_is_help=True,
    help="The operator's direct check of the event log (needs the database credentials; "
    "auditors use `trainops audit verify`).",
)
projections_app = typer.Typer(no_args_is_help=True, help="Maintain the read models.")
app.add_typer(kpi_app, name="kpi")
app.add_typer(log_app, name="log")
app.add_typer(projections_app, name="projections")
app.add_typer(config_app, name="config")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
app.add_typer(data_app, name="data")
app.add_typer(keys_app, name="keys")
app.add_typer(certs_app, name="certs")
app.add_typer(db_app, name="db")
register_program_commands(app)
register_account_commands(app)

T = TypeVar("T")


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"trainops {version('trainops')}")
        raise typer.Exit()


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """The trainops command line: run the stack, act on programs, read inboxes and KPIs, audit."""


AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _database() -> Database:
    return open_database(get_settings().database_url)


# ---------------------------------------------------------------------- running


@app.command()
def up(ui: Annotated[bool, typer.Option(help="Serve the Temporal Web UI.")] = True) -> None:
    """Start the embedded stack: Temporal dev server + worker + projector (Ctrl-C stops all)."""
    from trainops.stack import run_stack

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(run_stack(settings, ui=ui))


@app.command()
def worker() -> None:
    """Run only the Temporal worker (against TRAINOPS_TEMPORAL_ADDRESS)."""
    from runtime.startup import run_service
    from trainops.worker import main

    run_service(main)


@app.command()
def projector() -> None:
    """Run only the projector that keeps the read models up to date."""
    import threading

    from runtime.startup import explained_startup, wait_for_database

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    with explained_startup():
        wait_for_database(settings.database_url, settings.database_connect_wait_seconds)
        database = _database()
    stop = threading.Event()
    beat = settings.heartbeat_file
    try:
        database.projector.run_forever(
            stop, settings.projector_poll_seconds, heartbeat=(lambda: touch(beat)) if beat else None
        )
    except KeyboardInterrupt:
        stop.set()
    finally:
        database.close()


@app.command()
def health(
    max_age: Annotated[float, typer.Option(min=1, help="Seconds a heartbeat stays fresh.")] = 60,
) -> None:
    """Exit 0 if this container's worker or projector beat within --max-age seconds (its
    healthcheck; the heartbeat file is TRAINOPS_HEARTBEAT_FILE)."""
    path = get_settings().heartbeat_file
    if path is None:
        raise fail("TRAINOPS_HEARTBEAT_FILE is not set: nothing to check", 2)
    age = age_seconds(path)
    if age is None:
        raise fail(f"no heartbeat yet at {path}", 1)
    if age > max_age:
        raise fail(f"last heartbeat {age:.0f} s ago (more than {max_age:g} s)", 1)
    console.print(f"alive: last heartbeat {age:.0f} s ago")


@app.command()
def demo(
    as_json: AsJson = False,
    database_url: Annotated[
        str | None, typer.Option(help="Where to keep the demo's log (default: a temp file).")
    ] = None,
    programs: Annotated[int, typer.Option(min=1, max=12, hidden=True)] = 12,
) -> None:
    """Drive a realistic quarter of programs on the time-skipping server and print the KPIs."""
    from trainops.demo import run_demo

    configure_logging("console", "warning")
    asyncio.run(run_demo(database_url=database_url, as_json=as_json, programs=programs))


def _register_kpi_commands() -> None:
    """`kpi report` (every KPI, rated), `kpi execution`, `kpi explain`: see trainops/kpi_cli.py."""
    from trainops.kpi_cli import register

    register(kpi_app)


_register_kpi_commands()


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
        console.print(
            f"[green]log intact[/green]: {report.checked} events, head {report.last_position} "
            f"{report.last_hash}"
        )
    else:
        for problem in report.problems:
            console.print(
                f"[red]{problem.kind}[/red] at position {problem.position}: {problem.detail}"
            )
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
    console.print(
        f"position {current.position} of {current.head} (lag {current.lag}); "
        f"{current.quarantined} quarantined event(s)",
        markup=False,
    )
    if current.events:
        rows_table(
            "quarantined (fix, then `trainops projections retry`)",
            [e.model_dump() for e in current.events],
            ["position", "projection", "event_type", "attempts", "error"],
        )


@projections_app.command("retry")
def projections_retry() -> None:
    """Fold the quarantined events again, after the cause was fixed."""
    database = _database()
    try:
        folded, failed = database.projector.retry()
    finally:
        database.close()
    console.print(f"folded {folded}; still quarantined {failed}", markup=False)
    if failed:
        raise typer.Exit(1)


@projections_app.command("rebuild")
def rebuild() -> None:
    """Empty the read models and replay the whole log into them (in one transaction: the old
    read models serve until the new ones are complete)."""
    database = _database()
    try:
        count = database.projector.rebuild()
    finally:
        database.close()
    console.print(f"[green]rebuilt[/green] read models from {count} events")


if __name__ == "__main__":
    app()
