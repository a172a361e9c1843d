"""A mutual-TLS front for a plaintext Temporal test server, as a TLS-terminating frontend is in
production: it demands a client certificate from ``ca``, offers ``server.pem`` and speaks HTTP/2
(gRPC) to the client, then relays bytes to the real server. The handshake is Python's ``ssl``
(OpenSSL); the client side is the SDK's own (rustls), so both ends are real."""

from __future__ import annotations

import asyncio
import contextlib
import ssl
from collections.abc import AsyncIterator
from pathlib import Path


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    except (ConnectionError, ssl.SSLError):
        pass
    finally:
        with contextlib.suppress(Exception):
            writer.close()


def server_context(certs: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH, cafile=str(certs / "ca.pem"))
    context.verify_mode = ssl.CERT_REQUIRED
    context.load_cert_chain(certs / "server.pem", certs / "server-key.pem")
    context.set_alpn_protocols(["h2"])
    return context


@contextlib.asynccontextmanager
async def mutual_tls_front(certs: Path, upstream: str) -> AsyncIterator[tuple[str, list[str]]]:
    """Listen on a free loopback port; yield its ``host:port`` and the list of refused
    handshakes (the reasons, as OpenSSL names them)."""
    host, port = upstream.rsplit(":", 1)
    refused: list[str] = []
    context = server_context(certs)

    async def relay(
        client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter
    ) -> None:
        upstream_reader, upstream_writer = await asyncio.open_connection(host, int(port))
        await asyncio.gather(
            _pipe(client_reader, upstream_writer), _pipe(upstream_reader, client_writer)
        )

    loop = asyncio.get_running_loop()
    default_handler = loop.get_exception_handler()

    def on_error(loop: asyncio.AbstractEventLoop, details: dict[str, object]) -> None:
        error = details.get("exception")
        if isinstance(error, ssl.SSLError):
            refused.append(error.reason or str(error))
            return
        if default_handler is not None:
            default_handler(loop, details)
        else:
            loop.default_exception_handler(details)

    loop.set_exception_handler(on_error)
    server = await asyncio.start_server(relay, "127.0.0.1", 0, ssl=context)
    address = server.sockets[0].getsockname()
    try:
        yield f"127.0.0.1:{address[1]}", refused
    finally:
        server.close()
        loop.set_exception_handler(default_handler)
