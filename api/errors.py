"""Every failure becomes a clear 4xx (or 503 when Temporal is away), never a bare 500.

JSON API paths answer ``{"detail": "..."}`` (with ``code`` and ``params`` when the error has a
message key: a refusal of the rules, a use case's error); page paths answer an HTML page in the
person's language (or send them to the sign-in page).
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, Protocol
from urllib.parse import quote

import psycopg
import structlog
from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import DataError, InterfaceError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from activities.contracts import MOVING_ON
from api.body_limit import BodyTooLarge
from api.dependencies import API_PREFIX, request_language
from api.languages import N_
from api.translator import translator
from domain.refusals import NOT_FOUND_CODES
from services.errors import (
    Conflict,
    Explained,
    Forbidden,
    Invalid,
    NotFound,
    NotYetVisible,
    TemporalTimeout,
    TemporalUnavailable,
    TooManyAttempts,
    Unavailable,
)
from services.program_client import ActionRefused
from services.validation_texts import invalid_input

HTTP_422 = 422  # Unprocessable Content (named differently across Starlette versions)
log = structlog.get_logger(__name__)


class Problem(BaseModel):
    """What went wrong, in words meant for the person who asked."""

    detail: str
    code: str = ""
    """What happened, for a program: a refusal's rule, a service error's key, or
    ``http.<status phrase>`` (``http.unauthorized``)."""
    params: dict[str, Any] = {}
    """The values ``detail`` names, for a client saying it in its own words."""


class ValidationProblem(Problem):
    errors: list[dict[str, Any]]


def describe_errors(errors: Sequence[Any], lang: str = "en") -> str:
    """A 422's ``detail``: every error as "field: problem", in ``lang``
    (``services.validation_texts``: one wording for the API, the pages and the CLI)."""
    return invalid_input(errors, lang)


def _plain_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": e.get("type"),
        }
        for e in errors
    ]


def is_api(request: Request) -> bool:
    return request.url.path.startswith(API_PREFIX)


class PageRenderer(Protocol):
    """Renders an error as a page (``install`` sets it); ``translated``: the message is in
    the reader's language already (else the page looks it up in its catalog)."""

    def __call__(
        self, request: Request, code: int, message: str, *, translated: bool = False
    ) -> Response: ...


def _page(request: Request, code: int, message: str, *, translated: bool = False) -> Response:
    render_error: PageRenderer = request.app.state.render_error
    return render_error(request, code, message, translated=translated)


def _explained_page(request: Request, code: int, exc: Exception) -> Response:
    """A use case's error as a page, in the reader's language from its key."""
    lang = request_language(request)
    said = translator(lang).error(exc)
    return _page(request, code, said, translated=said != str(exc))


def _keyed(body: dict[str, object], exc: Exception) -> dict[str, object]:
    """``body`` with the error's key as ``code`` and its ``params`` (as refusals carry them),
    so a client can say it in its own language."""
    if isinstance(exc, Explained):
        body["code"], body["params"] = exc.key, exc.params
    return body


def allowed_methods(request: Request) -> str:
    """Every method some route serves at this path (Starlette names only the first route's,
    and none for a plain route), so ``Allow`` matches the routes."""
    methods = {
        method
        for method in ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE")
        if any(
            route.matches({**request.scope, "method": method})[0] is Match.FULL
            for route in request.app.router.routes
        )
    }
    return ", ".join(sorted(methods))


#: Codes whose phrase changed between Python versions, fixed so a client's switch keeps working.
_STABLE_PHRASES = {413: "content_too_large", 422: "unprocessable_content"}


def http_code(status_code: int) -> str:
    """The ``code`` of an answer that only its status explains (``http.not_found``,
    ``http.unauthorized``): every JSON error carries one, so a client can switch on it."""
    if status_code in _STABLE_PHRASES:
        return "http." + _STABLE_PHRASES[status_code]
    try:
        phrase = HTTPStatus(status_code).phrase
    except ValueError:
        return f"http.{status_code}"
    return "http." + phrase.lower().replace(" ", "_").replace("-", "_")


def _coded(detail: str, code: str, **params: object) -> dict[str, object]:
    return {"detail": detail, "code": code, "params": params}


#: A 405's words; ``params`` carry the method and the allowed ones as data.
NOT_ALLOWED = N_("{method} is not allowed here; allowed: {allowed}")


def _error_words(request: Request, exc: Exception) -> str:
    """A use case's error as a JSON ``detail``: in the reader's language (``Accept-Language``)
    from its key, as the pages say it; English (``str(exc)``) by default."""
    lang = request_language(request)
    return str(exc) if lang == "en" else translator(lang).error(exc)


def _fixed_words(request: Request, english: str) -> str:
    """A fixed message (``N_``) as a JSON ``detail`` in the reader's language; a message the
    catalog does not hold stays as it is."""
    return translator(request_language(request))(english)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
    headers = dict(exc.headers or {})
    params: dict[str, object] = dict(getattr(exc, "params", None) or {})
    if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        headers["Allow"] = allowed_methods(request)
        params = {"method": request.method, "allowed": headers["Allow"]}
        detail = NOT_ALLOWED.format_map(params)
        said = _fixed_words(request, NOT_ALLOWED).format_map(params)
    elif isinstance(exc, BodyTooLarge):  # its words name the limit
        said = exc.words(request_language(request))
        if not is_api(request):
            return _page(request, exc.status_code, said, translated=True)
    else:
        said = _fixed_words(request, detail)
    if is_api(request):
        body = _coded(said, http_code(exc.status_code), **params)
        return JSONResponse(body, exc.status_code, headers=headers)
    if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        response = _page(request, exc.status_code, said, translated=True)
        response.headers["Allow"] = headers["Allow"]
        return response
    if exc.status_code == status.HTTP_401_UNAUTHORIZED:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?next={quote(target)}", status.HTTP_303_SEE_OTHER)
    return _page(request, exc.status_code, detail)


def _field_of(error: Any) -> str:
    """Where an error is, dotted (``body.sessions.0.starts_at``); the whole body for a rule of
    the whole body or JSON that does not parse (its location is a character offset)."""
    loc = [str(part) for part in error.get("loc", ())]
    if error.get("type") == "json_invalid" or not loc:
        return loc[0] if loc else "body"
    return ".".join(loc)


async def _validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError | ValidationError)
    errors = exc.errors()
    lang = request_language(request)
    message = describe_errors(errors, lang)
    if is_api(request):
        fields = sorted({_field_of(e) for e in errors})
        body = _coded(message, "request.invalid", fields=", ".join(fields))
        return JSONResponse({**body, "errors": _plain_errors(errors)}, HTTP_422)
    return _page(request, HTTP_422, message, translated=lang != "en")


async def _refused(request: Request, exc: Exception) -> Response:
    """The workflow refused (nothing recorded): malformed input is a 422, a session or task the
    program does not have a 404, a program still moving to a new run after the client's
    patience a 409, anything else a 403.
    The API says why in English with the refusal's ``code`` and ``params`` (for a client's
    own catalog); a page says it in the reader's language."""
    kind = getattr(exc, "kind", "")
    # the workflow's own parse says "invalid input: ..." itself: said once, never twice
    why = str(exc).removeprefix("invalid input: ")
    not_found = getattr(exc, "code", "") in NOT_FOUND_CODES
    reason = (
        f"invalid input: {why}"
        if kind == "InvalidInput"
        else str(exc)
        if not_found  # not found, not refused
        else f"refused: {exc}"
    )
    code = (
        HTTP_422
        if kind == "InvalidInput"
        else status.HTTP_404_NOT_FOUND
        if not_found
        else status.HTTP_409_CONFLICT  # busy moving to a new run: the same request, later
        if kind == MOVING_ON
        else status.HTTP_403_FORBIDDEN
    )
    log.info("action refused", reason=str(exc), kind=kind)
    lang = request_language(request)
    if is_api(request):
        if lang != "en":  # the reader's language; ``code`` and ``params`` as ever
            said = translator(lang).refusal(exc).removeprefix("invalid input: ")
            reason = (
                invalid_input([], lang) + f":{said}"
                if kind == "InvalidInput"
                else translator(lang).refused(exc)
            )
        body = _coded(reason, getattr(exc, "code", "") or f"refused.{kind or 'DomainError'}")
        if getattr(exc, "code", ""):
            body["params"] = getattr(exc, "params", {})
        again = {"Retry-After": "5"} if kind == MOVING_ON else None
        return JSONResponse(body, code, headers=again)
    return _page(request, code, translator(lang).refused(exc), translated=True)


#: The status a use case's refusal answers with (pages and JSON alike); most specific first.
SERVICE_CODES = {
    TooManyAttempts: status.HTTP_429_TOO_MANY_REQUESTS,
    NotYetVisible: status.HTTP_202_ACCEPTED,
    NotFound: status.HTTP_404_NOT_FOUND,
    Forbidden: status.HTTP_403_FORBIDDEN,
    Conflict: status.HTTP_409_CONFLICT,
    Invalid: HTTP_422,
    Unavailable: status.HTTP_503_SERVICE_UNAVAILABLE,
}


async def _service_refusal(request: Request, exc: Exception) -> Response:
    """A use case's refusal: nothing was recorded; the message says why."""
    code = next(c for kind, c in SERVICE_CODES.items() if isinstance(exc, kind))
    if code == status.HTTP_202_ACCEPTED:  # readable soon, at this very address
        headers = {"Retry-After": "2", "Location": str(request.url)}
        if is_api(request):
            said = _keyed({"detail": _error_words(request, exc)}, exc)
            return JSONResponse(said, code, headers=headers)
        return _explained_page(request, code, exc)
    if is_api(request):
        body: dict[str, object] = {"detail": _error_words(request, exc)}
        if code == HTTP_422:  # the shape of every 422: detail and the errors behind it
            body["errors"] = [{"msg": str(exc), "type": "value_error"}]
        return JSONResponse(_keyed(body, exc), code)
    return _explained_page(request, code, exc)


NOTHING_CHANGED = N_("nothing was changed, try again shortly")


async def _temporal_down(request: Request, exc: Exception) -> Response:
    log.warning("temporal unavailable", error=str(exc))
    # The cause in the reader's language (its key), then what it means for the request.
    comma = ";" if request_language(request) == "zh-CN" else "; "
    message = _error_words(request, exc) + comma + _fixed_words(request, NOTHING_CHANGED)
    if is_api(request):
        return JSONResponse(_keyed({"detail": message}, exc), status.HTTP_503_SERVICE_UNAVAILABLE)
    page = N_("Temporal cannot be reached; nothing was changed, try again shortly")
    return _page(request, status.HTTP_503_SERVICE_UNAVAILABLE, page)


async def _temporal_slow(request: Request, exc: Exception) -> Response:
    log.warning("temporal did not confirm in time", error=str(exc))
    if is_api(request):
        return JSONResponse(_keyed({"detail": str(exc)}, exc), status.HTTP_504_GATEWAY_TIMEOUT)
    return _explained_page(request, status.HTTP_504_GATEWAY_TIMEOUT, exc)


async def _bad_value(request: Request, exc: Exception) -> Response:
    """The database refused a value that passed validation (e.g. a NUL character in a path or
    a search): bad input, so a 422, and nothing was written."""
    log.info("value refused by the database", error=type(exc).__name__)
    message = N_("a value in the request cannot be stored or searched (e.g. a NUL character)")
    if is_api(request):
        body = _coded(_fixed_words(request, message), "request.unstorable_value")
        return JSONResponse(body, HTTP_422)
    return _page(request, HTTP_422, message)


async def _database_down(request: Request, exc: Exception) -> Response:
    """The database went away mid-request (a restart, a failover): what it did not commit is
    rolled back, so nothing was changed, and the request may simply be sent again."""
    log.warning("database unavailable", error=type(exc).__name__)
    message = N_(
        "the database is unavailable (restarting?); nothing was changed, try again shortly"
    )
    if is_api(request):
        body = _coded(_fixed_words(request, message), "server.database_unavailable")
        return JSONResponse(body, status.HTTP_503_SERVICE_UNAVAILABLE)
    return _page(request, status.HTTP_503_SERVICE_UNAVAILABLE, message)


async def _unexpected(request: Request, exc: Exception) -> Response:
    log.exception("unexpected error")
    message = N_("internal error; it is logged with this request's id")
    if is_api(request):
        body = _coded(_fixed_words(request, message), "server.internal_error")
        return JSONResponse(body, status.HTTP_500_INTERNAL_SERVER_ERROR)
    return _page(request, status.HTTP_500_INTERNAL_SERVER_ERROR, message)


def install(app: FastAPI, render_error: PageRenderer) -> None:
    """The handlers that turn every refusal into a 4xx with a message (JSON for ``/api/``, a
    page otherwise, drawn by ``render_error``: the pages depend on this module, not back)."""
    app.state.render_error = render_error
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(ActionRefused, _refused)
    for kind in SERVICE_CODES:
        app.add_exception_handler(kind, _service_refusal)
    app.add_exception_handler(TemporalUnavailable, _temporal_down)
    app.add_exception_handler(TemporalTimeout, _temporal_slow)
    app.add_exception_handler(DataError, _bad_value)
    app.add_exception_handler(psycopg.DataError, _bad_value)
    for down in (OperationalError, InterfaceError, psycopg.OperationalError):
        app.add_exception_handler(down, _database_down)
    app.add_exception_handler(Exception, _unexpected)


#: Responses every authenticated JSON endpoint may give, for the OpenAPI schema.
COMMON_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"model": Problem, "description": "The body could not be parsed (not JSON)."},
    401: {"model": Problem, "description": "Not signed in (no or unknown token or session)."},
    403: {"model": Problem, "description": "Signed in, but not allowed; nothing was recorded."},
    422: {"model": ValidationProblem, "description": "Bad input; nothing was recorded."},
}
TOO_LARGE: dict[int | str, dict[str, Any]] = {
    413: {
        "model": Problem,
        "description": "The body is over the API's size limit (TRAINOPS_API_MAX_REQUEST_BYTES); "
        "nothing was read or recorded.",
    }
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"model": Problem, "description": "No such thing."}
}
UNAVAILABLE: dict[int | str, dict[str, Any]] = {
    503: {"model": Problem, "description": "Temporal is unreachable; nothing was recorded."},
    504: {"model": Problem, "description": "Temporal did not confirm in time; reload to check."},
}
