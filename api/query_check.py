"""A query parameter the address does not take is refused (a 422 naming it and the ones it
does take), never ignored: ``?limit=abc`` on a list that has no limit would otherwise answer
the whole list as if it had been honoured."""

from __future__ import annotations

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
    if not unknown:
        return
    takes = ", ".join(sorted(known))
    raise RequestValidationError(
        [
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
    )


def query_names(route: APIRoute) -> frozenset[str]:
    """The query names ``route`` declares, its dependencies' included (by alias; a model's
    fields for a model of query parameters); worked out once a route (routes are not
    hashable, so it is kept on the route)."""
    found: frozenset[str] | None = getattr(route, "_trainops_query_names", None)
    if found is None:
        found = _declared(route)
        route._trainops_query_names = found  # type: ignore[attr-defined]
    return found


def _declared(route: APIRoute) -> frozenset[str]:
    names: set[str] = set()
    pending: list[Dependant] = [route.dependant]
    while pending:
        dependant = pending.pop()
        pending.extend(dependant.dependencies)
        for field in dependant.query_params:
            kind = field.field_info.annotation
            if isinstance(kind, type) and issubclass(kind, BaseModel):
                names.update(f.alias or n for n, f in kind.model_fields.items())
            else:
                names.add(field.alias)
    return frozenset(names)
