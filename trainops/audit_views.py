"""How ``trainops audit`` shows what the API answered: tables and lines on stdout, so the
commands stay thin (``trainops.audit_cli``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape

from audit.comparison import Comparison
from audit.digest import Digest
from audit.history import HistoryEntry
from audit.proofs import ProofReport
from audit.replay import AsOfReport
from audit.verify import VerifyReport
from services.kpi_reports import kpi_json
from services.workflow_replay import RunReplay
from trainops.db_cli import print_report
from trainops.render import console, errors, kpi_table, print_json, rows_table


def history_table(entries: list[HistoryEntry], person: str | None, limit: int | None) -> None:
    columns = ["position", "occurred", "program_id", "event_type", "actor", "summary"]
    if person:
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
    if limit is not None and len(rows) == limit:
        errors.print(
            f"showing the first {len(rows)}; use --limit, or --format jsonl/csv for everything"
        )


def print_verify(report: VerifyReport) -> None:
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
        console.print(
            f"[red]{escape(problem.kind)}[/red] at position {problem.position}:"
            f" {escape(problem.detail)}"
        )


def print_comparison(comparison: Comparison) -> None:
    rows_table(
        f"replayed to position {comparison.replayed_position}, live read models at"
        f" {comparison.live_position}",
        [t.model_dump() for t in comparison.tables],
        ["table", "live_rows", "replayed_rows", "differences"],
    )
    for difference in comparison.differences:
        key = ", ".join(f"{k}={v}" for k, v in difference.key.items())
        console.print(
            f"[red]{escape(difference.kind)}[/red] {escape(difference.table)} {escape(f'[{key}]')}"
        )
        for column in difference.columns:
            console.print(
                f"    {column.column}: replayed {column.replayed!r}, live {column.live!r}",
                markup=False,
            )
    if comparison.unlisted_differences:
        console.print(f"… and {comparison.unlisted_differences} more differences")
    if comparison.ok:
        console.print("[green]replay equals the live read models[/green]")


def print_run(run: RunReplay, details: bool) -> None:
    mark = {
        "ok": "[green]ok[/green]",
        "failed": "[red]FAILED[/red]",
        "not_found": "[yellow]not found[/yellow]",
    }[run.status]
    console.print(
        f"{escape(run.program_id)} run {run.run_id}: replay {mark};"
        f" {run.history_events} history events, {run.log_events} log events"
    )
    if run.failure:
        console.print(f"    {run.failure}", markup=False)
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


def print_proofs(report: ProofReport) -> None:
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
        f"programs as of position {report.position}",
        report.programs,
        ["program_id", "specialist", "status", "planned_date", "enrolled", "attended"],
    )
    kpi_table(report.kpis)


def print_export(target: Path, headers: Any) -> None:
    digest = Digest.model_validate_json(headers["X-Trainops-Digest"])
    console.print(
        f"[green]exported[/green] {headers['X-Trainops-Events']} events to {target}"
        f" (digest: position {digest.position} {digest.hash})"
    )
    problems = json.loads(headers.get("X-Trainops-Problems", "[]"))
    for problem in problems:
        console.print(
            f"[red]{problem['kind']}[/red] at position {problem['position']}: {problem['detail']}"
        )
    count = int(headers.get("X-Trainops-Problem-Count", len(problems)))
    if count > len(problems):
        console.print(f"… and {count - len(problems)} more problems (the bundle holds them all)")
    if count:
        raise typer.Exit(1)
