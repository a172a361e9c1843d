"""How ``trainops audit`` shows what the API answered: tables and lines on stdout, so the
commands stay thin (``trainops.audit_cli``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.text import Text

from audit.comparison import Comparison
from audit.digest import Digest
from audit.history import HistoryEntry
from audit.proofs import ProofReport
from audit.replay import AsOfReport
from audit.verify import VerifyReport
from domain.events import load_event
from projections.event_messages import parts, render
from services.kpi_reports import kpi_json
from services.workflow_replay import RunReplay
from trainops.db_cli import print_intact, print_problem, print_report
from trainops.language import language, t
from trainops.render import console, errors, kpi_table, print_json, print_line, rows_table, when


def _summary(entry: HistoryEntry) -> str:
    """The entry's summary in the reader's language, from its event (the server's English
    summary when the event cannot be read here)."""
    if language() == "en":
        return entry.summary
    try:
        event = load_event(entry.event_type, entry.schema_version, entry.payload)
        return render(parts(event), language())
    except Exception:  # an event this code cannot read is still shown, as the server said
        return entry.summary


def involvement_words(involvement: list[str]) -> str:
    """How a person takes part (``audit.history.PERSON_FIELDS``' words) in the reader's
    language; a field's own name when it is none of them."""
    words = {
        "actor": t("actor"),
        "trainee": t("trainee"),
        "recipient": t("recipient"),
        "specialist": t("specialist"),
        "approver": t("approver"),
        "employee": t("employee"),
        "instructor": t("instructor"),
        "control group": t("control group"),
        "account": t("account"),
    }
    return ", ".join(words.get(word, word) for word in involvement)


def history_table(entries: list[HistoryEntry], person: str | None, limit: int | None) -> None:
    columns = ["position", "occurred", "program_id", "event_type", "actor", "summary"]
    if person:
        columns.insert(5, "involvement")
    rows: list[dict[str, Any]] = [
        {
            **e.model_dump(),
            "occurred": when(e.occurred_at),  # labelled: "2027-01-15 09:05 UTC"
            "involvement": involvement_words(e.involvement),
            "summary": _summary(e),
        }
        for e in entries
    ]
    title = (
        t("history (1 event)") if len(rows) == 1 else t("history ({count} events)", count=len(rows))
    )
    rows_table(title, rows, columns)
    if limit is not None and len(rows) == limit:
        note = t(
            "showing the first {count}; use --limit, or --format jsonl/csv for everything",
            count=len(rows),
        )
        errors.print(note, markup=False)


def _checkpoint_label(label: str) -> str:
    """A checkpoint's label as ``audit.verify`` writes it, in the reader's language."""
    if label.startswith("witness seal "):
        return t("witness seal {seq}", seq=label.removeprefix("witness seal "))
    if label.startswith("seal "):
        return t("seal {seq}", seq=label.removeprefix("seal "))
    if label.startswith("digest of "):
        return t("digest of {seq}", seq=label.removeprefix("digest of "))
    return label


def print_verify(report: VerifyReport) -> None:
    if report.witnessed:
        print_report(report)  # a witness holds a seal an hour: failures and a summary only
        return
    for checkpoint in report.checkpoints:
        mark = Text(t("ok"), "green") if checkpoint.ok else Text(t("FAILED"), "red")
        line = t(
            "{label} at position {position}: ",
            label=_checkpoint_label(checkpoint.label),
            position=checkpoint.position,
        )
        print_line(Text.assemble(line, mark))
    if report.ok:
        print_intact(report.checked, report.head_position, report.head_hash)
        return
    for problem in report.problems:
        print_problem(problem.kind, problem.position, problem.detail)


def print_comparison(comparison: Comparison) -> None:
    rows_table(
        t(
            "replayed to position {replayed}, live read models at {live}",
            replayed=comparison.replayed_position,
            live=comparison.live_position,
        ),
        [table.model_dump() for table in comparison.tables],
        ["table", "live_rows", "replayed_rows", "differences"],
    )
    for difference in comparison.differences:
        key = ", ".join(f"{k}={v}" for k, v in difference.key.items())
        console.print(
            f"[red]{escape(difference.kind)}[/red] {escape(difference.table)} {escape(f'[{key}]')}"
        )
        for column in difference.columns:
            text = t(
                "    {column}: replayed {replayed}, live {live}",
                column=column.column,
                replayed=repr(column.replayed),
                live=repr(column.live),
            )
            console.print(text, markup=False)
    if comparison.unlisted_differences:
        more = t("… and {count} more differences", count=comparison.unlisted_differences)
        console.print(more, markup=False)
    if comparison.ok:
        console.print(Text(t("replay equals the live read models"), "green"))


def print_run(run: RunReplay, details: bool) -> None:
    mark = {
        "ok": Text(t("ok"), "green"),
        "failed": Text(t("FAILED"), "red"),
        "not_found": Text(t("not found"), "yellow"),
    }[run.status]
    head = t("{program} run {run}: replay ", program=run.program_id, run=run.run_id)
    tail = t(
        "; {history} history events, {log} log events",
        history=run.history_events,
        log=run.log_events,
    )
    print_line(Text.assemble(head, mark, tail))
    if run.failure:
        console.print(f"    {run.failure}", markup=False)
    if run.unmatched_log_positions:
        label = t("log events written by no activity of this run:")
        print_line(Text.assemble("    ", (label, "red"), f" {run.unmatched_log_positions}"))
    if run.unmatched_activities:
        label = t("append activities whose events are not in the log:")
        print_line(Text.assemble("    ", (label, "red"), f" {run.unmatched_activities}"))
    if details:
        rows_table(
            t("{workflow} {run}: history beside the log", workflow=run.workflow_id, run=run.run_id),
            [
                {
                    **line.model_dump(),
                    "log": ", ".join(
                        f"{p} {kind}"
                        for p, kind in zip(line.log_positions, line.log_events, strict=True)
                    ),
                }
                for line in run.lines
            ],
            ["event_id", "time", "event_type", "detail", "log"],
        )


def print_proofs(report: ProofReport) -> None:
    verdict = (t("proofs hold"), "green") if report.ok else (t("proofs fail"), "red")
    rest = t(
        ": {actions} actions ({events} events) proven by {keys} published key(s)",
        actions=report.proven_actions,
        events=report.proven_events,
        keys=len(report.keys),
    )
    print_line(Text.assemble(verdict, rest))
    for kind, count in report.unproven.items():
        text = (
            t(
                "  {count} event(s) migrated from another system rest on the operator's word",
                count=count,
            )
            if kind == "migration"
            else t(
                "  {count} event(s) in {kind} streams rest on the server's word",
                count=count,
                kind=kind,
            )
        )
        console.print(text, markup=False)
    for problem in report.problems:
        print_problem(problem.kind, problem.position, problem.detail)


class Counter:
    """Counts the records of a streamed JSON Lines or CSV answer as it passes (CSV: line ends
    outside quotes, less the header)."""

    def __init__(self, csv: bool) -> None:
        self.csv, self.quoted, self.lines = csv, False, 0

    def feed(self, chunk: str) -> None:
        if not self.csv:
            self.lines += chunk.count("\n")
            return
        for char in chunk:
            if char == '"':
                self.quoted = not self.quoted
            elif char == "\n" and not self.quoted:
                self.lines += 1

    @property
    def records(self) -> int:
        return max(self.lines - 1, 0) if self.csv else self.lines


def print_as_of(report: AsOfReport, as_json: bool) -> None:
    if as_json:
        print_json(
            {**report.model_dump(mode="json", exclude={"kpis"}), "kpis": kpi_json(report.kpis)}
        )
        return
    rows_table(
        t("programs as of position {position}", position=report.position),
        report.programs,
        ["program_id", "specialist", "status", "planned_date", "enrolled", "attended"],
    )
    kpi_table(report.kpis)


def print_export(target: Path, headers: Any) -> None:
    digest = Digest.model_validate_json(headers["X-Trainops-Digest"])
    rest = t(
        " {count} events to {path} (digest: position {position} {hash})",
        count=headers["X-Trainops-Events"],
        path=target,
        position=digest.position,
        hash=digest.hash,
    )
    print_line(Text.assemble((t("exported"), "green"), rest))
    problems = json.loads(headers.get("X-Trainops-Problems", "[]"))
    for problem in problems:
        print_problem(str(problem["kind"]), problem["position"], str(problem["detail"]))
    count = int(headers.get("X-Trainops-Problem-Count", len(problems)))
    if count > len(problems):
        more = t(
            "… and {count} more problems (the bundle holds them all)",
            count=count - len(problems),
        )
        console.print(more, markup=False)
    if count:
        raise typer.Exit(1)
