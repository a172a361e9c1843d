"""A query parameter the address does not take is refused (a 422 naming it and the ones it
does take), never ignored: ``?limit=abc`` on a list that has no limit would otherwise answer
the whole list as if it had been honoured. A parameter given twice is refused too, unless it
takes a list: ``?limit=1&limit=2`` was answered as if only the last had been sent."""

from __future__ import annotations

from collections import Counter
from types import UnionType
from typing import Any, Union, get_args, get_origin

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute
from pydantic import BaseModel


def refuse_unknown_query(request: Request) -> None:
    """Every route's first dependency (``api.app``): the query names its parameters do not
    declare, each as a validation error of its own, said as any other 422."""
    if not request.query_params:
        return
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return  # static files, the OpenAPI document: not ours to police
    known = query_names(route)
    unknown = sorted(set(request.query_params) - known)
    takes = ", ".join(sorted(known))
    problems: list[dict[str, Any]] = [
        {
            "type": "query.unknown" if known else "query.none",
            "loc": ("query", name),
            "msg": (
                f"unknown query parameter; this address takes {takes}"
                if known
                else "unknown query parameter; this address takes none"
            ),
            "input": request.query_params[name],
            "ctx": {"known": takes},
        }
        for name in unknown
    ]
    # ``?limit=1&limit=2`` answered as if only the last had been sent: refused, as a form
    # field given twice would be, unless the parameter takes a list (``?event_type=`` …)
    given = Counter(key for key, _ in request.query_params.multi_items())
    single = known - query_lists(route)
    problems += [
        {
            "type": "query.repeated",
            "loc": ("query", name),
            "msg": "given more than once; this parameter takes one value",
            "input": request.query_params.getlist(name),
            "ctx": {"known": takes},
        }
        for name in sorted(name for name, times in given.items() if times > 1 and name in single)
    ]
    if problems:
        raise RequestValidationError(problems)


def query_names(route: APIRoute) -> frozenset[str]:
    """The query names ``route`` declares, its dependencies' included (by alias; a model's
    fields for a model of query parameters); worked out once a route (routes are not
    hashable, so it is kept on the route)."""
    found: frozenset[str] | None = getattr(route, "_trainops_query_names", None)
    if found is None:
        found = _declared(route)
        route._trainops_query_names = found  # type: ignore[attr-defined]
    return found


def query_lists(route: APIRoute) -> frozenset[str]:
    """Those of ``route``'s query names that take a list (may be given more than once)."""
    found: frozenset[str] | None = getattr(route, "_trainops_query_lists", None)
    if found is None:
        found = frozenset(
            field.alias
            for dependant in _dependants(route)
            for field in dependant.query_params
            if _takes_many(field.field_info.annotation)
        )
        route._trainops_query_lists = found  # type: ignore[attr-defined]
    return found


def _takes_many(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (list, tuple, set, frozenset):
        return True
    return origin in (Union, UnionType) and any(_takes_many(a) for a in get_args(annotation))


def _dependants(route: APIRoute) -> list[Dependant]:
    found: list[Dependant] = []
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        found.append(dependant)
        pending.extend(dependant.dependencies)
    return found


def _declared(route: APIRoute) -> frozenset[str]:
    names: set[str] = set()
    for dependant in _dependants(route):
        for field in dependant.query_params:
            kind = field.field_info.annotation
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                names.update(f.alias or n for n, f in kind.model_fields.items())
            else:
                names.add(field.alias)
    return frozenset(names)
