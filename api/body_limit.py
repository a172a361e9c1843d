"""A request body is read only up to its limit, so a client cannot make the API hold or spool an
unbounded body. A declared ``Content-Length`` over the limit is refused before anything is read;
a chunked body as soon as it passes the limit. Either way the answer is the API's usual JSON
error (413, naming the limit) with the security headers, never a partial read; on a page's
path (a form, a file sent from a program's page) it is a page in the reader's language, as
every other refusal there.

Starlette and FastAPI have a body limit of their own, but it answers in plain text from outside
the application's middleware (no JSON ``detail``, no security headers, no request id).
"""

from __future__ import annotations

import json
from collections.abc import Mapping

from fastapi import HTTPException
from starlette.requests import Request, cookie_parser
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.dependencies import API_PREFIX, LANG_COOKIE
from api.languages import N_, negotiate
from api.translator import translator

#: The 413's words; ``params`` carry the limit in bytes as data.
TOO_LARGE = N_("the request body is larger than {size}; nothing was read or recorded")


def _too_large(limit: int, lang: str = "en") -> str:
    """The refusal in ``lang``, naming the limit (2.0 MiB, 512 KiB)."""
    size = f"{limit / 1024 / 1024:.1f} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
    return translator(lang)(TOO_LARGE).format(size=size)


def _language(scope: Scope) -> str:
    """The reader's language as the pages choose it: the cookie, else ``Accept-Language``."""
    headers = dict(scope.get("headers") or [])
    cookies = cookie_parser(headers.get(b"cookie", b"").decode("latin-1"))
    accept = headers.get(b"accept-language", b"").decode("latin-1") or None
    return negotiate(cookies.get(LANG_COOKIE), accept)


class BodyTooLarge(HTTPException):
    """The body passed its limit while the application was reading it: an HTTP error, so the
    application's own error handler answers it (FastAPI turns other errors met while reading a
    body into a 400)."""

    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=_too_large(limit))
        self.params = {"limit": limit}
        """What the JSON error's ``params`` carry (``api.errors``), as for a declared length."""

    def words(self, lang: str) -> str:
        """The refusal in ``lang``."""
        return _too_large(int(self.params["limit"]), lang)


class BodyLimit:
    """Pure ASGI middleware: ``default`` bytes for every request, or the limit of the longest
    matching path prefix in ``by_prefix`` (uploads)."""

    def __init__(self, app: ASGIApp, *, default: int, by_prefix: Mapping[str, int]) -> None:
        self.app = app
        self.default = default
        self.by_prefix = sorted(by_prefix.items(), key=lambda item: -len(item[0]))

    def limit_for(self, path: str) -> int:
        sizes = (size for prefix, size in self.by_prefix if path.startswith(prefix))
        return next(sizes, self.default)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        limit = self.limit_for(path)
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            if path.startswith(API_PREFIX):
                await _refuse(send, limit, _language(scope))
            else:  # the route never runs, whether or not it would have read the body
                await _refuse_page(scope, receive, send, limit)
            return
        received = 0
        started = False

        async def receive_within_limit() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(limit)
            return message

        async def send_noting_start(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive_within_limit, send_noting_start)
        except BodyTooLarge:
            if started:
                raise
            await _refuse(send, limit, _language(scope))


async def _refuse_page(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    """The refusal as the error page every page path answers with (the application's own
    renderer: layout, the reader's language, who is signed in)."""
    request = Request(scope, receive)
    said = _too_large(limit, _language(scope))
    render_error = request.app.state.render_error
    await render_error(request, 413, said, translated=True)(scope, receive, send)


async def _refuse(send: Send, limit: int, lang: str) -> None:
    code = "http.content_too_large"  # as api.errors.http_code(413) says it
    said = {"detail": _too_large(limit, lang), "code": code, "params": {"limit": limit}}
    body = json.dumps(said).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
