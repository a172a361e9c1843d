"""``trainops audit``: the auditor's commands (read, verify, digest, seal, replay, export).

A client of the HTTP API (``trainops login`` first; ``/api/v1/audit``, the auditor role), so
having the database's address is not enough to read the log. Each command parses options,
asks the server, renders the answer (``trainops.audit_views``) and exits 1 when the check it
ran found a problem; logs go to stderr so JSON, JSON Lines and CSV on stdout stay clean.
``trainops log verify`` is the operator's direct check of the database.

Over 400 lines on purpose: one command group an auditor reads top to bottom; what it shows is
in ``trainops.audit_views``.
"""

from __future__ import annotations

import shutil
import sys
import tarfile
import tempfile
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from functools import partial
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from pydantic import ValidationError

from audit.digest import Digest, Seal, load_digest, save_digest
from audit.history import HistoryEntry
from audit.proofs import ProofReport
from audit.replay import AsOfReport, Comparison
from audit.verify import VerifyReport
from audit.witness import WitnessError, load_witness
from runtime.logging import quiet_logs
from runtime.settings import get_settings
from services.workflow_replay import RunReplay
from trainops import audit_views as views
from trainops.api_client import api
from trainops.language import language, t, unreadable
from trainops.lazy import command_group
from trainops.options import OutputOption
from trainops.render import console, errors, fail, print_json, show_rows, when

audit_app = command_group(
    no_args_is_help=True,
    help="Audit through the API (`trainops login` as an auditor first): read the history, "
    "verify the log, replay it, export it.",
)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of tables.")]
_fail = partial(fail, to_stderr=True)  # stdout carries the JSON, JSON Lines or CSV
#: A check that found a problem is exit 1, as when the command read the database itself.
CHECK_FAILED = {409: 1}
#: "Everything" for JSON Lines and CSV: the most the server streams in one answer.
ALL_EVENTS = 1_000_000


@audit_app.callback()
def _logging() -> None:
    """Logs go to stderr, so JSON, JSON Lines and CSV on stdout stay machine-readable; quiet
    (warnings only) unless TRAINOPS_LOG_LEVEL asks for more."""
    quiet_logs(get_settings())


def _instant(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        message = t(
            "{option} {value} is not an ISO time, e.g. 2027-01-15T09:00:00+08:00",
            option=option,
            value=repr(value),
        )
        raise _fail(message) from exc
    if moment.utcoffset() is None:
        message = t(
            "{option} {value} needs a UTC offset, e.g. 2027-01-15T09:00:00+08:00",
            option=option,
            value=repr(value),
        )
        raise _fail(message)
    return moment


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


_Report = TypeVar("_Report", VerifyReport, Comparison, ProofReport)


def _verdict(report: _Report, show: Callable[[_Report], None], as_json: bool) -> None:
    """A check's report, as JSON or for people; exit 1 when it failed (scripts test that)."""
    if as_json:
        print_json(report.model_dump(mode="json"))
    else:
        show(report)
    if not report.ok:
        raise typer.Exit(1)


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
    as_json: AsJson = False,
) -> None:
    """Who did what, when, in which workflow run: events straight from the log.

    ``--json`` prints the table's events as one JSON array (the first 500 unless --limit);
    ``--format jsonl`` streams every event, one per line."""
    if as_json and (output_format is not Format.table or output is not None):
        raise _fail(t("--json prints to stdout: leave out --format and --output, or --json"))
    _new_file(output)
    params: dict[str, Any] = {
        "program": program,
        "person": person,
        "since": _iso(_instant(since, "--since")),
        "until": _iso(_instant(until, "--until")),
        "time_field": "occurred_at" if by is TimeField.occurred else "recorded_at",
        "event_type": event_type or None,
    }
    with api() as client:
        if output_format is Format.table:
            shown = TABLE_LIMIT if limit is None else limit
            found = client.get("/api/v1/audit/history", **params, limit=shown, format="json")
            if as_json:
                print_json(found)
                return
            entries = [HistoryEntry.model_validate(e) for e in found]
            views.history_table(entries, person, shown)
            return
        counter = views.Counter(csv=output_format is Format.csv)
        query = {**params, "limit": limit or ALL_EVENTS, "format": output_format.value}

        def write(out: Any) -> None:
            def chunk(text: str) -> None:
                out.write(text)
                counter.feed(text)

            client.download("/api/v1/audit/history", chunk, text=True, **query)

        if output is None:
            write(sys.stdout)
        else:
            with output.open("x", encoding="utf-8", newline="") as out:
                write(out)
    count = counter.records
    said = t("1 event") if count == 1 else t("{count} events", count=count)
    errors.print(said, markup=False)


def _new_file(path: Path | None) -> None:
    """An auditor's saved history or digest is evidence: a file already there is never
    overwritten (checked before asking the server; the history is then opened exclusively)."""
    if path is not None and path.exists():
        raise _fail(t("{path} exists; it is not overwritten: choose a new file name", path=path))
    if path is not None and not path.parent.is_dir():
        raise _fail(t("{path}: no such directory", path=path.parent))


# ---------------------------------------------------------------------- verify, digest, seal


def _read_digest(path: Path) -> Digest:
    """A digest kept earlier; a file that is not one is refused in one line that says so."""
    try:
        return load_digest(path)
    except ValidationError as exc:
        from services.validation_texts import describe

        problem = describe(exc.errors(include_url=False), language())
        message = t(
            "{path} is not a digest (what `trainops audit digest --output FILE` saves): {problem}",
            path=path,
            problem=problem,
        )
        raise _fail(message) from exc


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
        digests = [_read_digest(path) for path in digest or ()]
        witnessed = load_witness(witness) if witness is not None else []
    except (OSError, ValueError, WitnessError) as exc:
        raise _fail(
            t("cannot read the digest or witness: {reason}", reason=unreadable(exc))
        ) from exc
    body = {
        "digests": [d.model_dump(mode="json") for d in digests],
        "check_seals": seals,
        "witness": [w.model_dump(mode="json") for w in witnessed],
    }
    with api() as client:
        report = VerifyReport.model_validate(client.post("/api/v1/audit/verify", body))
    _verdict(report, views.print_verify, as_json)


@audit_app.command("digest")
def digest_command(
    output: Annotated[Path | None, typer.Option(help="Also save the digest to this file.")] = None,
    as_json: AsJson = False,
) -> None:
    """Verify the log, then print its digest (position + hash) to keep outside the system.

    The digest is printed as JSON, with or without --json (it is kept as a file and read by
    `verify --digest`). Exits 1 if the log does not verify."""
    del as_json  # taken as every command that answers takes it; the answer is JSON anyway
    _new_file(output)
    with api() as client:
        found = Digest.model_validate(client.get("/api/v1/audit/digest", exit_codes=CHECK_FAILED))
    if output is not None:
        save_digest(found, output)
        errors.print(t("digest saved to {path}", path=output), markup=False)
    print_json(found.model_dump(mode="json"))


@audit_app.command()
def seal(
    min_new_events: Annotated[
        int, typer.Option(help="Seal only if at least this many events came since the last seal.")
    ] = 1,
    as_json: AsJson = False,
) -> None:
    """Seal now (auditors and admins): the server verifies the log, stores a signed seal of its
    head with its seal key and hands it to the witnesses.

    The worker also seals on a schedule (TRAINOPS_SEAL_EVERY_MINUTES). Exits 1 if the log
    does not verify or a witness refused."""
    if min_new_events < 1:
        raise _fail(t("{option} must be at least 1", option="--min-new-events"))
    with api() as client:
        outcome = client.post(
            "/api/v1/audit/seals", {"min_new_events": min_new_events}, exit_codes=CHECK_FAILED
        )
    if as_json:
        print_json(outcome)
        return
    if outcome["seq"] is None:
        text = (
            t("nothing to seal: no new events since the last seal")
            if min_new_events == 1
            else t(
                "nothing to seal: fewer than {count} new events since the last seal",
                count=min_new_events,
            )
        )
        console.print(text, markup=False)
    else:
        text = t(
            "sealed seal {seq}: position {position}, signed by seal key {key}",
            seq=outcome["seq"],
            position=outcome["position"],
            key=outcome["key_id"],
        )
        console.print(text, markup=False)
    for name, seqs in outcome["witnessed"].items():
        if name.startswith("directory "):  # the server's name of a directory witness (the
            # folder's own name, never the server's path: TRAINOPS_WITNESS_DIR says where)
            name = t(
                "directory {name} on the server (TRAINOPS_WITNESS_DIR)",
                name=repr(name.removeprefix("directory ")),
            )
        text = (
            t("witness {name}: 1 seal handed over", name=name)
            if len(seqs) == 1
            else t("witness {name}: {count} seals handed over", name=name, count=len(seqs))
            if seqs
            else t("witness {name}: holds every seal already", name=name)
        )
        console.print(text, markup=False)


@audit_app.command("seals")
def list_seals(as_json: AsJson = False, output: OutputOption = None) -> None:
    """The stored seals, oldest first."""
    with api() as client:
        found = [
            Seal.model_validate(s).model_dump(mode="json")
            for s in client.get("/api/v1/audit/seals")
        ]
    columns = ["seq", "position", "sealed_at", "hash", "seal_hash"]
    show_rows(
        t("seals"),
        found,
        columns,
        output=output,
        as_json=as_json,
        cells=_seal_cells,
        fields=tuple(Seal.model_fields),
    )


def _seal_cells(seal: dict[str, Any]) -> dict[str, Any]:
    """A seal as a table row: its instant labelled (UTC), its hashes whole, to be compared
    with a witness's copy (a narrow terminal gets a block per seal, never a cut hash)."""
    return {**seal, "sealed_at": when(seal.get("sealed_at"))}


# ---------------------------------------------------------------------- replay


@audit_app.command()
def replay(
    as_of_position: Annotated[
        int | None, typer.Option(help="Rebuild the read models as they stood at this position.")
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option(help="…or as of this instant (events recorded by then; ISO, with offset)."),
    ] = None,
    max_differences: Annotated[int, typer.Option(help="List at most this many.")] = 200,
    as_json: AsJson = False,
) -> None:
    """Rebuild the read models from the log and compare them with live, row by row.

    The server rebuilds into a scratch database; exit 1 on any difference. With
    --as-of-position or --as-of, show the KPIs and programs as of that moment instead
    (`trainops kpi report --as-of-position` rates every KPI as of then)."""
    if as_of_position is not None and as_of is not None:
        raise _fail(t("give --as-of-position or --as-of, not both"))
    if as_of_position is not None and as_of_position < 0:
        raise _fail(t("{option} must be 0 or more", option="--as-of-position"))
    instant = _instant(as_of, "--as-of")
    with api() as client:
        if as_of_position is None and instant is None:
            comparison = Comparison.model_validate(
                client.get("/api/v1/audit/replay", max_differences=max_differences)
            )
        else:
            found = client.get(
                "/api/v1/audit/as-of", position=as_of_position, instant=_iso(instant)
            )
            views.print_as_of(AsOfReport.model_validate(found), as_json)
            return
    _verdict(comparison, views.print_comparison, as_json)


# ---------------------------------------------------------------------- workflows


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

    The server asks Temporal for the histories. Exits 1 if any run fails to replay (a code
    change broke running programs) or if a history and the log disagree."""
    with api() as client:
        found = client.get("/api/v1/audit/workflows", program=program or None, details=details)
    runs = [RunReplay.model_validate(run) for run in found]
    if as_json:
        print_json([run.model_dump(mode="json") for run in runs])
    else:
        for run in runs:
            views.print_run(run, details)
    failed = [r for r in runs if not r.ok and r.status != "not_found"]
    if not as_json:
        console.print(
            t("{count} runs replayed, {failed} failed", count=len(runs), failed=len(failed))
        )
    if failed:
        raise typer.Exit(1)


# ---------------------------------------------------------------------- export, proofs


def _is_archive(target: Path) -> bool:
    return target.name.endswith((".tar.gz", ".tgz"))


def _bundle_name(target: Path) -> str:
    """The folder inside the archive: named after the target when the server accepts it."""
    stem = target.name.removesuffix(".tar.gz").removesuffix(".tgz")
    allowed = stem[:1].isalnum() and all(c.isalnum() or c in "._-" for c in stem)
    return stem if allowed and stem.isascii() and len(stem) <= 100 else "trainops-export"


@audit_app.command()
def export(
    target: Annotated[Path, typer.Argument(help="A new directory, or a .tar.gz file.")],
    up_to: Annotated[int | None, typer.Option(help="Export events 1..N (default: all).")] = None,
) -> None:
    """Download a self-contained bundle an independent script can verify.

    events.jsonl, HASH_FORMULA, digest.json and kpis.json, in a new directory or a .tar.gz;
    the README's standalone script verifies it without trainops."""
    if target.exists():
        raise _fail(t("{path} exists; the export will not overwrite it", path=target))
    if up_to is not None and up_to < 1:
        raise _fail(t("{option} must be at least 1", option="--up-to"))
    if not target.parent.is_dir():  # checked before the download, not after it
        raise _fail(t("{path}: no such directory", path=target.parent))
    name = _bundle_name(target)
    workdir = Path(tempfile.mkdtemp(prefix="trainops-export-"))
    try:
        archive = workdir / f"{name}.tar.gz"
        with api() as client, archive.open("wb") as out:
            headers = client.download("/api/v1/audit/export", out.write, up_to=up_to, name=name)
        try:
            if _is_archive(target):
                shutil.move(archive, target)
            else:
                with tarfile.open(archive, "r:gz") as bundle:
                    bundle.extractall(workdir / "unpacked", filter="data")
                shutil.move(workdir / "unpacked" / name, target)
        except OSError as exc:  # the directory went away, a full disk, no permission
            reason = exc.strerror
            raise _fail(t("cannot write {path}: {reason}", path=target, reason=reason)) from exc
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    views.print_export(target, headers)


@audit_app.command()
def proofs(as_json: AsJson = False) -> None:
    """Check that every recorded action of a person carries a valid signed proof.

    Each proof is checked against the keys published in the log: signature, actor, program,
    action, content and time. Exits 1 and names the position of any unproven or bad proof."""
    with api() as client:
        report = ProofReport.model_validate(client.get("/api/v1/audit/proofs"))
    _verdict(report, views.print_proofs, as_json)
