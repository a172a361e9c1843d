"""Processes end cleanly: status 0 on completion and on SIGTERM, stdout stays machine-readable,
and no fatal error at interpreter exit (repeated, to catch an intermittent abort)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.ports import free_port

TRAINOPS = Path(sys.executable).parent / "trainops"


def _listening(ports: set[str]) -> list[tuple[str, str]]:
    """(address, port) of the listening TCP sockets on ``ports``, from ``ss``."""
    table = subprocess.run(["ss", "-ltnH"], capture_output=True, text=True, check=True).stdout
    found = []
    for line in table.splitlines():
        local = line.split()[3]
        host, _, port = local.rpartition(":")
        if port in ports:
            found.append((host.strip("[]"), port))
    return found


def test_the_embedded_temporal_server_refuses_a_public_address(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TRAINOPS_TEMPORAL_ADDRESS": "0.0.0.0:7233",
        "TRAINOPS_DATABASE_URL": f"sqlite:///{tmp_path / 't.db'}",
    }
    done = subprocess.run(
        [str(TRAINOPS), "up"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode != 0 and "127.0.0.1 only" in done.stderr


@pytest.mark.parametrize("run", range(3))
def test_the_demo_exits_0_with_json_alone_on_stdout(run: int, tmp_path: Path) -> None:
    done = subprocess.run(
        [str(TRAINOPS), "demo", "--programs", "2", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Fatal Python error" not in done.stderr
    summary = json.loads(done.stdout)
    assert summary["log_intact"] is True


def test_the_stack_stops_with_0_on_sigterm(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TRAINOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'trainops.db'}",
        "TRAINOPS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "TRAINOPS_TEMPORAL_UI_PORT": str(free_port()),
        "TRAINOPS_TEMPORAL_DB_FILE": str(tmp_path / "temporal.db"),
        "TRAINOPS_API_PORT": str(free_port()),
        "TRAINOPS_SIGNING_KEY_FILE": str(tmp_path / "key.pem"),
    }
    stack = subprocess.Popen(
        [str(TRAINOPS), "up"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert stack.stdout is not None
        deadline = time.monotonic() + 60
        for line in stack.stdout:
            if "Ctrl-C stops everything" in line or time.monotonic() > deadline:
                break
        listening = _listening(
            {
                env["TRAINOPS_TEMPORAL_ADDRESS"].rpartition(":")[2],
                env["TRAINOPS_TEMPORAL_UI_PORT"],
                env["TRAINOPS_API_PORT"],
            }
        )
        assert listening and all(host == "127.0.0.1" for host, _ in listening), listening
        stack.send_signal(signal.SIGTERM)
        code = stack.wait(timeout=60)
    finally:
        if stack.poll() is None:
            stack.kill()
    assert stack.stderr is not None
    errors = stack.stderr.read()
    assert code == 0, errors[-2000:]
    assert "Fatal Python error" not in errors
