"""The command line's own HTTP/1.1 exchange (``trainops.http_wire``), against a server that
answers with scripted bytes: every way a body can be framed, what a broken answer does, and
TLS that verifies the server."""

from __future__ import annotations

import socket
import ssl
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from runtime.certificates import CA_CERT, SERVER_CERT, SERVER_KEY, generate
from trainops.http_wire import Connection, ProtocolError


class Scripted:
    """A server for one connection: records the request it read, answers ``reply``, closes."""

    def __init__(self, reply: bytes, context: ssl.SSLContext | None = None) -> None:
        self.reply, self.context = reply, context
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.request = b""
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        accepted, _ = self.listener.accept()
        try:
            peer = (
                self.context.wrap_socket(accepted, server_side=True) if self.context else accepted
            )
        except (OSError, ssl.SSLError):  # a client that refused the certificate
            accepted.close()
            return
        with peer:
            while b"\r\n\r\n" not in self.request:
                self.request += peer.recv(65536)
            head, _, body = self.request.partition(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":")[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            while len(body) < length:
                body += peer.recv(65536)
                self.request = head + b"\r\n\r\n" + body
            peer.sendall(self.reply)

    def close(self) -> None:
        self.thread.join(timeout=5)
        self.listener.close()


@pytest.fixture
def serve() -> Iterator[list[Scripted]]:
    servers: list[Scripted] = []
    yield servers
    for server in servers:
        server.close()


def _exchange(
    servers: list[Scripted], reply: bytes, method: str = "GET", body: bytes | None = None
) -> tuple[int, dict[str, str], bytes, bytes]:
    server = Scripted(reply)
    servers.append(server)
    connection = Connection("http", "127.0.0.1", server.port, timeout=5)
    try:
        answer = connection.exchange(method, "/api/v1/x?y=1", {"Authorization": "Bearer t"}, body)
        content = answer.read()
    finally:
        connection.close()
    server.close()
    return answer.status, dict(answer.headers), content, server.request


def test_a_counted_body_and_the_request_as_sent(serve: list[Scripted]) -> None:
    status, headers, content, request = _exchange(
        serve,
        b"HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 7\r\n"
        b'X-A: 1\r\nx-a: 2\r\n\r\n{"a":1}',
        method="POST",
        body=b'{"b":2}',
    )
    assert (status, content) == (201, b'{"a":1}')
    assert headers["Content-Type"] == "application/json"
    assert headers["X-A"] == "1, 2"  # a repeated header, joined
    head, _, sent_body = request.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    assert lines[0] == b"POST /api/v1/x?y=1 HTTP/1.1"
    assert f"Host: 127.0.0.1:{serve[0].port}".encode() in lines
    assert b"Authorization: Bearer t" in lines and b"Connection: close" in lines
    assert b"Accept-Encoding: identity" in lines
    assert b"Content-Length: 7" in lines and sent_body == b'{"b":2}'


def test_an_empty_post_says_its_length_is_zero(serve: list[Scripted]) -> None:
    *_, request = _exchange(serve, b"HTTP/1.1 204 No Content\r\n\r\n", method="POST")
    assert b"Content-Length: 0" in request.split(b"\r\n")


def test_a_chunked_body_with_extensions_and_trailers(serve: list[Scripted]) -> None:
    reply = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"5;name=x\r\nhello\r\n7\r\n, world\r\n0\r\nX-Trailer: 1\r\n\r\n"
    )
    status, _, content, _ = _exchange(serve, reply)
    assert (status, content) == (200, b"hello, world")


def test_a_body_up_to_the_close_and_an_interim_answer_skipped(serve: list[Scripted]) -> None:
    reply = b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.0 200 OK\r\nServer: x\r\n\r\nall of it"
    status, headers, content, _ = _exchange(serve, reply)
    assert (status, headers, content) == (200, {"Server": "x"}, b"all of it")


def test_lines_come_as_they_are_streamed(serve: list[Scripted]) -> None:
    reply = (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        b'4\r\n{"a"\r\n6\r\n:1}\n{}\r\n3\r\n\n[]\r\n0\r\n\r\n'
    )
    server = Scripted(reply)
    serve.append(server)
    connection = Connection("http", "127.0.0.1", server.port, timeout=5)
    answer = connection.exchange("GET", "/", {})
    assert list(answer) == [b'{"a":1}\n', b"{}\n", b"[]"]
    connection.close()


def test_read_in_pieces_gives_every_byte_once(serve: list[Scripted]) -> None:
    body = bytes(range(256)) * 1000
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    server = Scripted(reply)
    serve.append(server)
    connection = Connection("http", "127.0.0.1", server.port, timeout=5)
    answer = connection.exchange("GET", "/", {})
    got = b""
    while piece := answer.read(1000):
        assert len(piece) <= 1000
        got += piece
    assert got == body
    connection.close()


@pytest.mark.parametrize(
    ("reply", "says"),
    [
        (b"", "without an answer"),
        (b"SSH-2.0-OpenSSH\r\n\r\n", "not an HTTP answer"),
        (b"HTTP/1.1 2000 OK\r\n\r\n", "not an HTTP answer"),
        (b"HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", "not a header"),
        (b"HTTP/1.1 200 OK\r\n" + b"X: 1\r\n" * 101 + b"\r\n", "too many headers"),
        (b"HTTP/1.1 200 OK\r\nX: " + b"a" * 70000 + b"\r\n\r\n", "too long"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort", "before its length"),
        (b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", "not a length"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", "not a chunk size"),
        (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n9\r\nabc", "cut short"),
    ],
)
def test_a_broken_answer_is_a_protocol_error(
    serve: list[Scripted], reply: bytes, says: str
) -> None:
    with pytest.raises(ProtocolError, match=says):
        _exchange(serve, reply)


def test_a_line_break_in_a_header_is_never_sent(serve: list[Scripted]) -> None:
    server = Scripted(b"HTTP/1.1 200 OK\r\n\r\n")
    serve.append(server)
    connection = Connection("http", "127.0.0.1", server.port, timeout=5)
    with pytest.raises(ValueError, match="line break"):
        connection.exchange("GET", "/", {"X-Evil": "a\r\nInjected: 1"})
    connection.close()
    socket.create_connection(("127.0.0.1", server.port)).close()  # let the server finish


def test_nothing_listening_is_an_os_error() -> None:
    with socket.create_server(("127.0.0.1", 0)) as taken:
        port = taken.getsockname()[1]
    connection = Connection("http", "127.0.0.1", port, timeout=5)
    with pytest.raises(OSError):
        connection.exchange("GET", "/", {})
    connection.close()


def test_https_verifies_the_server_against_the_trusted_authorities(
    serve: list[Scripted], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A certificate from an authority the machine does not trust is refused; trusted (here
    through ``SSL_CERT_FILE``, as an operator would), the same server answers."""
    generate(tmp_path)
    server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server_side.load_cert_chain(tmp_path / SERVER_CERT, tmp_path / SERVER_KEY)
    reply = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"

    untrusted = Scripted(reply, server_side)
    serve.append(untrusted)
    refused = Connection("https", "localhost", untrusted.port, timeout=5)
    with pytest.raises(ssl.SSLCertVerificationError):
        refused.exchange("GET", "/", {})
    refused.close()

    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / CA_CERT))
    trusted = Scripted(reply, server_side)
    serve.append(trusted)
    connection = Connection("https", "localhost", trusted.port, timeout=5)
    answer = connection.exchange("GET", "/", {})
    assert (answer.status, answer.read()) == (200, b"ok")
    connection.close()
    assert trusted.request.startswith(b"GET / HTTP/1.1\r\n")


def test_an_answer_given_before_the_body_is_read_is_the_answer() -> None:
    """A server refusing an upload by its declared size (413) answers after the head and
    closes without reading the body: the client reports that answer, not a lost connection."""
    reply = b"HTTP/1.1 413 Content Too Large\r\nContent-Length: 9\r\n\r\ntoo large"
    listener = socket.create_server(("127.0.0.1", 0))

    def answer_early() -> None:
        accepted, _ = listener.accept()
        with accepted:
            head = b""
            while b"\r\n\r\n" not in head:
                head += accepted.recv(65536)
            accepted.sendall(reply)
            accepted.shutdown(socket.SHUT_WR)

    server = threading.Thread(target=answer_early, daemon=True)
    server.start()
    body = b"x" * (32 * 1024 * 1024)  # far more than the socket buffers hold
    connection = Connection("http", "127.0.0.1", listener.getsockname()[1], timeout=10)
    try:
        answer = connection.exchange("POST", "/upload", {}, [body[:1024], body])
        assert (answer.status, answer.read()) == (413, b"too large")
    finally:
        connection.close()
        server.join(timeout=5)
        listener.close()
