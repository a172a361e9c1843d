"""One HTTP/1.1 exchange over a socket: what the command line needs of HTTP, and no more.

Why not ``http.client``: it imports the ``email`` package to parse headers, which alone costs
about half the interpreter's start-up, and a read command's whole budget is three start-ups
(issue 14). The command line sends one request on a fresh connection (``Connection: close``)
and reads one answer: a body by ``Content-Length``, ``chunked``, or up to the close. Limits as
``http.client`` keeps them: a status or header line of at most 64 KiB, at most 100 headers.
"""

from __future__ import annotations

import io
import socket
from collections.abc import Iterable, Iterator, Mapping

MAX_LINE = 65536
MAX_HEADERS = 100
PIECE = 64 * 1024
#: Answers that never carry a body, whatever their headers say.
_BODYLESS = frozenset({204, 304})


class ProtocolError(OSError):
    """The server's answer is not HTTP/1.x as the client can read it (a broken status line,
    a header past the limits, a chunk that does not parse, a body cut short)."""


class Headers(Mapping[str, str]):
    """An answer's headers, looked up by name in any case; a repeated header's values joined
    with ``", "`` as HTTP allows."""

    def __init__(self, pairs: Iterable[tuple[str, str]]) -> None:
        self._values: dict[str, str] = {}
        self._names: dict[str, str] = {}
        for name, value in pairs:
            key = name.lower()
            self._names.setdefault(key, name)
            old = self._values.get(key)
            self._values[key] = value if old is None else f"{old}, {value}"

    def __getitem__(self, name: str) -> str:
        return self._values[name.lower()]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names.values())

    def __len__(self) -> int:
        return len(self._values)


class Answer:
    """The status and headers of an answer, read; its body read as it comes: ``read`` (all,
    or up to ``size`` bytes, ``b""`` at the end) or line by line (iterating)."""

    def __init__(self, stream: io.BufferedReader, method: str) -> None:
        self._file = stream
        self.status, self.reason = self._status_line()
        self.headers = Headers(self._header_lines())
        self._pieces = self._body(method)
        self._kept = b""

    def read(self, size: int = -1) -> bytes:
        if size < 0:
            whole = self._kept + b"".join(self._pieces)
            self._kept = b""
            return whole
        if not self._kept:  # what has come, as it comes (a streamed answer is not waited for)
            self._kept = next(self._pieces, b"")
        given, self._kept = self._kept[:size], self._kept[size:]
        return given

    def __iter__(self) -> Iterator[bytes]:
        """The body's lines as they arrive (each with its ``\\n``, the last perhaps without)."""
        while True:
            end = self._kept.find(b"\n")
            if end >= 0:
                line, self._kept = self._kept[: end + 1], self._kept[end + 1 :]
                yield line
                continue
            piece = next(self._pieces, b"")
            if not piece:
                if self._kept:
                    line, self._kept = self._kept, b""
                    yield line
                return
            self._kept += piece

    def _line(self) -> bytes:
        line = self._file.readline(MAX_LINE + 1)
        if len(line) > MAX_LINE:
            raise ProtocolError("a line of the answer is too long")
        return line

    def _status_line(self) -> tuple[int, str]:
        while True:
            line = self._line()
            if not line:
                raise ProtocolError("the server closed the connection without an answer")
            version, _, rest = line.decode("latin-1").rstrip("\r\n").partition(" ")
            code, _, reason = rest.partition(" ")
            if not version.startswith("HTTP/1.") or not (code.isdigit() and len(code) == 3):
                raise ProtocolError(f"not an HTTP answer: {line[:80]!r}")
            if not code.startswith("1"):
                return int(code), reason
            for _ in self._header_lines():  # an interim answer (100 Continue): skipped
                pass

    def _header_lines(self) -> Iterator[tuple[str, str]]:
        for _ in range(MAX_HEADERS + 1):
            line = self._line()
            if line in (b"\r\n", b"\n", b""):
                return
            name, colon, value = line.decode("latin-1").partition(":")
            if not colon:
                raise ProtocolError(f"not a header: {line[:80]!r}")
            yield name.strip(), value.strip()
        raise ProtocolError("the answer has too many headers")

    def _body(self, method: str) -> Iterator[bytes]:
        if method == "HEAD" or self.status in _BODYLESS:
            return iter(())
        coding = self.headers.get("Transfer-Encoding", "").lower()
        if coding.endswith("chunked"):
            return self._chunks()
        length = self.headers.get("Content-Length")
        if length is None:
            return self._up_to_close()
        if not length.strip().isdigit():
            raise ProtocolError(f"not a length: {length[:40]!r}")
        return self._counted(int(length))

    def _counted(self, left: int) -> Iterator[bytes]:
        while left:
            piece = self._file.read1(min(left, PIECE))
            if not piece:
                raise ProtocolError("the answer ended before its length")
            left -= len(piece)
            yield piece

    def _up_to_close(self) -> Iterator[bytes]:
        while piece := self._file.read1(PIECE):
            yield piece

    def _chunks(self) -> Iterator[bytes]:
        while True:
            size_line = self._line().split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise ProtocolError(f"not a chunk size: {size_line[:40]!r}") from None
            if size == 0:
                for _ in self._header_lines():  # trailers: not used
                    pass
                return
            piece = self._file.read(size)
            if len(piece) < size or self._line() not in (b"\r\n", b"\n"):
                raise ProtocolError("a chunk of the answer was cut short")
            yield piece


class Connection:
    """One request and its answer on a fresh connection, closed by ``close``."""

    def __init__(self, scheme: str, host: str, port: int | None, *, timeout: float) -> None:
        default = 443 if scheme == "https" else 80
        self._scheme, self._host, self._timeout = scheme, host, timeout
        self._port, self._default_port = port or default, default
        self._socket: socket.socket | None = None
        self._file: io.BufferedReader | None = None

    def exchange(
        self,
        method: str,
        target: str,
        headers: Mapping[str, str],
        body: bytes | Iterable[bytes] | None = None,
    ) -> Answer:
        """Send the request (``body``: bytes, or pieces with their ``Content-Length`` among
        ``headers``); the answer, its body not read yet."""
        host = self._host if ":" not in self._host else f"[{self._host}]"
        sent = {"Host": host if self._port == self._default_port else f"{host}:{self._port}"}
        sent.update(headers)
        sent["Connection"] = "close"
        sent["Accept-Encoding"] = "identity"  # a proxy in between must not compress the answer
        if isinstance(body, bytes):
            sent["Content-Length"] = str(len(body))
        elif body is None and method in ("POST", "PUT", "PATCH"):
            sent["Content-Length"] = "0"
        head = [f"{method} {target} HTTP/1.1"]
        for name, value in sent.items():
            if any(c in value or c in name for c in "\r\n\0"):
                raise ValueError(f"a line break in the header {name!r}")
            head.append(f"{name}: {value}")
        wire = self._open()
        wire.sendall(("\r\n".join(head) + "\r\n\r\n").encode("latin-1"))
        try:
            if isinstance(body, bytes):
                wire.sendall(body)
            elif body is not None:
                for piece in body:
                    wire.sendall(piece)
        except (BrokenPipeError, ConnectionResetError) as cut:
            # A server may answer before the body is all sent (a 413 for an upload over its
            # limit) and stop reading: its answer is what to report, when it came.
            self._file = wire.makefile("rb")
            try:
                return Answer(self._file, method)
            except OSError:
                raise cut from None
        self._file = wire.makefile("rb")
        return Answer(self._file, method)

    def _open(self) -> socket.socket:
        # an ASCII name as bytes: a ``str`` would have the resolver import the IDNA codec
        name: str | bytes = self._host.encode("ascii") if self._host.isascii() else self._host
        address = (name, self._port)
        wire = socket.create_connection(address, timeout=self._timeout)  # type: ignore[arg-type]
        if self._scheme == "https":
            import ssl

            try:
                wire = ssl.create_default_context().wrap_socket(wire, server_hostname=self._host)
            except BaseException:
                wire.close()
                raise
        self._socket = wire
        return wire

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
        if self._socket is not None:
            self._socket.close()
        self._file = self._socket = None
