"""The command line's HTTP client: query strings as the API expects them, and a multipart upload
streamed from the file that a form parser reads back whole."""

from __future__ import annotations

import os
import subprocess
import sys
from email.parser import BytesParser
from email.policy import HTTP
from pathlib import Path

import pytest

from trainops.api_client import _multipart, _query


def test_query_strings_write_booleans_lists_and_leave_out_none() -> None:
    assert _query({"a": True, "b": None, "c": [1, 2], "d": "x y"}) == "a=true&c=1&c=2&d=x+y"
    assert _query(None) == ""


def test_a_multipart_upload_reads_back_as_the_file(tmp_path: Path) -> None:
    path = tmp_path / 'naïve "rows".csv'
    content = "id,name\r\n1,Åsa\r\n" * 5000  # several chunks
    path.write_text(content, encoding="utf-8")
    with path.open("rb") as handle:
        content_type, length, chunks = _multipart({"file": (path.name, handle)})
        body = b"".join(chunks)
    assert len(body) == length
    message = BytesParser(policy=HTTP).parsebytes(
        f"Content-Type: {content_type}\r\n\r\n".encode() + body
    )
    (part,) = list(message.iter_parts())
    assert part.get_param("name", header="content-disposition") == "file"
    assert part.get_filename() == path.name
    assert part.get_payload(decode=True) == content.encode("utf-8")


SECRET = "tro_0123456789abcdef"


def _whoami(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``trainops whoami`` as a person runs it (a fresh process; no server at that port)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("TRAINOPS_")}
    base |= {"TRAINOPS_CREDENTIALS_FILE": str(tmp_path / "none.json"), "TRAINOPS_LANG": "en"}
    base |= {"TRAINOPS_SERVER": "http://127.0.0.1:9"} | env
    trainops = str(Path(sys.executable).with_name("trainops"))
    return subprocess.run(
        [trainops, "whoami"], env=base, capture_output=True, text=True, timeout=60, check=False
    )


@pytest.mark.parametrize(
    ("env", "said"),
    [
        ({"TRAINOPS_TOKEN": SECRET + " x"}, "holds spaces or control characters"),
        ({"TRAINOPS_TOKEN": SECRET + "\x1b[2J"}, "holds spaces or control characters"),
        ({"TRAINOPS_SERVER": "http://127.0.0.1:99999"}, "is not an http(s) URL"),
        ({"TRAINOPS_SERVER": "http://ann:pw@127.0.0.1:9"}, "holds a user name or password"),
    ],
)
def test_a_malformed_token_or_server_is_one_line_never_a_secret(
    env: dict[str, str], said: str, tmp_path: Path
) -> None:
    answer = _whoami({"TRAINOPS_TOKEN": SECRET} | env, tmp_path)
    assert answer.returncode == 2, answer.stderr
    assert said in answer.stderr and "Traceback" not in answer.stderr
    assert len(answer.stderr.strip().splitlines()) == 1
    assert SECRET not in answer.stderr + answer.stdout and "pw" not in answer.stderr


def test_a_token_ending_in_a_line_end_is_used_as_the_token(tmp_path: Path) -> None:
    """``TRAINOPS_TOKEN=$(cat token.txt)`` keeps no line end, but an editor's file may: the
    token is sent without it (here: the server cannot be reached, so no header was refused)."""
    answer = _whoami({"TRAINOPS_TOKEN": SECRET + "\n"}, tmp_path)
    assert answer.returncode == 5 and "cannot reach trainops" in answer.stderr
    assert SECRET not in answer.stderr


@pytest.mark.parametrize("content", ["[]", '"tro_x"', None])
def test_a_credentials_file_that_is_not_one_is_one_line(
    content: str | None, tmp_path: Path
) -> None:
    path = tmp_path / "credentials"
    if content is None:
        path.mkdir()
    else:
        path.write_text(content, encoding="utf-8")
        path.chmod(0o600)
    answer = _whoami({"TRAINOPS_CREDENTIALS_FILE": str(path)}, tmp_path)
    assert answer.returncode == 2 and "Traceback" not in answer.stderr
    assert f"cannot read {path}" in answer.stderr and "chmod" not in answer.stderr


def test_a_refusal_answered_as_bad_input_is_said_once_in_chinese(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 16: a rule's refusal the server answers with a 422 (a session in the past) read
    "输入无效:已拒绝: ...", two prefixes around one reason; it is bad input, said once."""
    import json

    from trainops import language
    from trainops.api_client import Api, Response
    from trainops.http_wire import Headers

    body = {
        "detail": "sessions s1 are in the past",
        "code": "program.sessions_in_past",
        "params": {"p0": "s1", "now": "2027-01-01 09:00 UTC"},
    }
    answer = Response(422, "Unprocessable", Headers([]), json.dumps(body).encode())
    monkeypatch.setattr(language, "_chosen", ["zh-CN"])
    with pytest.raises(SystemExit) as stopped:
        Api._answer(answer)
    said = " ".join(capsys.readouterr().err.split())
    assert stopped.value.code == 2
    assert said.startswith("错误: 输入无效:课次 s1 的开始时间已过去"), said
    assert "已拒绝" not in said, said


@pytest.mark.parametrize(
    ("headers", "exit_code"), [([("Retry-After", "5")], 5), ([], 3)], ids=["later", "refused"]
)
def test_a_conflict_to_send_again_later_is_not_said_refused(
    capsys: pytest.CaptureFixture[str], headers: list[tuple[str, str]], exit_code: int
) -> None:
    """A program still moving to a new run after the server's patience answers 409 with
    ``Retry-After``: the command exits 5 (try again later), as for a busy server, not 3 (refused:
    scripts would not try again); any other conflict stays refused."""
    import json

    from trainops.api_client import Api, Response
    from trainops.http_wire import Headers

    body = {"detail": "refused: the program is moving to a new run; send the action again"}
    answer = Response(409, "Conflict", Headers(headers), json.dumps(body).encode())
    with pytest.raises(SystemExit) as stopped:
        Api._answer(answer)
    assert stopped.value.code == exit_code
    assert "send the action again" in capsys.readouterr().err


def test_an_id_with_a_space_or_a_question_mark_is_sent_as_that_id() -> None:
    """Issue 16: ``program show 'a b'`` was sent unencoded ("cannot reach trainops") and
    ``'a?b'`` became a query; the path is percent-encoded, its query only from parameters."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from trainops.api_client import Api, Credentials

    seen: list[str] = []

    class Recorder(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            seen.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        api = Api(Credentials(f"http://127.0.0.1:{server.server_port}", "tro_x"))
        assert api.get("/api/v1/programs/a b?c#d") == {}
        assert api.get("/api/v1/programs/p1", limit=5) == {}
    finally:
        server.shutdown()
    assert seen == ["/api/v1/programs/a%20b%3Fc%23d", "/api/v1/programs/p1?limit=5"]


@pytest.mark.parametrize("path", ["/api/v1/programs/", "/api/v1/programs//submit"])
def test_an_empty_id_is_bad_input_never_a_redirect(
    path: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """A trial: `program show ""` was sent as /programs/, answered 307, and said "the server
    failed (307)" with exit 5; an empty id is the person's mistake, said before sending."""

    from trainops.api_client import Api, Credentials

    api = Api(Credentials("http://127.0.0.1:9", "tro_x"))  # nothing listens: nothing is sent
    with pytest.raises(SystemExit) as stopped:
        api.get(path)
    assert stopped.value.code == 2
    assert "an id given is empty" in capsys.readouterr().err


def test_a_server_that_takes_the_request_and_never_answers_is_said_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """No answer in time is not "cannot reach … is it running?": the server took it, and the
    person is told it may still be doing it (exit 5)."""
    import socket

    from trainops.api_client import Api, Credentials, NoAnswer, TransportError

    listener = socket.create_server(("127.0.0.1", 0))  # accepts (its backlog), never answers
    try:
        api = Api(Credentials(f"http://127.0.0.1:{listener.getsockname()[1]}", "tro_x"))
        with pytest.raises(TransportError) as caught:
            api._open("GET", "/api/v1/me", timeout=0.3)
        assert isinstance(caught.value, NoAnswer)
        assert api._unreachable(caught.value).code == 5
    finally:
        listener.close()
    said = capsys.readouterr().err
    assert "gave no answer in time" in said and "is it running" not in said
