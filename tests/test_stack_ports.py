"""A second `make run`, or a port another program holds: a plain sentence, not a traceback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from typer.testing import CliRunner

from runtime.settings import Settings
from tests.ports import free_port
from trainops.cli import app
from trainops.stack import listening_on, preflight


@pytest.fixture
def listener() -> Iterator[int]:
    held = socket.socket()
    held.bind(("127.0.0.1", 0))
    held.listen()
    yield int(held.getsockname()[1])
    held.close()


class _Healthz(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"status": "ok"}'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_: object) -> None:
        pass


def _settings(api_port: int, temporal_port: int, ui_port: int) -> Settings:
    return Settings(
        api_port=api_port,
        temporal_address=f"127.0.0.1:{temporal_port}",
        temporal_ui_port=ui_port,
    )


def test_free_ports_pass() -> None:
    preflight(_settings(free_port(), free_port(), free_port()))


def test_a_running_trainops_is_named_as_such_and_is_no_failure(
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = HTTPServer(("127.0.0.1", 0), _Healthz)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(SystemExit) as stopped:
            preflight(_settings(server.server_address[1], free_port(), free_port()))
    finally:
        server.shutdown()
        server.server_close()
    assert stopped.value.code == 0  # what `make run` asked for is running
    assert "trainops is already running" in capsys.readouterr().err


def test_a_port_held_by_another_program_names_the_setting(listener: int) -> None:
    with pytest.raises(SystemExit, match="TRAINOPS_API_PORT"):
        preflight(_settings(listener, free_port(), free_port()))
    with pytest.raises(SystemExit, match=f"port {listener} .*TRAINOPS_TEMPORAL_ADDRESS"):
        preflight(_settings(free_port(), listener, free_port()))
    with pytest.raises(SystemExit, match="TRAINOPS_TEMPORAL_UI_PORT"):
        preflight(_settings(free_port(), free_port(), listener))
    preflight(_settings(free_port(), free_port(), listener), ui=False)


@pytest.mark.parametrize(
    ("option", "value"),
    [("--port", "abc"), ("--port", "70000"), ("--port", "-1"), ("--host", "no such host.invalid")],
)
def test_up_refuses_a_bad_port_or_host_in_one_line(option: str, value: str) -> None:
    """Before anything starts: the option and the value named, exit 2, no traceback."""
    done = CliRunner().invoke(app, ["up", option, value])
    assert done.exit_code == 2, done.output
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: {option} '{value}'")


def test_up_listens_where_its_options_say_and_else_where_the_settings_say() -> None:
    settings = Settings(api_host="127.0.0.1", api_port=8000)
    chosen = listening_on(settings, "localhost", "8123")
    assert (chosen.api_host, chosen.api_port) == ("localhost", 8123)
    assert listening_on(settings, None, None) == settings
    port = free_port()
    with pytest.raises(SystemExit, match=f"port {port} .*--port"):
        held = socket.socket()
        held.bind(("127.0.0.1", port))
        held.listen()
        try:
            preflight(listening_on(_settings(8000, free_port(), free_port()), None, str(port)))
        finally:
            held.close()
