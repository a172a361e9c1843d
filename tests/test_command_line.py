"""What a new user does: start the embedded stack, drive a program from the shell, read the KPIs."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

TRAINOPS = str(Path(sys.executable).parent / "trainops")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, str]]:
    env = {
        **os.environ,
        "TRAINOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'trainops.db'}",
        "TRAINOPS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "TRAINOPS_TEMPORAL_DB_FILE": str(tmp_path / "temporal.db"),
        "TRAINOPS_TEMPORAL_UI_PORT": str(free_port()),
        "TRAINOPS_TASK_QUEUE": "cli-test",
        "TRAINOPS_API_PORT": str(free_port()),
    }
    process = subprocess.Popen(
        [TRAINOPS, "up", "--no-ui"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + 60
    for line in process.stdout:
        if "trainops is running" in line or time.monotonic() > deadline:
            break
    assert process.poll() is None, "the stack did not start"
    yield env
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0, "Ctrl-C must stop the stack cleanly"


def trainops(env: dict[str, str], *args: str, ok: bool = True) -> str:
    done = subprocess.run(
        [TRAINOPS, *args], env=env, capture_output=True, text=True, timeout=60, check=False
    )
    output = done.stdout + done.stderr
    assert (done.returncode == 0) is ok, output
    return output


def test_a_program_from_the_shell(stack: dict[str, str]) -> None:
    env = stack
    trainops(
        env, "program", "create", "--id", "cli-1", "--title", "Safety", "--specialist", "li",
        "--approver", "wang", "--planned-date", "2099-01-20", "--session",
        "s1@2099-01-15T09:30/3", "--trainee", "e1", "--trainee", "e2", "--timezone",
        "Asia/Shanghai",
    )  # fmt: skip
    assert "already exists" in trainops(
        env, "program", "create", "--id", "cli-1", "--title", "Again", "--specialist", "li",
        "--approver", "wang", "--planned-date", "2099-01-20", "--session",
        "s1@2099-01-15T09:30", "--trainee", "e1", ok=False,
    )  # fmt: skip
    trainops(env, "program", "submit", "cli-1", "--as", "li")
    refused = trainops(env, "program", "approve", "cli-1", "--as", "li", ok=False)
    assert "four-eyes" in refused
    assert "reason" in trainops(
        env, "program", "reject", "cli-1", "--as", "wang", "--reason", "", ok=False
    )
    inbox = json.loads(trainops(env, "inbox", "wang", "--json"))
    assert [t["program_id"] for t in inbox] == ["cli-1"]
    trainops(env, "program", "approve", "cli-1", "--as", "wang", "--comment", "fine")
    trainops(env, "program", "publish", "cli-1", "--as", "li")
    assert json.loads(trainops(env, "inbox", "wang", "--json")) == []
    shown = json.loads(trainops(env, "program", "show", "cli-1", "--json"))
    assert shown["program"]["status"] == "published" and shown["program"]["enrolled"] == 2
    kpis = json.loads(trainops(env, "kpi", "report", "--json"))
    plan = next(k for k in kpis["scorecards"][0]["kpis"] if k["kpi"] == "plan_completion")
    assert (plan["value"], plan["numerator"], plan["denominator"]) == (0.0, 0, 1)
    assert plan["rating"] == "below target"
    assert "log intact" in trainops(env, "log", "verify")
