"""HEAD wherever GET is (RFC 9110 §9.3.2): monitors, link checkers and ``curl -I`` ask for the
headers of a page or a read; FastAPI routes declare GET only and answered them 405.

A pure ASGI middleware: a HEAD request runs as the GET it mirrors, and the response goes out
with its status and headers (Content-Length included) and no body. GET routes change nothing,
so running one for a HEAD is as safe as the GET itself."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # a streamed body's chunks: none of them is sent
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, without_body)
