"""``trainops audit``: the auditor's commands (read, verify, digest, seal, replay, export).

Thin wrappers over the ``audit`` package: each command parses options, shows a progress bar on
stderr for long work (so ``--json`` and JSON Lines output on stdout stay clean), renders the
result, and exits 1 when the check it ran found a problem.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as Bar

from audit.digest import load_digest, read_seals, save_digest
from audit.history import HistoryEntry, HistoryFilter, iter_history, write_csv, write_jsonl
from audit.progress import Progress
from audit.replay import Comparison, replay_and_compare, replay_as_of
from audit.verify import LogNotIntact, VerifyReport, take_digest, verify_audit
from audit.witness import WitnessError, load_witness
from audit.workflow_replay import RunReplay, replay_workflows
from trainops.database import Database, open_database
from trainops.db_cli import print_report
from trainops.logging import quiet_logs
from trainops.render import console, errors, fail, kpi_json, kpi_table, print_json, rows_table
from trainops.sealing import prepare_sealer
from trainops.settings import get_settings
from trainops.signing import SigningKeyError

audit_app = typer.Typer(
    no_args_is_help=True,
    help="Audit: read the history, verify the log, replay it, export it (read-only).",
)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
_fail = partial(fail, to_stderr=True)  # stdout carries the JSON, JSON Lines or CSV


@audit_app.callback()
def _logging() -> None:
    """Logs go to stderr, so JSON, JSON Lines and CSV on stdout stay machine-readable; quiet
    (warnings only) unless TRAINOPS_LOG_LEVEL asks for more."""
    quiet_logs(get_settings())


@contextmanager
def _database() -> Iterator[Database]:
    database = open_database(get_settings().database_url)
    try:
        yield database
    finally:
        database.close()


@contextmanager
def _bar(label: str) -> Iterator[Progress]:
    """A progress bar on stderr; disappears when the work is done."""
    with Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
    ) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        yield update


def _instant(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise _fail(
            f"{option} {value!r} is not an ISO time, e.g. 2027-01-15T09:00:00+08:00"
        ) from exc
    if moment.utcoffset() is None:
        raise _fail(f"{option} {value!r} needs a UTC offset, e.g. 2027-01-15T09:00:00+08:00")
    return moment


# ---------------------------------------------------------------------- history


class Format(StrEnum):
    table = "table"
    jsonl = "jsonl"
    csv = "csv"


class TimeField(StrEnum):
    occurred = "occurred"
    recorded = "recorded"


TABLE_LIMIT = 500


@audit_app.command()
def history(
    program: Annotated[str | None, typer.Option(help="Only this program's events.")] = None,
    person: Annotated[
        str | None, typer.Option(help="Only events this person did or is named in.")
    ] = None,
    since: Annotated[str | None, typer.Option(help="From this time (ISO, with offset).")] = None,
    until: Annotated[str | None, typer.Option(help="Up to this time (ISO, with offset).")] = None,
    by: Annotated[
        TimeField, typer.Option(help="Which time --since/--until compare with.")
    ] = TimeField.occurred,
    event_type: Annotated[
        list[str] | None, typer.Option("--type", help="Only this event type (repeatable).")
    ] = None,
    output_format: Annotated[
        Format, typer.Option("--format", help="Output format.")
    ] = Format.table,
    output: Annotated[Path | None, typer.Option(help="Write to this file, not stdout.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many events.")] = None,
) -> None:
    """Who did what, when, in which workflow run: events straight from the log."""
    where = HistoryFilter(
        program_id=program,
        person=person,
        since=_instant(since, "--since"),
        until=_instant(until, "--until"),
        time_field="occurred_at" if by is TimeField.occurred else "recorded_at",
        event_types=frozenset(event_type or ()),
        limit=limit if limit is not None or output_format is not Format.table else TABLE_LIMIT,
    )
    with _database() as database:
        entries = iter_history(database.store, where)
        if output_format is Format.table:
            _history_table(list(entries), where)
            return
        write = write_jsonl if output_format is Format.jsonl else write_csv
        if output is None:
            count = write(entries, sys.stdout)
        else:
            with output.open("w", encoding="utf-8", newline="") as out:
                count = write(entries, out)
    errors.print(f"{count} events")


def _history_table(entries: list[HistoryEntry], where: HistoryFilter) -> None:
    columns = ["position", "occurred", "program_id", "event_type", "actor", "summary"]
    if where.person:
        columns.insert(5, "involvement")
    rows: list[dict[str, Any]] = [
        {
            **e.model_dump(),
            "occurred": f"{e.occurred_at:%Y-%m-%d %H:%M}",
            "involvement": " ".join(e.involvement),
        }
        for e in entries
    ]
    rows_table(f"history ({len(rows)} events)", rows, columns)
    if where.limit is not None and len(rows) == where.limit:
        errors.print(
            f"showing the first {len(rows)}; use --limit, or --format jsonl/csv for everything"
        )


# ---------------------------------------------------------------------- verify, digest, seal


def _print_verify(report: VerifyReport) -> None:
    if report.witnessed:
        print_report(report)  # a witness holds a seal an hour: failures and a summary only
        return
    for checkpoint in report.checkpoints:
        mark = "[green]ok[/green]" if checkpoint.ok else "[red]FAILED[/red]"
        console.print(f"{checkpoint.label} at position {checkpoint.position}: {mark}")
    if report.ok:
        console.print(
            f"[green]log intact[/green]: {report.checked} events, head {report.head_position}"
            f" {report.head_hash}"
        )
        return
    for problem in report.problems:
        console.print(f"[red]{problem.kind}[/red] at position {problem.position}: {problem.detail}")


@audit_app.command()
def verify(
    digest: Annotated[
        list[Path] | None,
        typer.Option(help="A digest file kept earlier; the log must still extend it (repeatable)."),
    ] = None,
    seals: Annotated[bool, typer.Option(help="Check the stored seals too.")] = True,
    witness: Annotated[
        Path | None, typer.Option(help="Also check the seals this witness directory kept.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Check the hash chain, the head, the seals and your digests (and a witness's seals).

    Exits 1 and names the first altered, missing or reordered event if anything is wrong."""
    try:
        digests = [load_digest(path) for path in digest or ()]
        witnessed = load_witness(witness) if witness is not None else []
    except (OSError, ValueError, WitnessError) as exc:
        raise _fail(f"cannot read the digest or witness: {exc}") from exc
    with _database() as database, _bar("verifying") as progress:
        report = verify_audit(
            database.store,
            digests=digests,
            check_seals=seals,
            witness=witnessed,
            progress=progress,
        )
    if as_json:
        print_json(report.model_dump(mode="json"))
    else:
        _print_verify(report)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("digest")
def digest_command(
    output: Annotated[Path | None, typer.Option(help="Also save the digest to this file.")] = None,
) -> None:
    """Verify the log, then print its digest (position + hash) to keep outside the system."""
    with _database() as database, _bar("verifying") as progress:
        try:
            found = take_digest(database.store, progress=progress)
        except LogNotIntact as exc:
            raise _fail(str(exc), code=1) from exc
    if output is not None:
        save_digest(found, output)
        errors.print(f"digest saved to {output}")
    print_json(found.model_dump(mode="json"))


@audit_app.command()
def seal(
    min_new_events: Annotated[
        int, typer.Option(help="Seal only if at least this many events came since the last seal.")
    ] = 1,
) -> None:
    """Verify the log, store a signed seal of its head and hand it to the witnesses.

    The worker also seals on a schedule (TRAINOPS_SEAL_EVERY_MINUTES); this seals now."""
    with _database() as database:
        try:
            sealer = prepare_sealer(database.store)
            outcome = sealer.seal_once(min_new_events)
        except (LogNotIntact, WitnessError, SigningKeyError) as exc:
            raise _fail(str(exc), code=1) from exc
    if outcome.seq is None:
        console.print(
            f"nothing to seal: fewer than {min_new_events} new events since the last seal"
        )
    else:
        console.print(
            f"[green]sealed[/green] seal {outcome.seq}: position {outcome.position},"
            f" signed by seal key {sealer.signer.key_id}"
        )
    for name, seqs in outcome.witnessed.items():
        console.print(f"witness {name}: {len(seqs)} seal(s) handed over")


@audit_app.command("seals")
def list_seals(as_json: AsJson = False) -> None:
    """The stored seals, oldest first."""
    with _database() as database:
        found = [s.model_dump(mode="json") for s in read_seals(database.engine)]
    if as_json:
        print_json(found)
    else:
        rows_table("seals", found, ["seq", "position", "sealed_at", "hash", "seal_hash"])


# ---------------------------------------------------------------------- replay


def _print_comparison(comparison: Comparison) -> None:
    rows_table(
        f"replayed to position {comparison.replayed_position}, live read models at"
        f" {comparison.live_position}",
        [t.model_dump() for t in comparison.tables],
        ["table", "live_rows", "replayed_rows", "differences"],
    )
    for difference in comparison.differences:
        key = ", ".join(f"{k}={v}" for k, v in difference.key.items())
        console.print(f"[red]{difference.kind}[/red] {difference.table} [{key}]")
        for column in difference.columns:
            console.print(
                f"    {column.column}: replayed {column.replayed!r}, live {column.live!r}"
            )
    if comparison.unlisted_differences:
        console.print(f"… and {comparison.unlisted_differences} more differences")
    if comparison.ok:
        console.print("[green]replay equals the live read models[/green]")


@audit_app.command()
def replay(
    as_of_position: Annotated[
        int | None, typer.Option(help="Rebuild the read models as they stood at this position.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(help="…or as of this instant (events recorded by then; ISO, with offset)."),
    ] = None,
    keep: Annotated[
        Path | None,
        typer.Option(help="With --as-of*: keep the replayed read models in this SQLite file."),
    ] = None,
    scratch_url: Annotated[
        str | None, typer.Option(help="Replay into this database instead of a temporary one.")
    ] = None,
    max_differences: Annotated[int, typer.Option(help="List at most this many.")] = 200,
    as_json: AsJson = False,
) -> None:
    """Rebuild the read models from the log and compare them with live, row by row.

    The rebuild goes into a scratch database; exit 1 on any difference. With
    --as-of-position or --as-of, show the KPIs and programs as of that moment instead."""
    if as_of_position is not None and as_of is not None:
        raise _fail("give --as-of-position or --as-of, not both")
    instant = _instant(as_of, "--as-of")
    with _database() as database, _bar("replaying") as progress:
        if as_of_position is None and instant is None:
            if keep is not None:
                raise _fail("--keep goes with --as-of-position or --as-of")
            comparison = replay_and_compare(
                database.store,
                scratch_url=scratch_url,
                max_differences=max_differences,
                progress=progress,
            )
        else:
            report = replay_as_of(
                database.store,
                position=as_of_position,
                instant=instant,
                scratch_url=scratch_url,
                keep=keep,
                progress=progress,
            )
            if as_json:
                print_json(
                    {
                        **report.model_dump(mode="json", exclude={"kpis"}),
                        "kpis": kpi_json(report.kpis),
                    }
                )
                return
            rows_table(
                f"programs as of position {report.position}",
                report.programs,
                ["program_id", "specialist", "status", "planned_date", "enrolled", "attended"],
            )
            kpi_table(report.kpis)
            if keep is not None:
                console.print(
                    f"read models kept in {keep}: TRAINOPS_DATABASE_URL=sqlite:///{keep}"
                    " trainops kpi report"
                )
            return
    if as_json:
        print_json(comparison.model_dump(mode="json"))
    else:
        _print_comparison(comparison)
    if not comparison.ok:
        raise typer.Exit(1)


# ---------------------------------------------------------------------- workflows


def _print_run(run: RunReplay, details: bool) -> None:
    mark = {
        "ok": "[green]ok[/green]",
        "failed": "[red]FAILED[/red]",
        "not_found": "[yellow]not found[/yellow]",
    }[run.status]
    console.print(
        f"{run.program_id} run {run.run_id}: replay {mark}; {run.history_events} history events,"
        f" {run.log_events} log events"
    )
    if run.failure:
        console.print(f"    {run.failure}")
    if run.unmatched_log_positions:
        console.print(
            f"    [red]log events written by no activity of this run:[/red]"
            f" {run.unmatched_log_positions}"
        )
    if run.unmatched_activities:
        console.print(
            f"    [red]append activities whose events are not in the log:[/red]"
            f" {run.unmatched_activities}"
        )
    if details:
        rows_table(
            f"{run.workflow_id} {run.run_id}: history beside the log",
            [
                {
                    **line.model_dump(),
                    "log": ", ".join(
                        f"{p} {t}" for p, t in zip(line.log_positions, line.log_events, strict=True)
                    ),
                }
                for line in run.lines
            ],
            ["event_id", "time", "event_type", "detail", "log"],
        )


@audit_app.command()
def workflows(
    program: Annotated[
        list[str] | None, typer.Option(help="Only this program (repeatable; default: all).")
    ] = None,
    details: Annotated[
        bool, typer.Option(help="Show each history beside the events it appended.")
    ] = False,
    as_json: AsJson = False,
) -> None:
    """Replay each program workflow's history against today's code; match it with the log.

    Exits 1 if any run fails to replay (a code change broke running programs) or if a history
    and the log disagree."""
    from trainops.temporal_connection import TemporalUnreachable, connect_temporal

    settings = get_settings()

    async def go(database: Database) -> list[RunReplay]:
        try:
            client = await connect_temporal(settings, wait_seconds=0)
        except TemporalUnreachable as exc:
            raise _fail(str(exc)) from exc
        found = []
        async for run in replay_workflows(
            client, database.store, programs=program, details=details
        ):
            found.append(run)
            if not as_json:
                _print_run(run, details)
        return found

    with _database() as database:
        runs = asyncio.run(go(database))
    if as_json:
        print_json([run.model_dump(mode="json") for run in runs])
    failed = [r for r in runs if not r.ok and r.status != "not_found"]
    if not as_json:
        console.print(f"{len(runs)} runs replayed, {len(failed)} failed")
    if failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------------- export


@audit_app.command()
def export(
    target: Annotated[Path, typer.Argument(help="A new directory, or a .tar.gz file.")],
    up_to: Annotated[int | None, typer.Option(help="Export events 1..N (default: all).")] = None,
) -> None:
    """Write a self-contained bundle an independent script can verify.

    events.jsonl, HASH_FORMULA, digest.json and kpis.json, in a new directory or a .tar.gz;
    the README's standalone script verifies it without trainops."""
    from audit.export import export_bundle

    with _database() as database, _bar("exporting") as progress:
        try:
            result = export_bundle(database.store, target, up_to=up_to, progress=progress)
        except FileExistsError as exc:
            raise _fail(str(exc)) from exc
    console.print(
        f"[green]exported[/green] {result.events} events to {result.path}"
        f" (digest: position {result.digest.position} {result.digest.hash})"
    )
    for problem in result.problems:
        console.print(f"[red]{problem.kind}[/red] at position {problem.position}: {problem.detail}")
    if result.problems:
        raise typer.Exit(1)


@audit_app.command()
def proofs(as_json: AsJson = False) -> None:
    """Check that every recorded action of a person carries a valid signed proof.

    Each proof is checked against the keys published in the log: signature, actor, program,
    action, content and time. Exits 1 and names the position of any unproven or bad proof."""
    from audit.proofs import check_proofs

    with _database() as database:
        report = check_proofs(database.store.read_all())
    if as_json:
        print_json(report.model_dump(mode="json"))
    else:
        console.print(
            f"{'[green]proofs hold[/green]' if report.ok else '[red]proofs fail[/red]'}: "
            f"{report.proven_actions} actions ({report.proven_events} events) proven by "
            f"{len(report.keys)} published key(s)"
        )
        for kind, count in report.unproven.items():
            console.print(f"  {count} event(s) in {kind} streams rest on the server's word")
        for problem in report.problems:
            console.print(
                f"[red]{problem.kind}[/red] at position {problem.position}: {problem.detail}",
                markup=True,
                highlight=False,
            )
    if not report.ok:
        raise typer.Exit(1)
