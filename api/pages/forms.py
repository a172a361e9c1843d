"""A page's form as an action's body: lists, dicts, booleans and local times."""

from __future__ import annotations

import re
import types
from datetime import datetime
from typing import Annotated, Any, Union, get_args, get_origin
from zoneinfo import ZoneInfo

from starlette.datastructures import FormData

from domain.instants import wall_clock_instant
from services.actions import PlanBody
from services.errors import Invalid
from services.program_checks import BLANK_REFUSED

SESSION_ROWS = 5
#: Between the items of a list typed in one field: spaces, commas and semicolons, the
#: full-width ones a Chinese keyboard types too (written as escapes: sources keep one
#: punctuation, ``tests/i18n/test_punctuation.py``).
SPLIT = re.compile("[\\s,;\uff0c\uff1b]+")


def unwrap(annotation: Any) -> Any:
    while get_origin(annotation) is Annotated:
        annotation = get_args(annotation)[0]
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1:
            return unwrap(args[0])
    return annotation


def shape_of(annotation: Any) -> str:
    inner = unwrap(annotation)
    origin = get_origin(inner)
    if origin in (tuple, list, set, frozenset):
        return "list"
    if origin is dict:
        return "dict"
    if inner is bool:
        return "bool"
    return "scalar"


def form_to_fields(body: type[Any], form: FormData, zone: ZoneInfo | None = None) -> dict[str, Any]:
    """A page's form as the action's JSON body: lists from repeated fields or text split on
    commas and new lines, dicts from ``name.key`` fields, empty optional fields left out."""
    fields: dict[str, Any] = {}
    for name, info in body.model_fields.items():
        shape = shape_of(info.annotation)
        if shape == "list":
            values = [str(v) for v in form.getlist(name)]
            if len(values) == 1:
                values = [v for v in SPLIT.split(values[0]) if v]
            items = [v.strip() for v in values if v.strip()]
            if items or info.is_required() or name in form:
                fields[name] = items
        elif shape == "dict":
            prefix = f"{name}."
            found = {
                key[len(prefix) :]: str(value).strip()
                for key, value in form.multi_items()
                if key.startswith(prefix) and str(value).strip()
            }
            if found or info.is_required():
                fields[name] = found
        elif shape == "bool":
            fields[name] = form.get(name) in ("on", "true", "1", "yes")
        else:
            raw = form.get(name)
            value = str(raw).strip() if raw is not None else ""
            if not value and raw is not None and name in BLANK_REFUSED:
                value = str(raw)  # spaces alone: said as blank, as to the command line
            if value or info.is_required():
                if zone is not None and unwrap(info.annotation) is datetime and value:
                    value = localise(value, zone)
                fields[name] = value
    return fields


def typed_text(value: str) -> str:
    """A text field as sent: trimmed, but spaces alone kept, so the service says "the title is
    blank: write it in words" as it does to the command line, not the shorter "at least 1
    character" of an empty one."""
    return value.strip() or value


def localise(value: str, zone: ZoneInfo) -> str:
    """A form's time as written; without an offset, read on the program's clocks as the command
    line reads it (``domain.instants.wall_clock_instant``: a repeated time is its first
    occurrence). A time those clocks skip is refused (``Invalid``), never silently moved.
    Text that is no time is passed on for the action's own validation to name."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is None:
        try:
            moment = wall_clock_instant(moment, zone)
        except ValueError as exc:
            when = f"{moment:%Y-%m-%d %H:%M}"
            raise Invalid("error.time_skipped", when=when, zone=zone.key) from exc
    return moment.isoformat()


EXPLICIT_PLAN_FIELDS = {
    "comment",
    "program_id",
    "title",
    "planned_date",
    "timezone",
    "approvers",
    "trainees",
    "sessions",
    "evaluation_window_days",
}


def plan_extras(model: type[Any] = PlanBody) -> list[dict[str, Any]]:
    """Plan fields the form does not know by name (a newer domain's), shown as plain inputs."""
    extras = []
    for name, info in model.model_fields.items():
        if name in EXPLICIT_PLAN_FIELDS:
            continue
        shape = shape_of(info.annotation)
        if shape in ("scalar", "bool"):
            # Labelled in words ("External instructor"), which the page's catalog translates.
            label = info.title or name.replace("_", " ").capitalize()
            extras.append(
                {"name": name, "label": label, "shape": shape, "required": info.is_required()}
            )
    return extras


def sessions_from(values: dict[str, str], zone: ZoneInfo) -> list[dict[str, Any]]:
    sessions = []
    for n in range(1, SESSION_ROWS + 1):
        sid = values.get(f"session_id_{n}", "").strip()
        when = values.get(f"starts_at_{n}", "").strip()
        hours = values.get(f"hours_{n}", "").strip()
        if not (sid or when):
            continue
        session: dict[str, Any] = {"session_id": sid, "starts_at": localise(when, zone)}
        if f"hours_{n}" in values:  # as sent, blank included: refused, never a default
            session["duration_hours"] = hours
        sessions.append(session)
    return sessions


def extra_values(model: type[Any], values: dict[str, str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    for extra in plan_extras(model):
        name = extra["name"]
        if extra["shape"] == "bool":
            fields[name] = values.get(name) in ("on", "true", "1")
        elif values.get(name, "").strip():
            fields[name] = values[name].strip()
    return fields
