"""``trainops db backup`` and ``trainops db restore``: the backup and the restore drill.

``backup DIR --every-hours H --keep N`` is the compose stack's backup service: a backup now and
every H hours, the N newest kept, a heartbeat after each success. ``restore FILE`` restores into
an empty database, verifies the chain, and rebuilds the read models from the restored log.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text
from sqlalchemy.exc import SQLAlchemyError

from audit.verify import verify_audit
from runtime.heartbeat import touch
from runtime.settings import get_settings
from services.database import open_database
from trainops.backup import BackupError, backup, prune, restore, stamped_name
from trainops.db_cli import _owner_url, db_app, print_report
from trainops.language import t
from trainops.render import console, fail, print_line


@db_app.command("backup")
def backup_command(
    directory: Annotated[Path, typer.Argument(help="Where backups are written.")],
    every_hours: Annotated[
        float | None,
        typer.Option(min=0.01, help="Keep running: a backup every this many hours."),
    ] = None,
    keep: Annotated[int, typer.Option(min=1, help="How many of the newest backups to keep.")] = 7,
) -> None:
    """Back up the database (as its owner) to DIR/trainops-<UTC time>.dump (.sqlite)."""
    url = _owner_url(must_exist=True)
    beat = get_settings().heartbeat_file
    while True:
        target = directory / stamped_name(url)
        try:
            backup(url, target)
        except (BackupError, OSError) as exc:
            if every_hours is None:
                raise fail(str(exc), 1) from exc
            rest = t(": {reason}; next try in 5 minutes", reason=exc)
            print_line(Text.assemble((t("backup failed"), "red"), rest))
            time.sleep(300)
            continue
        removed = prune(directory, keep)
        text = t("backed up to {path}", path=target)
        if removed:
            text += t("; removed {count} old", count=len(removed))
        console.print(text, markup=False)
        if beat is not None:
            touch(beat)
        if every_hours is None:
            return
        time.sleep(every_hours * 3600)


@db_app.command("restore")
def restore_command(
    source: Annotated[Path, typer.Argument(help="A file `trainops db backup` wrote.")],
) -> None:
    """Restore SOURCE into the empty database (as its owner), then verify the chain and rebuild
    the read models from the restored log. Exits 1 if the restored log does not verify."""
    url = _owner_url()
    try:
        restore(url, source)
    except BackupError as exc:
        raise fail(str(exc), exc.exit_code) from exc
    except OSError as exc:
        raise fail(str(exc), 1) from exc
    try:
        database = open_database(url, migration_url=url)
    except SQLAlchemyError as exc:
        reason = exc.__class__.__name__
        raise fail(t("the restored database cannot be opened: {reason}", reason=reason), 1) from exc
    try:
        report = verify_audit(database.store)
        print_report(report)
        if not report.ok:
            raise fail(t("the restored log does not verify: do not put it in service"), 1)
        folded = database.projector.rebuild()
    finally:
        database.close()
    rest = (
        t(
            ": {checked} events verified, read models rebuilt from {folded} events. Next: "
            "`trainops db grant-app-role ROLE` on this server, then start the stack.",
            checked=report.checked,
            folded=folded,
        )
        if not url.startswith("sqlite")  # SQLite has no roles to grant
        else t(
            ": {checked} events verified, read models rebuilt from {folded} events. Next: "
            "start the stack.",
            checked=report.checked,
            folded=folded,
        )
    )
    print_line(Text.assemble((t("restored"), "green"), rest))
