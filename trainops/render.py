"""Tables and JSON for people reading the command line."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from domain.kpi import ExecutionKpis, Rate

console = Console()
errors = Console(stderr=True)


def fail(message: str, code: int = 2, *, to_stderr: bool = True) -> typer.Exit:
    """Print ``message`` as an error on stderr (as typed: ``[optional]`` stays, never markup)
    and return the exit to raise (code 2: bad input)."""
    (errors if to_stderr else console).print(f"[red]error:[/red] {escape(message)}")
    return typer.Exit(code)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def print_json(data: Any) -> None:
    console.print_json(json.dumps(data, default=_plain, ensure_ascii=False))


def rows_table(title: str, rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> None:
    """A table of ``rows``; every cell and the title are plain text (``[note]`` in a title is
    printed as typed, never read as markup)."""
    table = Table(title=Text(title))
    for column in columns:
        table.add_column(Text(column))
    for row in rows:
        table.add_row(*(Text(str(_plain(row.get(column, "")))) for column in columns))
    console.print(table)


def _rate(rate: Rate) -> str:
    if rate.value is None:
        return f"n/a ({rate.numerator}/{rate.denominator})"
    return f"{rate.value:6.1%} ({rate.numerator}/{rate.denominator})"


def kpi_json(report: Sequence[ExecutionKpis]) -> list[dict[str, Any]]:
    def rate(r: Rate) -> dict[str, Any]:
        return {"value": r.value, "numerator": r.numerator, "denominator": r.denominator}

    return [
        {
            "specialist": k.specialist,
            "period": k.period,
            "plan_completion_rate": rate(k.plan_completion),
            "on_time_rate": rate(k.on_time),
            "participation_rate": rate(k.participation),
            "planned": k.planned,
            "due": k.due,
            "completed": k.completed,
            "on_track": k.on_track,
        }
        for k in report
    ]


def kpi_table(report: Sequence[ExecutionKpis]) -> None:
    table = Table(title="Execution KPIs per specialist and quarter")
    for column in ("specialist", "period", "plan completion", "on time", "participation"):
        table.add_column(column, justify="left" if column in {"specialist", "period"} else "right")
    for k in report:
        table.add_row(
            k.specialist,
            k.period,
            _rate(k.plan_completion),
            _rate(k.on_time),
            _rate(k.participation),
        )
    console.print(table)
