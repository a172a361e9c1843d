"""A second `make run`, or a port another program holds: a plain sentence, not a traceback."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from runtime.settings import Settings
from tests.ports import free_port
from trainops.stack import preflight


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
