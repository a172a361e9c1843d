"""``trainops kpi``: the rated scorecards (live or as of a past moment) and the drill-down.

A client of the HTTP API (``trainops login`` first), so the server's roles decide who reads
which card: auditors and admins every card, a specialist their own.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, Literal

import typer
import yaml
from rich.table import Table
from rich.text import Text

from domain.kpi import ExecutionKpis, Rate
from domain.ratings import Rating
from domain.scorecards import KpiValue, Scorecard
from runtime.logging import quiet_logs
from runtime.settings import get_settings
from services.kpi_reports import format_value, kpi_json, scorecard_from_json
from services.kpi_texts import WORDED_COLUMNS, evidence_word, note, sample
from services.kpi_texts import value as kpi_value
from trainops.api_client import api
from trainops.language import event, heading, kpi_label, kpi_subject, language, t, unreadable
from trainops.lazy import command_group
from trainops.render import console, fail, kpi_table, print_fitting, print_json

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]
Period = Annotated[str | None, typer.Option(help="A quarter, e.g. 2027-Q1.")]
AsOfPosition = Annotated[
    int | None, typer.Option("--as-of-position", help="As the log stood at this position.")
]
AsOf = Annotated[
    str | None,
    typer.Option("--as-of", help="As the log stood at this instant (ISO 8601 with offset)."),
]
ThresholdsFile = Annotated[
    Path | None,
    typer.Option(
        "--thresholds",
        help="YAML/JSON file: {kpi: {meets, excellent}}, optional pass_mark; rates this answer "
        "instead of the server's thresholds. Shares as fractions (0.8 for 80 %), satisfaction "
        "0-100, ROI in percent.",
    ),
]
SCOPES = ("specialist", "department", "organisation")
#: A card's name the product gives (the organisation's, people with no department), said in
#: the reader's language; a specialist's or a department's name is as written.
BUILT_IN_NAMES = ("all", "(none)")

kpi_app = command_group(
    no_args_is_help=True,
    help="KPI reports, through the API (`trainops login` first; your role decides which cards).",
)


def read_thresholds(path: Path | None) -> dict[str, Any]:
    """The reader's own thresholds, sent with the request (the server checks the KPI names)."""
    if path is None:
        return {}
    try:
        loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise fail(
            t("cannot read thresholds file {path}: {reason}", path=path, reason=unreadable(exc))
        ) from exc
    if not isinstance(loaded, dict):
        raise fail(t("{path}: expected a mapping of KPI name to {{meets, excellent}}", path=path))
    body: dict[str, Any] = {}
    if "pass_mark" in loaded:
        body["pass_mark"] = loaded.pop("pass_mark")
    body["thresholds"] = {name: value or {} for name, value in loaded.items()}
    return body


def as_of_body(position: int | None, instant: str | None) -> dict[str, Any]:
    """``as_of_position``/``as_of`` for the request, checked here so a typo is exit 2."""
    if position is not None and instant is not None:
        raise fail(t("give --as-of-position or --as-of, not both"))
    if instant is not None:
        try:
            moment = datetime.fromisoformat(instant)
        except ValueError as exc:
            said = t(
                "{option} {value} is not an instant, e.g. 2027-01-15T09:00:00+08:00",
                option="--as-of",
                value=repr(instant),
            )
            raise fail(said) from exc
        if moment.utcoffset() is None:
            message = t(
                "{option} {value} needs a UTC offset, e.g. 2027-01-15T09:00:00+08:00",
                option="--as-of",
                value=repr(instant),
            )
            raise fail(message)
        return {"as_of": moment.isoformat()}
    return {} if position is None else {"as_of_position": position}


def known_scopes(names: Iterable[str]) -> None:
    """Refuse a scope the server does not know before asking it, so a typo is exit 2."""
    for name in names:
        if name not in SCOPES:
            raise fail(
                t("unknown scope {scope}: specialist, department or organisation", scope=repr(name))
            )


def ask_rated(
    path: str,
    question: dict[str, Any],
    thresholds_file: Path | None,
    as_of_position: int | None,
    as_of: str | None,
) -> Any:
    """POST a KPI question (report or explain) with the reader's thresholds and as-of moment."""
    body = {
        **question,
        **read_thresholds(thresholds_file),
        **as_of_body(as_of_position, as_of),
    }
    with api() as client:
        return client.post(path, body)


# ---------------------------------------------------------------------- rendering


_STYLE = {
    Rating.EXCELLENT: "green",
    Rating.MEETS: "cyan",
    Rating.BELOW: "red",
    Rating.NOT_RATED: "dim",
}


def scorecard_table(card: Scorecard) -> Table:
    attainment = t("n/a") if card.attainment is None else f"{card.attainment:.0%}"
    title = t(
        "{scope} {name} — {period}: KPI attainment {attainment} "
        "({attained}/{rated} rated meets or better)",
        scope=t(card.scope),
        name=t(card.name) if card.name in BUILT_IN_NAMES else card.name,
        period=card.period,
        attainment=attainment,
        attained=card.attained,
        rated=card.rated,
    )
    table = Table(title=Text(title), title_justify="left")
    for column in ("KPI", "value", "95 % CI", "sample", "rating"):
        justify: Literal["left", "right"] = "right" if column in ("value", "95 % CI") else "left"
        table.add_column(Text(heading(column)), justify=justify, overflow="fold")
    for k in card.kpis:
        ci = (
            f"{format_value(k.interval.low, k.unit)} – {format_value(k.interval.high, k.unit)}"
            if k.interval
            else ""
        )
        style = _STYLE[k.rating]
        shown = sample(k, language())
        table.add_row(
            Text(
                kpi_label(k.kpi, k.subject)
                if k.headline
                else f"  ↳ {kpi_subject(k.kpi, k.subject)}"
            ),
            Text(kpi_value(k.value, k.unit, language())),
            Text(ci),
            Text(f"{shown} ({note(k.note, language())})" if k.note else shown),
            Text(t(k.rating.value), style=style),
        )
    return table


def print_report(cards: Sequence[Scorecard], position: int) -> None:
    if not cards:
        console.print(t("no scorecards yet: a program counts once it is planned"), markup=False)
    for card in cards:
        print_fitting(scorecard_table(card))
    console.print(Text(t("read models at log position {position}", position=position), "dim"))


# ---------------------------------------------------------------------- commands


@kpi_app.command("report")
def report(
    period: Period = None,
    specialist: Annotated[str | None, typer.Option(help="Only this specialist's cards.")] = None,
    department: Annotated[str | None, typer.Option(help="Only this department's cards.")] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option(help="specialist, department or organisation (repeatable)."),
    ] = None,
    thresholds_file: ThresholdsFile = None,
    as_of_position: AsOfPosition = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Every KPI, rated, per specialist, department and organisation and quarter: execution,
    L1 satisfaction, L2 pass rate and mastery, L3/L4 effects, ROI and resources."""
    quiet_logs(get_settings())
    known_scopes(scope or ())
    question = {
        "period": period,
        "specialist": specialist,
        "department": department,
        "scopes": list(scope or SCOPES),
    }
    found = ask_rated("/api/v1/kpi/report", question, thresholds_file, as_of_position, as_of)
    if as_json:
        print_json(found)
    else:
        print_report([scorecard_from_json(c) for c in found["scorecards"]], found["position"])


@kpi_app.command("execution")
def execution(
    period: Period = None,
    specialist: Annotated[str | None, typer.Option()] = None,
    as_json: AsJson = False,
) -> None:
    """Only the execution KPIs per specialist and quarter, unrated (the audit bundle's
    ``kpis.json`` shape)."""
    quiet_logs(get_settings())
    with api() as client:
        rows = client.get("/api/v1/kpi", period=period, specialist=specialist)
    found = [_execution(row) for row in rows]
    if as_json:
        print_json(kpi_json(found))
    else:
        kpi_table(found)


def _execution(row: dict[str, Any]) -> ExecutionKpis:
    """``GET /api/v1/kpi``'s rated row, unrated again (the counts are what the table shows)."""

    def rate(name: str) -> Rate:
        return Rate(numerator=row[name]["numerator"], denominator=row[name]["denominator"])

    return ExecutionKpis(
        specialist=row["specialist"],
        period=row["period"],
        plan_completion=rate("plan_completion_rate"),
        on_time=rate("on_time_rate"),
        participation=rate("participation_rate"),
        planned=row.get("planned", 0),
        due=row.get("due", 0),
        completed=row.get("completed", 0),
        on_track=row.get("on_track", 0),
    )


@kpi_app.command("explain")
def explain(
    kpi: Annotated[str, typer.Argument(help="e.g. satisfaction, exam_pass_rate, roi_percent.")],
    scope: Annotated[str, typer.Option(help="specialist, department or organisation.")],
    name: Annotated[str, typer.Option(help="The specialist, the department, or 'all'.")],
    period: Annotated[str, typer.Option(help="e.g. 2027-Q1.")],
    subject: Annotated[
        str, typer.Option(help="A dimension, knowledge point, study, course, …")
    ] = "",
    thresholds_file: ThresholdsFile = None,
    as_of_position: AsOfPosition = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Drill down: the number on a scorecard and every event behind it, by log position.

    Exits 4 when there is no such card or KPI (the message lists the card's KPIs)."""
    quiet_logs(get_settings())
    known_scopes((scope,))
    question = {"kpi": kpi, "scope": scope, "name": name, "period": period, "subject": subject}
    found = ask_rated("/api/v1/kpi/explain", question, thresholds_file, as_of_position, as_of)
    if as_json:
        print_json(found)
        return
    row = KpiValue.model_validate(found["kpi"])
    rows = [_said(found_row) for found_row in found["evidence"]]
    said = sample(row, language())
    text = t(
        "{kpi} = {value} ({sample}), {rating}; programs: {programs}",
        kpi=kpi_label(row.kpi, row.subject)
        if row.headline
        else f"{kpi_label(row.kpi, '')}: {kpi_subject(row.kpi, row.subject)}",
        value=kpi_value(row.value, row.unit, language()),
        sample=f"{said}, {note(row.note, language())}" if row.note else said,
        rating=t(row.rating.value),
        programs=", ".join(row.programs) or t("none"),
    )
    console.print(text, markup=False, highlight=False)
    columns = list(dict.fromkeys(key for found_row in rows for key in found_row))
    title = t("{count} read-model row(s) behind it, each with its log position", count=len(rows))
    table = Table(title=Text(title))
    for column in columns:
        said = evidence_word(column, language()) or heading(column)
        table.add_column(Text(said), overflow="fold")
    for found_row in rows:
        table.add_row(*(Text(_cell(column, found_row.get(column))) for column in columns))
    print_fitting(table)


def _said(row: dict[str, Any]) -> dict[str, Any]:
    """An evidence row as the reader reads it: a timeline row's summary put into words from its
    message keys (``message`` itself is for ``--json``)."""
    if "message" not in row:
        return row
    shown = {key: value for key, value in row.items() if key != "message"}
    shown["summary"] = event(row)
    return shown


def _cell(column: str, value: Any) -> str:
    """A read-model value as written; a row's kind and a survey's built-in dimension in the
    reader's language."""
    if column in WORDED_COLUMNS and isinstance(value, str):
        return evidence_word(value, language()) or value
    if column == "dimension" and isinstance(value, str):
        return evidence_word(value, language()) or kpi_subject("satisfaction", value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else str(value)
