"""The rated KPI report and its drill-down, for the API (and through it the command line).

One place decides who may read which scorecards and what thresholds rate them, so
``trainops kpi report``, ``GET /api/v1/kpi/scorecards`` and the dashboard give one answer:
auditors and admins read every card; a specialist reads only their own.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import Engine

from activities.config_versions import kpi_rules
from domain.kpi import ExecutionKpis, Rate
from domain.ratings import EXECUTION_KPIS, KpiRules, Thresholds
from domain.scorecards import KpiValue, Scope, Scorecard
from eventlog import EventStore
from projections import kpi_queries
from runtime.settings import Settings
from services.database import Database
from services.errors import Forbidden, Invalid, NotFound
from services.people import Person, require_role

SCOPES: tuple[Scope, ...] = ("specialist", "department", "organisation")


# ---------------------------------------------------------------------- thresholds


def load_thresholds(
    path: Path | None,
    settings: Settings,
    extra: Mapping[str, Any] | None = None,
    configured: KpiRules | None = None,
) -> tuple[Thresholds, float]:
    """Defaults (the product's), the execution rates from settings, the file's overrides, the
    versioned configuration's ``kpi`` section (``configured``), then ``extra`` (what a reader
    asks for, e.g. ``trainops kpi report --thresholds``).

    ``ValueError`` names what is wrong: the edges turn it into their own refusal."""
    overrides: dict[str, Any] = {
        k: {"meets": settings.kpi_meets_rate, "excellent": settings.kpi_excellent_rate}
        for k in EXECUTION_KPIS
    }
    pass_mark = settings.exam_pass_mark
    layers: list[dict[str, Any]] = []
    if configured is not None:
        section: dict[str, Any] = {
            name: threshold.model_dump() for name, threshold in configured.thresholds.items()
        }
        if configured.pass_mark is not None:
            section["pass_mark"] = configured.pass_mark
        layers.append(section)
    if path is not None:
        try:
            loaded = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            raise ValueError(f"cannot read thresholds file {path}: {exc}") from exc
        if not isinstance(loaded, dict):
            raise ValueError(f"{path}: expected a mapping of KPI name to {{meets, excellent}}")
        layers.insert(0, loaded)  # the file is older than the versioned configuration
    if extra:
        layers.append(dict(extra))
    for layer in layers:
        try:
            if "pass_mark" in layer:
                pass_mark = float(layer.pop("pass_mark"))
            for name, value in layer.items():
                overrides[name] = {**overrides.get(name, {}), **(value or {})}
        except (TypeError, ValueError) as exc:
            raise ValueError(f"thresholds: {exc}") from exc
    try:
        return Thresholds.with_overrides(overrides), pass_mark
    except ValueError as exc:
        raise ValueError(f"thresholds: {exc}") from exc


def thresholds_in_force(
    store: EventStore, settings: Settings, extra: Mapping[str, Any] | None = None
) -> tuple[Thresholds, float]:
    """The thresholds and exam pass mark every page, command and export rates with."""
    return load_thresholds(
        settings.kpi_thresholds_file, settings, extra, kpi_rules(store, settings.config_file)
    )


# ---------------------------------------------------------------------- who reads what


def readable(
    user: Person,
    specialist: str | None,
    department: str | None,
    scopes: Sequence[Scope] = SCOPES,
) -> tuple[str | None, str | None, tuple[Scope, ...]]:
    """The filters ``user`` may read with: as asked for auditors and admins; a specialist's own
    cards only (``Forbidden`` if they ask for anyone else's)."""
    if user.has("auditor", "admin"):
        return specialist, department, tuple(scopes)
    require_role(user, "specialist", doing="reading KPI scorecards")
    if specialist not in (None, user.username) or department is not None:
        raise Forbidden("error.own_scorecards_only", username=user.username)
    if any(scope != "specialist" for scope in scopes) and tuple(scopes) != SCOPES:
        raise Forbidden("error.own_specialist_scorecards_only", username=user.username)
    return user.username, None, ("specialist",)


def may_explain(user: Person, scope: Scope, name: str) -> None:
    """Auditors and admins open any card; a specialist only their own (as ``readable``)."""
    if user.has("auditor", "admin"):
        return
    require_role(user, "specialist", doing="reading KPI scorecards")
    if (scope, name) != ("specialist", user.username):
        raise Forbidden("error.own_scorecards_only", username=user.username)


# ---------------------------------------------------------------------- as of a moment


@contextmanager
def read_models_as_of(
    database: Database, position: int | None = None, instant: datetime | None = None
) -> Iterator[tuple[Engine, int]]:
    """The live read models, or the log replayed up to a position/instant (``audit.replay``);
    ``ValueError`` for both at once or an instant without a time zone."""
    from audit.replay import position_at, replayed

    if position is None and instant is None:
        yield database.engine, database.projector.position()
        return
    if position is not None and instant is not None:
        raise ValueError("give a position or an instant, not both")
    head = database.store.head()[0]
    if position is not None and position > head:  # never silently the head
        raise Invalid("error.past_the_head", position=position, head=head)
    if instant is not None:
        position = position_at(database.store, instant)
    with replayed(database.store, up_to=position) as replay:
        yield replay.engine, replay.position


# ---------------------------------------------------------------------- JSON


def kpi_row_json(k: KpiValue) -> dict[str, Any]:
    return {
        "kpi": k.kpi,
        "subject": k.subject,
        "label": k.label,
        "headline": k.headline,
        "value": k.value,
        "exact": k.exact,
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


def scorecard_from_json(data: Mapping[str, Any]) -> Scorecard:
    """The card back from its JSON (a client renders what the server sent)."""
    attainment = data["attainment"]
    return Scorecard(
        scope=data["scope"],
        name=data["name"],
        period=data["period"],
        kpis=tuple(KpiValue.model_validate(k) for k in data["kpis"]),
        attained=attainment["numerator"],
        rated=attainment["denominator"],
    )


# ---------------------------------------------------------------------- the use cases


def report(
    database: Database,
    user: Person,
    thresholds: Thresholds,
    pass_mark: float,
    *,
    period: str | None = None,
    specialist: str | None = None,
    department: str | None = None,
    scopes: Sequence[Scope] = SCOPES,
    position: int | None = None,
    instant: datetime | None = None,
) -> dict[str, Any]:
    """``trainops kpi report --json``: the cards ``user`` may read, rated, with the log
    position they stand at and the thresholds that rated them."""
    specialist, department, scopes = readable(user, specialist, department, scopes)
    with read_models_as_of(database, position, instant) as (engine, at):
        cards = kpi_queries.kpi_report(
            engine,
            thresholds,
            pass_mark=pass_mark,
            period=period,
            specialist=specialist,
            department=department,
            scopes=scopes,
        )
    return {
        "position": at,
        "pass_mark": pass_mark,
        "thresholds": {k: t.model_dump() for k, t in thresholds.by_kpi.items()},
        "scorecards": [scorecard_json(c) for c in cards],
    }


def explain(
    database: Database,
    user: Person,
    thresholds: Thresholds,
    pass_mark: float,
    *,
    kpi: str,
    scope: Scope,
    name: str,
    period: str,
    subject: str = "",
    position: int | None = None,
    instant: datetime | None = None,
) -> dict[str, Any]:
    """``trainops kpi explain --json``: one number of a card and every read-model row (with
    its log position) behind it; ``NotFound`` names what the card has instead."""
    may_explain(user, scope, name)
    with read_models_as_of(database, position, instant) as (engine, at):
        card = kpi_queries.scorecard(engine, thresholds, scope, name, period, pass_mark=pass_mark)
        if card is None:
            raise NotFound("error.no_scorecard", scope=scope, name=name, period=period)
        row = card.find(kpi, subject)
        if row is None:
            known = sorted(
                {
                    f"{k.kpi}{' --subject ' + repr(k.subject) if k.subject else ''}"
                    for k in card.kpis
                }
            )
            raise NotFound("error.no_kpi_on_scorecard", kpi=kpi, known=", ".join(known))
        rows = kpi_queries.evidence(engine, kpi, row.programs, subject)
    return {"position": at, "kpi": kpi_row_json(row), "evidence": rows}


# ---------------------------------------------------------------------- how values read


def format_value(value: float | None, unit: str) -> str:
    """A KPI value as the table, the dashboard and the explanation show it."""
    if value is None:
        return "n/a"
    match unit:
        case "rate" | "ratio":
            return f"{value:.1%}"
        case "relative":
            return f"{value:+.1%}"
        case "percent":
            return f"{value:.2f} %"  # ROI: two decimals of a percent (0.67 %, not 0.7)
    return f"{value:.1f}"


def format_sample(k: KpiValue) -> str:
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


def kpi_json(report: Sequence[ExecutionKpis]) -> list[dict[str, Any]]:
    """Execution KPIs as the CLI, the demo and the audit bundle print them."""

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
