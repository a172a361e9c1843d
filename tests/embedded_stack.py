"""The embedded stack as a user starts it (`trainops up` in a fresh directory, on free ports) and
the command line as a user runs it: a fixture for tests that drive trainops from the shell."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ports import free_port

TRAINOPS = str(Path(sys.executable).parent / "trainops")
PASSWORD = "correct horse battery"


@pytest.fixture
def stack(tmp_path: Path) -> Iterator[dict[str, str]]:
    api_port = free_port()
    env = {
        **os.environ,
        "TRAINOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'trainops.db'}",
        "TRAINOPS_TEMPORAL_ADDRESS": f"127.0.0.1:{free_port()}",
        "TRAINOPS_TEMPORAL_DB_FILE": str(tmp_path / "temporal.db"),
        "TRAINOPS_TEMPORAL_UI_PORT": str(free_port()),
        "TRAINOPS_TASK_QUEUE": "cli-test",
        "TRAINOPS_API_PORT": str(api_port),
        "TRAINOPS_SIGNING_KEY_FILE": str(tmp_path / "signing-key.pem"),
        "TRAINOPS_SERVER": f"http://127.0.0.1:{api_port}",
        "TRAINOPS_CREDENTIALS_FILE": str(tmp_path / "nobody.json"),
    }
    env.pop("TRAINOPS_TOKEN", None)
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
    code = None
    for line in process.stdout:
        found = re.search(r"setup code ([A-Za-z0-9_-]{20,})", line)
        if found:
            code = found.group(1)
        if "trainops setup --server" in line or time.monotonic() > deadline:
            break
    assert process.poll() is None and code, "the stack did not start with a setup code"
    env["SETUP_CODE"] = code
    yield env
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0, "Ctrl-C must stop the stack cleanly"


def trainops(
    env: dict[str, str], *args: str, ok: bool = True, stdin: str | None = None, code: int = 0
) -> str:
    done = subprocess.run(
        [TRAINOPS, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert (done.returncode == 0) is ok, output
    if code:
        assert done.returncode == code, output
    return output


def person(env: dict[str, str], tmp: Path, username: str) -> dict[str, str]:
    """``username`` signed in with their own credentials file (as on their own machine)."""
    own = {**env, "TRAINOPS_CREDENTIALS_FILE": str(tmp / f"{username}.json")}
    trainops(own, "login", "--username", username, "--password-stdin", stdin=PASSWORD + "\n")
    assert oct(Path(own["TRAINOPS_CREDENTIALS_FILE"]).stat().st_mode & 0o777) == "0o600"
    return own
