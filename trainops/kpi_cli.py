"""``trainops kpi``: the rated scorecards (live or as of a past moment) and the drill-down."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any

import typer
import yaml
from rich.table import Table
from sqlalchemy import Engine

from domain.ratings import EXECUTION_KPIS, Rating, Thresholds
from domain.scorecards import KpiValue, Scope, Scorecard
from projections import kpi_queries, queries
from trainops.database import open_database
from trainops.logging import quiet_logs
from trainops.render import console, fail, kpi_json, kpi_table, print_json
from trainops.settings import Settings, get_settings

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
        help="YAML/JSON file: {kpi: {meets, excellent}}, optional pass_mark "
        "(default: TRAINOPS_KPI_THRESHOLDS_FILE).",
    ),
]


def load_thresholds(path: Path | None, settings: Settings) -> tuple[Thresholds, float]:
    """Defaults (DESIGN.md), the execution rates from settings, then the file's overrides."""
    overrides: dict[str, Any] = {
        k: {"meets": settings.kpi_meets_rate, "excellent": settings.kpi_excellent_rate}
        for k in EXECUTION_KPIS
    }
    pass_mark = settings.exam_pass_mark
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            raise fail(f"cannot read thresholds file {path}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise fail(f"{path}: expected a mapping of KPI name to {{meets, excellent}}")
        if "pass_mark" in loaded:
            pass_mark = float(loaded.pop("pass_mark"))
        for name, value in loaded.items():
            overrides[name] = {**overrides.get(name, {}), **(value or {})}
    try:
        return Thresholds.with_overrides(overrides), pass_mark
    except ValueError as exc:
        raise fail(f"thresholds: {exc}") from exc


@contextmanager
def _engine_as_of(position: int | None, instant: str | None) -> Iterator[tuple[Engine, int]]:
    """The live read models, or the log replayed up to a position/instant (``audit.replay``)."""
    from audit.replay import position_at, replayed

    database = open_database(get_settings().database_url)
    try:
        if position is None and instant is None:
            yield database.engine, database.projector.position()
            return
        if position is not None and instant is not None:
            raise fail("give --as-of-position or --as-of, not both")
        if instant is not None:
            try:
                position = position_at(database.store, datetime.fromisoformat(instant))
            except ValueError as exc:
                raise fail(f"--as-of: {exc}") from exc
        with replayed(database.store, up_to=position) as replay:
            yield replay.engine, replay.position
    finally:
        database.close()


# ---------------------------------------------------------------------- rendering


def _fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "n/a"
    match unit:
        case "rate" | "ratio":
            return f"{value:.1%}"
        case "relative":
            return f"{value:+.1%}"
        case "percent":
            return f"{value:.1f} %"
    return f"{value:.1f}"


def _sample(k: KpiValue) -> str:
    if k.kpi == "roi_percent":
        d = k.detail
        return f"benefits {d['benefits']} / costs {d['costs']}, BCR {d['bcr'] or 'n/a'}"
    if k.unit in ("rate", "ratio") and k.denominator is not None:
        return f"{k.numerator:g}/{k.denominator:g}"
    if k.unit == "relative":
        d = k.detail
        text = f"{d.get('trained', 0)} trained, {d.get('control', 0)} control"
        if "p_value" in d:
            text += f"; DiD {d['estimate']:+.3g} (SE {d['standard_error']:.3g}),"
            text += f" p={d['p_value']:.3g}, d={d['cohens_d']:.2f}"
        return text
    return f"n={k.n}"


#: The table's formatting, for other renderers (the web dashboard).
format_value = _fmt
format_sample = _sample

_STYLE = {
    Rating.EXCELLENT: "green",
    Rating.MEETS: "cyan",
    Rating.BELOW: "red",
    Rating.NOT_RATED: "dim",
}


def kpi_row_json(k: KpiValue) -> dict[str, Any]:
    return {
        "kpi": k.kpi,
        "subject": k.subject,
        "label": k.label,
        "headline": k.headline,
        "value": k.value,
        "unit": k.unit,
        "numerator": k.numerator,
        "denominator": k.denominator,
        "n": k.n,
        "interval": k.interval.model_dump() if k.interval else None,
        "rating": k.rating.value,
        "note": k.note,
        "detail": k.detail,
        "programs": list(k.programs),
    }


def scorecard_json(card: Scorecard) -> dict[str, Any]:
    return {
        "scope": card.scope,
        "name": card.name,
        "period": card.period,
        "attainment": {
            "value": card.attainment,
            "numerator": card.attained,
            "denominator": card.rated,
        },
        "kpis": [kpi_row_json(k) for k in card.kpis],
    }


def report_json(
    cards: Sequence[Scorecard], position: int, thresholds: Thresholds, pass_mark: float
) -> dict[str, Any]:
    return {
        "position": position,
        "pass_mark": pass_mark,
        "thresholds": {k: t.model_dump() for k, t in thresholds.by_kpi.items()},
        "scorecards": [scorecard_json(c) for c in cards],
    }


def scorecard_table(card: Scorecard) -> Table:
    attainment = "n/a" if card.attainment is None else f"{card.attainment:.0%}"
    table = Table(
        title=f"{card.scope} {card.name} — {card.period}: KPI attainment {attainment}"
        f" ({card.attained}/{card.rated} rated meets or better)",
        title_justify="left",
    )
    for column in ("KPI", "value", "95 % CI", "sample", "rating"):
        table.add_column(column, justify="right" if column in ("value", "95 % CI") else "left")
    for k in card.kpis:
        ci = (
            f"{_fmt(k.interval.low, k.unit)} – {_fmt(k.interval.high, k.unit)}"
            if k.interval
            else ""
        )
        style = _STYLE[k.rating]
        table.add_row(
            k.label if k.headline else f"  ↳ {k.subject}",
            _fmt(k.value, k.unit),
            ci,
            f"{_sample(k)} ({k.note})" if k.note else _sample(k),
            f"[{style}]{k.rating.value}[/{style}]",
        )
    return table


def print_report(cards: Sequence[Scorecard], position: int) -> None:
    if not cards:
        console.print("no scorecards yet: a program counts once it is planned")
    for card in cards:
        console.print(scorecard_table(card))
    console.print(f"[dim]read models at log position {position}[/dim]")


# ---------------------------------------------------------------------- commands


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
    settings = get_settings()
    thresholds, pass_mark = load_thresholds(
        thresholds_file or settings.kpi_thresholds_file, settings
    )
    scopes: list[Scope] = []
    for name in scope or ("specialist", "department", "organisation"):
        if name not in ("specialist", "department", "organisation"):
            raise fail(f"unknown scope {name!r}: specialist, department or organisation")
        scopes.append(name)  # type: ignore[arg-type]
    with _engine_as_of(as_of_position, as_of) as (engine, position):
        cards = kpi_queries.kpi_report(
            engine,
            thresholds,
            pass_mark=pass_mark,
            period=period,
            specialist=specialist,
            department=department,
            scopes=scopes,
        )
    if as_json:
        print_json(report_json(cards, position, thresholds, pass_mark))
    else:
        print_report(cards, position)


def execution(
    period: Period = None,
    specialist: Annotated[str | None, typer.Option()] = None,
    as_json: AsJson = False,
) -> None:
    """Only the execution KPIs per specialist and quarter, unrated (the audit bundle's
    ``kpis.json`` shape)."""
    database = open_database(get_settings().database_url)
    try:
        found = queries.execution_report(database.engine, period=period, specialist=specialist)
    finally:
        database.close()
    if as_json:
        print_json(kpi_json(found))
    else:
        kpi_table(found)


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
    """Drill down: the number on a scorecard and every event behind it, by log position."""
    quiet_logs(get_settings())
    settings = get_settings()
    thresholds, pass_mark = load_thresholds(
        thresholds_file or settings.kpi_thresholds_file, settings
    )
    with _engine_as_of(as_of_position, as_of) as (engine, position):
        card = kpi_queries.scorecard(
            engine,
            thresholds,
            scope,  # type: ignore[arg-type]
            name,
            period,
            pass_mark=pass_mark,
        )
        if card is None:
            raise fail(f"no {scope} scorecard {name!r} for {period}", code=1)
        row = card.find(kpi, subject)
        if row is None:
            known = sorted(
                {
                    f"{k.kpi}{' --subject ' + repr(k.subject) if k.subject else ''}"
                    for k in card.kpis
                }
            )
            raise fail(f"no KPI {kpi!r} on that scorecard; it has: {', '.join(known)}", code=1)
        rows = kpi_queries.evidence(engine, kpi, row.programs, subject)
    if as_json:
        print_json({"position": position, "kpi": kpi_row_json(row), "evidence": rows})
        return
    console.print(
        f"{row.label} = {_fmt(row.value, row.unit)} ({_sample(row)}), {row.rating.value};"
        f" programs: {', '.join(row.programs) or 'none'}"
    )
    columns = list(dict.fromkeys(key for found in rows for key in found))
    table = Table(title=f"{len(rows)} read-model row(s) behind it, each with its log position")
    for column in columns:
        table.add_column(column)
    for found in rows:
        table.add_row(*(_cell(found.get(c)) for c in columns))
    console.print(table)


def _cell(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, default=str)
    return "" if value is None else str(value)


def register(kpi_app: typer.Typer) -> None:
    commands: list[tuple[str, Callable[..., None]]] = [
        ("report", report),
        ("execution", execution),
        ("explain", explain),
    ]
    for command_name, function in commands:
        kpi_app.command(command_name)(function)
