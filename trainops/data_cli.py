"""``trainops data``: load reference data and evaluation inputs, migrate historical records."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from rich.table import Table
from rich.text import Text
from sqlalchemy.exc import DBAPIError

from eventlog import EventLogError
from imports.common import FileProblem
from imports.history import migrate_history, reconcile
from imports.reference import KINDS
from imports.report import ImportReport
from runtime.logging import quiet_logs
from runtime.settings import get_settings
from services.database import Database, open_existing_database
from services.error_texts import say
from trainops.api_client import EXIT_INTERRUPTED, EXIT_SERVER, api
from trainops.data_jobs import FINISHED, wait_for_job
from trainops.language import heading, language, t
from trainops.lazy import command_group
from trainops.render import console, errors, fail, print_fitting, print_json, print_line

data_app = command_group(
    no_args_is_help=True,
    help="Load reference data, L3/L4 metrics, costs and exam answers; migrate history.",
)


@data_app.callback()
def _logging() -> None:
    quiet_logs(get_settings())


@contextmanager
def _importing() -> Iterator[Database]:
    """The database for an import; a file or log refusal, or the database going away, becomes
    a clear error on stderr (exit 2), never a traceback. The import is one transaction, so
    after any of these nothing of it is in the log and running it again is safe."""
    database: Database | None = None
    try:
        database = open_existing_database(get_settings().database_url)
        yield database
    except FileProblem as exc:
        raise fail(say(exc.code, exc.params, language()) or str(exc)) from exc
    except EventLogError as exc:
        raise fail(
            t(
                "the log refused the import ({reason}); nothing was imported, run it again",
                reason=exc,
            )
        ) from exc
    except DBAPIError as exc:
        cause = exc.orig or exc
        first = (str(cause).strip().splitlines() or [""])[0]
        message = t(
            "the database failed during the import ({reason}); nothing was imported (one "
            "transaction): run it again when it is back",
            reason=f"{type(cause).__name__}: {first}",
        )
        raise fail(message) from exc
    finally:
        if database is not None:
            database.close()


AsJson = Annotated[bool, typer.Option("--json", help="Print the report as JSON.")]
AcceptValid = Annotated[
    bool,
    typer.Option(
        "--accept-valid", help="Import the valid rows even if some are rejected (default: none)."
    ),
]


def in_language(report: ImportReport) -> ImportReport:
    """A migration's report (it runs here) with its last words and each rejected row's
    ``problem`` in the chosen language; a load's report comes so from the server."""
    from api.translator import translator

    return translator(language()).report(report)


def measure(name: str) -> str:
    """A migration's reconciled total by name, in the chosen language."""
    from services.import_texts import MEASURES_ZH_CN

    return MEASURES_ZH_CN.get(name, name) if language() == "zh-CN" else name


def _title(text: str) -> None:
    console.print(Text(text, "italic"), soft_wrap=True)


def print_report(report: ImportReport) -> None:
    """The validation report, readable: counts per kind, each rejected row, reconciliation.
    Titles are lines of their own, never wrapped (a file's path and hash are copied whole);
    tables fit the terminal as every table does (``print_fitting``)."""
    _title(f"{report.source} (sha256 {report.sha256})")
    counts = Table()
    for column in ("kind", "read", "accepted", "rejected"):
        justify: Literal["left", "right"] = "left" if column == "kind" else "right"
        counts.add_column(Text(heading(column)), justify=justify)
    for kind, read in report.read.items():
        rejected = sum(1 for r in report.rejected if r.kind == kind)
        counts.add_row(Text(kind), str(read), str(report.accepted.get(kind, 0)), str(rejected))
    counts.add_row(
        Text(t("total"), "bold"),
        str(report.rows_read),
        str(report.rows_accepted),
        str(report.rows_rejected),
    )
    print_fitting(counts)
    if report.rejected:
        _title(t("rejected rows"))
        table = Table()
        for column in ("where", "kind", "key", "reason"):
            table.add_column(Text(heading(column)))
        for r in report.rejected:
            why = r.problem or r.reason
            table.add_row(Text(r.where), Text(r.kind), Text(r.key), Text(why))
        print_fitting(table)
    if report.reconciliation:
        _title(t("reconciliation: in the file vs in the read models"))
        table = Table()
        for column in ("program", "measure", "in file", "in system", "match", "why"):
            table.add_column(Text(heading(column)))
        for check in report.reconciliation:
            mark = {
                True: Text(t("yes"), "green"),
                False: Text(t("NO"), "red"),
                None: Text("-"),
            }[check.matches]
            table.add_row(
                Text(check.program_id),
                Text(measure(check.measure)),
                "-" if check.in_file is None else str(check.in_file),
                "-" if check.in_system is None else str(check.in_system),
                mark,
                Text(check.reason),
            )
        print_fitting(table)
    colour = "green" if report.imported and not report.rejected else "yellow"
    if not report.imported:
        colour = "red"
    console.print(Text(report.message, colour))
    if report.reconciled is not None:
        verdict = (t("all totals match"), "green") if report.reconciled else (t("MISMATCH"), "red")
        console.print(Text.assemble(t("reconciled: "), verdict))


def _finish(report: ImportReport, as_json: bool, *, printed: bool = False) -> None:
    if printed:  # `data job --json` printed the whole job
        pass
    elif as_json:
        print_json(report.model_dump(mode="json"))
    else:
        print_report(report)
    if not report.imported or (report.reconciled is False):
        raise typer.Exit(1)


def _job_heading(job: dict[str, Any]) -> None:
    total = job["total"]
    done = f" {job['done']}/{total}" if total else ""
    head = t(
        "job {job} ({kind}, {source}, {owner}): ",
        job=job["job_id"],
        kind=job["kind"],
        source=job["source"],
        owner=job["owner"],
    )
    print_line(Text.assemble(head, (t(str(job["status"])), "bold"), done))


def _job_outcome(job: dict[str, Any], as_json: bool, *, printed: bool = False) -> None:
    """A finished job as ``data load`` always ended: the report, or the error on stderr."""
    if job["status"] == "failed":
        raise fail(t("the load failed: {reason}", reason=job["error"]), EXIT_SERVER)
    _finish(ImportReport.model_validate(job["report"]), as_json, printed=printed)


@data_app.command("load")
def load(
    kind: Annotated[str, typer.Argument(help=f"One of: {', '.join(KINDS)}.")],
    path: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="A CSV or JSON file.")],
    accept_valid: AcceptValid = False,
    as_json: AsJson = False,
) -> None:
    """Load one file of reference data (or metrics, studies, costs, benefits, exam answers) as
    the signed-in admin, through the API. Every changed record is appended as an event with
    your proof; unchanged ones are skipped. The server loads it as a job: this waits for it,
    with its progress on stderr (Ctrl-C stops waiting, not the load)."""
    if kind not in KINDS:
        raise fail(
            t("unknown kind {kind}; one of: {kinds}", kind=repr(kind), kinds=", ".join(KINDS))
        )
    with api() as client:
        with path.open("rb") as handle:
            job = client.start(
                f"/api/v1/data/{kind}",
                files={"file": (path.name, handle)},
                params={"accept_valid": str(accept_valid).lower()},
            )
        note = t("job {job}: {status}", job=job["job_id"], status=t(str(job["status"])))
        errors.print(note, highlight=False, markup=False)
        try:
            job = wait_for_job(client, job)
        except KeyboardInterrupt:
            raise fail(
                t(
                    "stopped waiting; the load goes on: `trainops data job {job}`",
                    job=job["job_id"],
                ),
                EXIT_INTERRUPTED,
            ) from None
    _job_outcome(job, as_json)


@data_app.command("job")
def show_job(
    job_id: Annotated[str, typer.Argument(help="The id `data load` printed.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the job as JSON.")] = False,
) -> None:
    """A load's status and progress, and once it is done its report (exit codes as `data
    load`'s) or why it failed. Its owner and admins may read it."""
    with api() as client:
        job = client.get(f"/api/v1/jobs/{job_id}")
    if as_json:
        print_json(job)
    if job["status"] in FINISHED:
        if not as_json:
            _job_heading(job)
        _job_outcome(job, as_json, printed=as_json)
    elif not as_json:
        _job_heading(job)


@data_app.command("migrate")
def migrate(
    paths: Annotated[
        list[Path],
        typer.Argument(
            exists=True,
            dir_okay=False,
            help="programs.csv, sessions.csv, enrolments.csv, attendance.csv, surveys.csv,"
            " exams.csv, costs.csv, or one JSON file with an array per kind.",
        ),
    ],
    accept_valid: AcceptValid = False,
    as_json: AsJson = False,
) -> None:
    """Import historical training records as events, with a validation report (an operator's
    one-off, run against the database; the events say role ``migration``). Nothing is
    imported when any row is rejected (unless --accept-valid); importing again changes nothing."""
    with _importing() as database:
        report = migrate_history(database.store, paths, accept_valid=accept_valid)
        if report.imported:
            database.projector.catch_up()
            report = reconcile(database.engine, report)
    _finish(in_language(report), as_json)
