"""The quick path (``trainops.quick``): read commands answered without typer say exactly what
typer's path says, take exactly the options typer's commands take, and leave to typer every
command line they do not fully understand."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import typer.main
from typer import _click

from trainops.cli import app
from trainops.quick import QUICK, quick_command

TRAINOPS = str(Path(sys.executable).with_name("trainops"))

PROGRAMS = [
    {
        "program_id": f"p{n}",
        "title": f"Fire safety [{n}]",
        "specialist": "sam" if n % 2 else "amy",
        "status": "published",
        "planned_date": "2027-01-15",
        "enrolled": 20 + n,
    }
    for n in range(3)
]
DETAIL = {
    "program": {
        **PROGRAMS[0],
        "timezone": "Asia/Shanghai",
        "session_count": 1,
        "attended": 0,
        "on_time": None,
        "executed": False,
    },
    "state": {
        "budget": "1200.00",
        "department": "Ops",
        "approvers": ["mgr.wang"],
        "trainees": ["t1", "t2", "t3"],
        "sessions": {
            "s1": {
                "session_id": "s1",
                "starts_at": "2027-01-10T01:00:00+00:00",
                "duration_hours": 2,
            }
        },
    },
    "timeline": [
        {
            "position": 1,
            "occurred_at": "2026-12-01T08:00:00+00:00",
            "actor": "sam",
            "event_type": "ProgramPlanned",
            "summary": "planned",
        }
    ],
}
TASKS = [
    {
        "task_id": "task-1",
        "program_id": "p0",
        "title": "Fire safety",
        "step_name": "manager_review",
        "specialist": "sam",
        "budget": "1200",
        "due_at": "2026-12-10T09:00:00+00:00",
        "timezone": "Asia/Shanghai",
        "overdue": True,
    }
]
NOTIFICATIONS = [
    {
        "id": 7,
        "created_at": "2027-01-15T09:05:00+00:00",
        "recipient": "bob",
        "subject": "Approval requested",
        "body": "Please look at p0",
    }
]


PEOPLE = {
    "trainees": [
        {
            "trainee": "amy",
            "planned": True,
            "enrolled": True,
            "attended": ["s1", "s2"],
            "surveyed": True,
            "examined": False,
            "score_pending": False,
        }
    ],
    "total": 3,
    "next_after": "amy",
}


class _StandIn(BaseHTTPRequestHandler):
    """The API's read answers, as the server gives them; a revoked token is refused."""

    def do_GET(self) -> None:
        if self.headers.get("Authorization") == "Bearer tro_revoked":
            self._answer(401, {"detail": "not signed in"})
            return
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/api/v1/programs":
            wanted = query.get("specialist", [None])[0]
            self._answer(200, [p for p in PROGRAMS if wanted in (None, p["specialist"])])
        elif url.path == "/api/v1/programs/p0":
            self._answer(200, DETAIL)
        elif url.path == "/api/v1/programs/p0/trainees":
            last = query.get("after", [None])[0] == "amy"
            self._answer(200, {"trainees": [], "total": 3, "next_after": None} if last else PEOPLE)
        elif url.path == "/api/v1/me":
            self._answer(200, {"username": "amy", "display_name": "Amy", "roles": ["auditor"]})
        elif url.path == "/api/v1/inbox":
            self._answer(200, TASKS)
        elif url.path == "/api/v1/notifications":
            self._answer(200, NOTIFICATIONS)
        else:
            self._answer(404, {"detail": f"no such thing: {url.path}"})

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    served = ThreadingHTTPServer(("127.0.0.1", 0), _StandIn)
    threading.Thread(target=served.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{served.server_address[1]}"
    served.shutdown()


def _environment(server: str, tmp_path: Path, token: str = "tro_reader") -> dict[str, str]:
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("TRAINOPS_", "LC_", "LANG"))}
    return {
        **kept,
        "TRAINOPS_SERVER": server,
        "TRAINOPS_TOKEN": token,
        "TRAINOPS_CREDENTIALS_FILE": str(tmp_path / "no-credentials.json"),
        "TRAINOPS_LANG": "en",
        "COLUMNS": "200",
    }


#: The typer path through the same entry point: only the quick path's choice is taken away.
_TYPER_PATH = (
    "import sys, trainops.quick as quick; quick.quick_command = lambda argv: None; "
    "from trainops.entry import main; sys.argv[0] = 'trainops'; main()"
)


def _both(argv: list[str], env: dict[str, str]) -> tuple[tuple[int, str, str], ...]:
    quick = subprocess.run([TRAINOPS, *argv], env=env, capture_output=True, text=True, timeout=60)
    typer_path = subprocess.run(
        [sys.executable, "-c", _TYPER_PATH, *argv],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return tuple((r.returncode, r.stdout, r.stderr) for r in (quick, typer_path))


ANSWERED = [
    ["program", "list", "--json"],
    ["program", "list"],
    ["program", "list", "--specialist", "sam", "-o", "csv"],
    ["program", "list", "--output=json", "--specialist=amy"],
    ["--lang", "zh-CN", "program", "list"],
    ["--lang=zh-CN", "program", "show", "p0"],
    ["program", "show", "p0", "--json"],
    ["program", "show", "--utc", "p0"],
    ["program", "show", "missing"],
    ["program", "show", "p0", "--before", "5", "--json"],
    ["program", "trainees", "p0"],
    ["program", "trainees", "p0", "--limit", "1", "--json"],
    ["program", "trainees", "--after=amy", "p0", "-o", "csv"],
    ["program", "trainees", "p0", "--after", "amy"],
    ["--lang", "zh-CN", "program", "trainees", "p0"],
    ["inbox", "--json"],
    ["inbox"],
    ["inbox", "--utc", "-o", "csv"],
    ["whoami"],
    ["whoami", "--json"],
    ["--lang", "zh-CN", "whoami"],
    ["notifications", "--recipient", "bob", "-o", "csv"],
    ["notifications"],
]


@pytest.mark.parametrize("argv", ANSWERED, ids=" ".join)
def test_the_quick_path_says_what_typer_says(argv: list[str], server: str, tmp_path: Path) -> None:
    assert quick_command(argv) is not None, "this command line should take the quick path"
    quick, typer_path = _both(argv, _environment(server, tmp_path))
    assert quick == typer_path
    assert quick[0] == (4 if "missing" in argv else 0), quick


def test_refusals_and_an_unreachable_server_read_the_same(server: str, tmp_path: Path) -> None:
    revoked = _both(["inbox", "--json"], _environment(server, tmp_path, token="tro_revoked"))
    assert (
        revoked[0] == revoked[1] and revoked[0][0] == 3 and "sign-in was refused" in (revoked[0][2])
    )
    with socket.socket() as closed:  # a port nothing listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    away = _both(["program", "list", "--json"], _environment(f"http://127.0.0.1:{port}", tmp_path))
    assert away[0] == away[1] and away[0][0] == 5 and "cannot reach trainops" in away[0][2]
    elsewhere = ["whoami", "--server", f"http://127.0.0.1:{port}"]
    assert quick_command(elsewhere) is not None
    away = _both(elsewhere, _environment(server, tmp_path))
    assert away[0] == away[1] and away[0][0] == 5 and f"127.0.0.1:{port}" in away[0][2]


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--version"],
        ["--help"],
        ["--lang", "xx", "program", "list"],
        ["--lang"],
        ["program"],
        ["program", "list", "--help"],
        ["program", "list", "--bogus"],
        ["program", "list", "-ojson"],
        ["program", "list", "-o=json"],
        ["program", "list", "--output", "yaml"],
        ["program", "list", "--specialist"],
        ["program", "list", "--specialist", "--json"],
        ["program", "list", "--json=yes"],
        ["program", "list", "extra"],
        ["program", "list", "--", "--json"],
        ["program", "show"],
        ["program", "show", "a", "b"],
        ["program", "show", "-"],
        ["program", "create", "--id", "p9"],
        ["program", "show", "p0", "--before", "0"],
        ["program", "show", "p0", "--before", "x"],
        ["program", "trainees", "p0", "--limit", "0"],
        ["program", "trainees", "p0", "--limit", "1001"],
        ["program", "trainees", "p0", "--limit", "ten"],
        ["program", "trainees", "p0", "--after"],
        ["inbox", "--specialist", "sam"],
        ["whoami", "--server"],
        ["whoami", "someone"],
        ["kpi", "report", "--json"],
    ],
    ids=lambda argv: " ".join(argv) or "(nothing)",
)
def test_every_other_command_line_is_left_to_typer(argv: list[str]) -> None:
    assert quick_command(argv) is None


def test_a_bad_value_is_refused_by_typer_as_before(server: str, tmp_path: Path) -> None:
    """What the quick path leaves to typer is said by typer, usage and all."""
    refused = subprocess.run(
        [TRAINOPS, "program", "list", "--output", "yaml"],
        env=_environment(server, tmp_path),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 2 and "'yaml' is not one of" in refused.stderr


def _typer_command(path: tuple[str, ...]) -> _click.Command:
    root = typer.main.get_command(app)
    command = root.real_command(path[0])  # type: ignore[attr-defined]
    for word in path[1:]:
        command = command.commands[word]
    assert isinstance(command, _click.Command)
    return command


@pytest.mark.parametrize("path", list(QUICK), ids=" ".join)
def test_each_quick_command_takes_the_options_its_typer_command_takes(
    path: tuple[str, ...],
) -> None:
    command = _typer_command(path)
    flags: dict[str, str] = {}
    values: dict[str, str] = {}
    arguments: list[str] = []
    for parameter in command.params:
        if parameter.param_type_name == "argument":
            assert parameter.required, "the quick path takes required arguments only"
            arguments.append(str(parameter.name))
        elif parameter.name != "help":
            assert not parameter.secondary_opts and not parameter.multiple
            for option in parameter.opts:
                is_flag = getattr(parameter, "is_flag", False)
                (flags if is_flag else values)[option] = str(parameter.name)
    quick = QUICK[path]
    assert (quick.flags, quick.values, quick.arguments) == (flags, values, tuple(arguments))


#: What a read command must not import: typer (with click) takes three interpreter starts,
#: ``typing`` and ``contextlib`` a third of one; the rest belong to other commands.
HEAVY = ("typer", "click", "rich", "typing", "contextlib", "dataclasses", "pydantic", "sqlalchemy")


def _loaded(code: str, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], set[str]]:
    """Run ``code``, then list the heavy modules loaded by the time the process leaves."""
    listing = (
        "import sys, os; heavy = " + repr(HEAVY) + "; os._exit = lambda code: (print(sorted("
        "m for m in sys.modules if m.split('.')[0] in heavy), file=sys.stderr), sys.exit(code)); "
    )
    done = subprocess.run(
        [sys.executable, "-c", listing + code],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done, set(json.loads(done.stderr.strip().splitlines()[-1].replace("'", '"')))


def test_the_quick_path_imports_neither_typer_nor_typing(server: str, tmp_path: Path) -> None:
    """Beyond what the interpreter's own start loads here (the development install's hook
    brings ``contextlib``, which an installed command does not)."""
    env = _environment(server, tmp_path)
    _, at_start = _loaded("os._exit(0)", env)
    done, read = _loaded(
        "sys.argv = ['trainops', 'program', 'list', '--json']; "
        "from trainops.entry import main; main()",
        env,
    )
    assert done.returncode == 0 and json.loads(done.stdout) == PROGRAMS, done.stderr
    assert read - at_start == set()
    typed, with_typer = _loaded(
        "sys.argv = ['trainops', 'program', 'list', '--bogus']; "
        "from trainops.entry import main; main()",
        env,
    )
    assert typed.returncode == 2 and "typer" in with_typer  # the check can see typer


@pytest.mark.parametrize(
    ("argv", "lang", "said"),
    [
        ([b"program", b"show", b"\xff"], "en", "argument 3 is not UTF-8 text"),
        ([b"program", b"list", b"--specialist", b"s\xe9b"], "zh-CN", "第 4 个参数不是 UTF-8 文本"),
        ([b"program", b"enrol", b"p0", b"--file", b"\xff.csv"], "en", "argument 5 is not UTF-8"),
    ],
    ids=["quick", "quick-zh", "typer"],
)
def test_a_word_that_is_not_utf8_is_refused_in_one_line(
    argv: list[bytes], lang: str, said: str, server: str, tmp_path: Path
) -> None:
    """A trial: bytes the shell passed as they were (``$'\\xff'``) ended in a traceback from
    quoting the id for the API, on either path."""
    env = {**_environment(server, tmp_path), "TRAINOPS_LANG": lang}
    done = subprocess.run([TRAINOPS, *argv], env=env, capture_output=True, timeout=60)
    stderr = done.stderr.decode()
    assert done.returncode == 2 and said in stderr and "Traceback" not in stderr, stderr
    assert done.stdout == b""


def test_a_page_of_people_is_bounded_as_the_api_bounds_it() -> None:
    from services.roster_reads import MAX_PEOPLE_PAGE
    from trainops.program_reads import MAX_PAGE

    assert MAX_PAGE == MAX_PEOPLE_PAGE
