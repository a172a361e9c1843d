"""The command line as a client of the HTTP API: one door for people, the way gh and kubectl work.

The token comes from ``TRAINOPS_TOKEN`` or the credentials file ``trainops login`` wrote (in the
user's config directory, mode 0600; a file others can read is refused). Every action is sent
with an ``Idempotency-Key``, so a retry after a lost answer never acts twice. Errors are the
server's words on stderr, with exit codes: 2 usage or bad input, 3 refused, 4 not found,
5 the server or the network failed, or asked for the command again later.

HTTP goes through ``trainops.http_wire`` (one connection per request), not httpx or even the
standard library's ``http.client``: a command's start-up is what people wait for, and those
import many times what one exchange needs. The command line connects to the server directly
(no HTTP proxy).

Over 400 lines on purpose: the one door of every command to the server (requests, errors and
exit codes, credentials), so no command talks HTTP its own way.
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import sys
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from urllib.parse import quote, urlencode, urlsplit

from trainops.http_wire import Answer, Connection, Headers
from trainops.language import error, language, t, unreadable
from trainops.render import fail

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (trainops.quick)
if TYPE_CHECKING:
    from typing import IO, Any
    from uuid import UUID

DEFAULT_SERVER = "http://127.0.0.1:8000"
TIMEOUT_SECONDS = 60
CHUNK = 64 * 1024
EXIT_BAD_INPUT, EXIT_REFUSED, EXIT_NOT_FOUND, EXIT_SERVER = 2, 3, 4, 5
EXIT_INTERRUPTED = 130  # Ctrl-C, as a shell reports it
RETRIES = 3


def credentials_path() -> Path:
    override = os.environ.get("TRAINOPS_CREDENTIALS_FILE")
    if override:
        return Path(override)
    return _config_directory() / "credentials.json"


def _config_directory() -> Path:
    """Where platformdirs puts the user's configuration; on Linux its XDG rule said here, as
    platformdirs takes longer to import than the interpreter to start (issue 14)."""
    if sys.platform == "linux" and "ANDROID_DATA" not in os.environ:
        base = os.environ.get("XDG_CONFIG_HOME", "").strip()
        return Path(base or os.path.expanduser("~/.config")) / "trainops"
    import platformdirs

    return platformdirs.user_config_path("trainops")


class Credentials:
    """Where the server is and who the command line acts as. (A plain class: ``dataclasses``
    and ``typing.NamedTuple`` cost a read command a third of an interpreter start.)"""

    __slots__ = ("server", "token", "username")

    def __init__(self, server: str, token: str | None, username: str | None = None) -> None:
        self.server = server
        self.token = token
        self.username = username


def load_credentials(server: str | None = None) -> Credentials:
    """``TRAINOPS_TOKEN``/``TRAINOPS_SERVER`` first, then the file ``trainops login`` wrote."""
    saved: dict[str, Any] = {}
    path = credentials_path()
    if path.is_dir():
        raise fail(t("cannot read {path}: it is a folder; run `trainops login` again", path=path))
    if path.exists():
        mode = path.stat().st_mode
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            raise fail(
                t(
                    "{path} can be read by others (mode {mode}): run `chmod 600 {path}` or "
                    "`trainops login` again",
                    path=path,
                    mode=stat.filemode(mode),
                ),
                EXIT_REFUSED,
            )
        try:
            saved = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            message = t(
                "cannot read {path}: {reason}; run `trainops login` again",
                path=path,
                reason=unreadable(exc),
            )
            raise fail(message) from exc
        if not isinstance(saved, dict):
            raise fail(
                t("cannot read {path}: not what `trainops login` writes; run it again", path=path)
            )
    chosen = server or os.environ.get("TRAINOPS_SERVER") or saved.get("server") or DEFAULT_SERVER
    from_environment = os.environ.get("TRAINOPS_TOKEN")
    token = _checked_token(
        from_environment or saved.get("token"),
        "TRAINOPS_TOKEN" if from_environment else str(path),
    )
    username = saved.get("username")
    return Credentials(
        str(chosen).strip().rstrip("/"), token, username if isinstance(username, str) else None
    )


def _checked_token(token: object, source: str) -> str | None:
    """The token without the line end a file or ``$(cat …)`` leaves; one that still holds a
    space or a control character is refused without being shown (it is a secret, and an HTTP
    header cannot carry it)."""
    if token is None or token == "":
        return None
    if not isinstance(token, str):
        raise fail(t("the token in {source} is not a trainops token", source=source))
    token = token.strip()
    if not token.isascii() or not token.isprintable() or " " in token:
        raise fail(
            t(
                "the token in {source} holds spaces or control characters; copy it again "
                "(it is not shown here)",
                source=source,
            )
        )
    return token or None


def save_credentials(credentials: Credentials) -> Path:
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = json.dumps(
        {"server": credentials.server, "token": credentials.token, "username": credentials.username}
    )
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(data)
    os.chmod(path, 0o600)
    return path


def forget_credentials() -> bool:
    path = credentials_path()
    if path.exists():
        path.unlink()
        return True
    return False


class TransportError(Exception):
    """The server could not be reached, or the connection broke before an answer."""


class NoAnswer(TransportError):
    """The server took the request but gave no answer in time (it may still be doing it)."""


def transport_error(exc: OSError) -> TransportError:
    """What a socket's error means to the command: no answer in time, or no connection."""
    return (NoAnswer if isinstance(exc, TimeoutError) else TransportError)(str(exc))


class Response:
    """An answer read whole: status, headers (case-insensitive) and body."""

    __slots__ = ("content", "headers", "reason_phrase", "status_code")

    def __init__(self, status_code: int, reason_phrase: str, headers: Headers, content: bytes):
        self.status_code = status_code
        self.reason_phrase = reason_phrase
        self.headers = headers
        self.content = content

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    def json(self) -> Any:
        return json.loads(self.content)


def _uuid4() -> UUID:
    """A random UUID, ``uuid`` imported on use: importing it costs a read command, which
    sends no key, a fifth of an interpreter start."""
    from uuid import uuid4

    return uuid4()


def _query(params: Mapping[str, Any] | None) -> str:
    """As httpx encodes them: booleans as true/false, lists as repeated keys, None left out."""
    pairs: list[tuple[str, str]] = []
    for key, value in (params or {}).items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is not None:
                pairs.append((key, str(item).lower() if isinstance(item, bool) else str(item)))
    return urlencode(pairs)


def _multipart(files: Mapping[str, tuple[str, IO[bytes]]]) -> tuple[str, int, Iterator[bytes]]:
    """A multipart/form-data body streamed from the open files: content type, length, chunks."""
    boundary = _uuid4().hex
    parts: list[tuple[bytes, IO[bytes], int]] = []
    for field, (filename, handle) in files.items():
        quoted = filename.replace("\\", "\\\\").replace('"', '\\"')
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{field}"; '
            f'filename="{quoted}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        ).encode()
        size = os.fstat(handle.fileno()).st_size - handle.tell()
        parts.append((head, handle, size))
    tail = f"--{boundary}--\r\n".encode()
    length = sum(len(head) + size + 2 for head, _, size in parts) + len(tail)

    def chunks() -> Iterator[bytes]:
        for head, handle, _ in parts:
            yield head
            while chunk := handle.read(CHUNK):
                yield chunk
            yield b"\r\n"
        yield tail

    return f"multipart/form-data; boundary={boundary}", length, chunks()


def _detail(response: Response) -> str:
    """The server's words, in the reader's language where they can be: an error or a refusal
    by its code, a fixed message the pages also show by the catalog; anything else as the
    server said it."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:500] or response.reason_phrase
    detail = body.get("detail") if isinstance(body, dict) else body
    if isinstance(detail, list):
        return "; ".join(
            f"{'.'.join(str(p) for p in d.get('loc', [])[1:]) or 'input'}: {d.get('msg')}"
            for d in detail
            if isinstance(d, dict)
        )
    if isinstance(body, dict) and isinstance(body.get("code"), str):
        params = body.get("params")
        return error(body["code"], params if isinstance(params, dict) else {}, str(detail))
    return t(str(detail))


def _without_password(server: str) -> str:
    """The address as it may be shown: what stands before an ``@`` is replaced."""
    netloc = urlsplit(server).netloc
    if "@" not in netloc:
        return server
    return server.replace(netloc, "…@" + netloc.rsplit("@", 1)[1], 1)


class Api:
    """A signed-in (or anonymous) client of the trainops API."""

    def __init__(self, credentials: Credentials, *, anonymous: bool = False) -> None:
        if credentials.token is None and not anonymous:
            raise fail(
                t("not signed in: run `trainops login` (or set TRAINOPS_TOKEN)"), EXIT_REFUSED
            )
        # The reader's language: what the server words itself (a 422's detail) is in it.
        self.headers = {"User-Agent": "trainops-cli", "Accept-Language": language()}
        if credentials.token:
            self.headers["Authorization"] = f"Bearer {credentials.token}"
        self.server = credentials.server
        parts = urlsplit(credentials.server)
        try:
            port = parts.port
        except ValueError:  # not a number, or past 65535
            port = -1
        if parts.scheme not in ("http", "https") or not parts.hostname or port == -1:
            raise fail(
                t(
                    "{server} is not an http(s) URL: `--server` or TRAINOPS_SERVER",
                    server=repr(_without_password(credentials.server)),
                )
            )
        if parts.username is not None or parts.password is not None:
            raise fail(
                t(
                    "{server} holds a user name or password: trainops signs in with a token "
                    "(`trainops login`); give the server's address alone",
                    server=repr(_without_password(credentials.server)),
                )
            )
        self._scheme, self._host, self._port = parts.scheme, parts.hostname, port
        self._prefix = parts.path.rstrip("/")

    def _open(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        files: Mapping[str, tuple[str, IO[bytes]]] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float = TIMEOUT_SECONDS,
    ) -> tuple[Connection, Answer]:
        """Send the request; the open connection and the answer, its body not read yet. The
        path is sent percent-encoded (an id with a space or a ``?`` names that id, never a
        query); its query comes only from ``params``."""
        if "//" in path or path.endswith("/"):  # an empty id given on the command line
            raise fail(t("an id given is empty: give the id itself"), EXIT_BAD_INPUT)
        target = self._prefix + quote(path, safe="/")
        query = _query(params)
        if query:
            target += "?" + query
        sent = {**self.headers, **(headers or {})}
        body: Any = None
        if files is not None:
            sent["Content-Type"], length, body = _multipart(files)
            sent["Content-Length"] = str(length)
        elif json is not None:
            body = _json_bytes(json)
            sent["Content-Type"] = "application/json"
        connection = Connection(self._scheme, self._host, self._port, timeout=timeout)
        try:
            return connection, connection.exchange(method, target, sent, body)
        except OSError as exc:
            connection.close()
            raise transport_error(exc) from exc

    def request(self, method: str, path: str, **options: Any) -> Response:
        connection, answer = self._open(method, path, **options)
        try:
            content = answer.read()
        except OSError as exc:
            raise transport_error(exc) from exc
        finally:
            connection.close()
        return Response(answer.status, answer.reason, answer.headers, content)

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *_: object) -> None:
        """Nothing stays open between requests."""

    def get(self, path: str, exit_codes: Mapping[int, int] | None = None, **params: Any) -> Any:
        """``exit_codes``: the command's own exit code for an HTTP status (e.g. 409: 1 when a
        check found a problem), instead of the usual mapping."""
        query = {k: v for k, v in params.items() if v is not None}
        return self._send("GET", path, params=query, exit_codes=exit_codes)

    def post(self, path: str, body: Any = None, **options: Any) -> Any:
        """An action: sent with an Idempotency-Key, retried on a lost connection (the server
        answers a retry with the first outcome)."""
        headers = {"Idempotency-Key": str(_uuid4())}
        return self._send("POST", path, json=body, headers=headers, **options)

    def start(self, path: str, **options: Any) -> Any:
        """Start a job: its ``202 Accepted`` answer is the job, not "not visible yet"."""
        headers = {"Idempotency-Key": str(_uuid4())}
        return self._send("POST", path, headers=headers, accepted=True, **options)

    def download(
        self, path: str, write: Callable[[Any], object], *, text: bool = False, **params: Any
    ) -> Headers:
        """Stream a large answer (JSON Lines, CSV, an archive) to ``write`` in chunks (``str``
        with ``text``, else ``bytes``); the answer's headers. Errors as for ``get``."""
        query = {k: v for k, v in params.items() if v is not None}
        try:
            connection, answer = self._open("GET", path, params=query)
        except TransportError as exc:
            raise self._unreachable(exc) from exc
        try:
            if answer.status >= 300 or answer.status == 202:
                whole = Response(answer.status, answer.reason, answer.headers, answer.read())
                self._answer(whole)
            decoder = codecs.getincrementaldecoder("utf-8")() if text else None
            while chunk := answer.read(CHUNK):
                write(decoder.decode(chunk) if decoder is not None else chunk)
            if decoder is not None and (rest := decoder.decode(b"", final=True)):
                write(rest)
            return answer.headers
        except OSError as exc:
            raise self._unreachable(transport_error(exc)) from exc
        finally:
            connection.close()

    def _unreachable(self, exc: TransportError) -> SystemExit:
        if isinstance(exc, NoAnswer):
            return fail(
                t(
                    "trainops at {server} gave no answer in time: it may be busy, or still "
                    "doing it; run the same command again (an action is never done twice)",
                    server=self.server,
                ),
                EXIT_SERVER,
            )
        return fail(
            t(
                "cannot reach trainops at {server} ({reason}); is it running (`make run`)? "
                "`--server` or TRAINOPS_SERVER",
                server=self.server,
                reason=type(exc).__name__,
            ),
            EXIT_SERVER,
        )

    def put(self, path: str, body: Any) -> Any:
        return self._send("PUT", path, json=body)

    def patch(self, path: str, body: Any) -> Any:
        return self._send("PATCH", path, json=body)

    def delete(self, path: str) -> Any:
        return self._send("DELETE", path)

    def _send(
        self,
        method: str,
        path: str,
        exit_codes: Mapping[int, int] | None = None,
        accepted: bool = False,
        **options: Any,
    ) -> Any:
        response: Response | None = None
        for attempt in range(RETRIES):
            try:
                response = self.request(method, path, **options)
                break
            except TransportError as exc:
                if attempt == RETRIES - 1 or (method != "GET" and "headers" not in options):
                    raise self._unreachable(exc) from exc
        assert response is not None
        return self._answer(response, exit_codes, accepted=accepted)

    @staticmethod
    def _answer(
        response: Response,
        exit_codes: Mapping[int, int] | None = None,
        *,
        accepted: bool = False,
    ) -> Any:
        code = response.status_code
        if code == 202 and not accepted:
            raise fail(t("not visible yet: {detail}", detail=_detail(response)), EXIT_SERVER)
        if code < 300:
            return response.json() if response.content else None
        detail = _detail(response)
        if exit_codes and code in exit_codes:
            raise fail(detail, exit_codes[code])
        if code == 401:  # a token was sent (without one the command stops before asking), and
            # the server cannot say which of these it was
            refused = t(
                "your sign-in was refused: its token expired or was revoked, or your account is "
                "disabled; sign in again with `trainops login`, or ask an admin"
            )
            raise fail(refused, EXIT_REFUSED)
        if code == 409 and response.headers.get("Retry-After"):
            # not refused: the program was moving to a new run; the same command later lands
            raise fail(detail, EXIT_SERVER)
        if code in (403, 409, 429):
            raise fail(detail, EXIT_REFUSED)
        if code == 404:
            raise fail(detail, EXIT_NOT_FOUND)
        if code in (400, 422):
            reason = detail.removeprefix("invalid input").removeprefix(": ")
            reason = reason.removeprefix("输入无效").removeprefix(":")  # said in zh-CN
            # a rule's refusal answered as bad input (a session in the past): said once, as
            # bad input, never "invalid input: refused: ..."
            reason = reason.removeprefix(t("refused:")).lstrip()
            said = t("invalid input: {detail}", detail=reason) if reason else t("invalid input")
            raise fail(said, EXIT_BAD_INPUT)
        raise fail(t("the server failed ({code}): {detail}", code=code, detail=detail), EXIT_SERVER)


def _json_bytes(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


def api(server: str | None = None) -> Api:
    return Api(load_credentials(server))
