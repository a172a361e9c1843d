"""The command line loads a command's module only when it runs: ``--help`` and completion list
every command from ``trainops.cli.COMMANDS`` without importing the database, Temporal or the
HTTP client, and each listed help line says what the real command says."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from trainops.cli import COMMANDS, TrainopsGroup
from trainops.lazy import load

TRAINOPS = str(Path(sys.executable).with_name("trainops"))
HEAVY = ("sqlalchemy", "temporalio", "httpx", "services", "audit", "eventlog", "projections")
#: Not heavy for a command that draws a table or speaks https, but a ``--json`` read of a
#: plain http server needs none of them (issue 14); ``email`` is what ``http.client`` parses
#: headers with, and ``encodings.idna`` what the resolver loads for a name given as text.
DRAWING = ("rich", "platformdirs", "_ssl", "email", "http.client", "encodings.idna")


def _words(text: str | None) -> str:
    return " ".join((text or "").split("\n\n")[0].split())


@pytest.mark.parametrize("name", list(COMMANDS))
def test_each_listed_help_line_is_the_commands_own(name: str) -> None:
    real = load(name, COMMANDS[name])
    assert _words(COMMANDS[name].help) == _words(real.help)


def test_help_lists_every_command_and_imports_none_of_them() -> None:
    script = (
        "import sys\n"
        "from trainops.cli import app\n"
        "try:\n"
        "    app(['--help'], prog_name='trainops')\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print('LOADED', sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert "LOADED []" in done.stdout, done.stdout[-500:]
    for name in COMMANDS:
        assert f" {name} " in done.stdout


def test_a_group_loads_when_it_runs_and_not_before() -> None:
    group = TrainopsGroup(name="trainops")
    assert not hasattr(group.commands["program"], "commands")  # a stand-in until it runs
    program = group.real_command("program")
    assert "list" in getattr(program, "commands", {})


@pytest.mark.parametrize(
    ("words", "expected"),
    [("trainops prog", "program"), ("trainops program li", "list"), ("trainops db ba", "backup")],
)
def test_shell_completion_reaches_into_lazy_commands(words: str, expected: str) -> None:
    env = {
        **os.environ,
        "_TRAINOPS_COMPLETE": "complete_bash",
        "COMP_WORDS": words,
        "COMP_CWORD": str(len(words.split()) - 1),
    }
    done = subprocess.run([TRAINOPS], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr[-500:]
    assert expected in done.stdout.split(), done.stdout


class _StandInApi(BaseHTTPRequestHandler):
    """Answers every GET with an empty list at once: the command line's own cost is measured."""

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"[]")

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


def test_a_read_command_through_the_entry_point_imports_no_database_or_temporal(
    tmp_path: Path,
) -> None:
    """The real entry point (not the typer app alone): the start-up error handling around every
    command once imported SQLAlchemy for all of them, tripling a read command's start. With
    ``--json`` and its answer piped, rich (a table's drawing) is not imported either."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _StandInApi)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    script = (  # main() ends with os._exit: say what was loaded just before it
        "import io, os, sys\n"
        "sys.stdout = io.StringIO()\n"  # piped, as a script reads the answer
        "leave = os._exit\n"
        "def _exit(code):\n"
        "    said = sys.__stdout__\n"
        "    print('EXIT', code, file=said)\n"
        f"    loaded = sorted(m for m in {HEAVY + DRAWING!r} if m in sys.modules)\n"
        "    print('LOADED', loaded, file=said)\n"
        "    print('ANSWER', repr(sys.stdout.getvalue()), file=said, flush=True)\n"
        "    leave(code)\n"
        "os._exit = _exit\n"
        "sys.argv = ['trainops', 'program', 'list', '--json']\n"
        "from trainops.entry import main\n"
        "main()\n"
    )
    env = {  # no TRAINOPS_* setting: one there is checked first (tests/test_bad_settings_*)
        **{k: v for k, v in os.environ.items() if not k.upper().startswith("TRAINOPS_")},
        "TRAINOPS_SERVER": f"http://127.0.0.1:{server.server_address[1]}",
        "TRAINOPS_TOKEN": "tro_stand_in",
        # No credentials file there: the token above is the only one.
        "XDG_CONFIG_HOME": str(tmp_path),
    }
    env.pop("TRAINOPS_CREDENTIALS_FILE", None)
    try:
        done = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60
        )
    finally:
        server.shutdown()
    assert "EXIT 0" in done.stdout, done.stdout[-500:] + done.stderr[-500:]
    assert "LOADED []" in done.stdout, done.stdout[-500:]
    assert "ANSWER '[]\\n'" in done.stdout, done.stdout[-500:]
