"""A service that cannot start says why in one line and exits 78; one whose database or
Temporal is not up yet waits, saying why, instead of dying at once."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.ports import free_port

ROOT = Path(__file__).parents[1]


def _run(command: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "TRAINOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "TRAINOPS_SEAL_KEY_FILE": str(tmp_path / "seal-key.pem"),
        "TRAINOPS_WITNESS_DIR": str(tmp_path / "witness"),
        "TRAINOPS_LOG_FORMAT": "json",
        **env,
    }
    return subprocess.run(
        command, env=environment, cwd=ROOT, capture_output=True, text=True, timeout=120
    )


def _worker(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return _run([sys.executable, "worker.py"], tmp_path, **env)


def _refused(done: subprocess.CompletedProcess[str], words: str) -> None:
    assert done.returncode == 78, (done.returncode, done.stderr[-2000:])
    assert f"error: {words}" in done.stderr, done.stderr[-2000:]
    assert "Traceback" not in done.stderr + done.stdout


def test_a_worker_waits_for_the_database_then_says_it_gave_up(tmp_path: Path) -> None:
    url = f"postgresql+psycopg://nobody@127.0.0.1:{free_port()}/nothing"
    done = _worker(
        tmp_path, TRAINOPS_DATABASE_URL=url, TRAINOPS_DATABASE_CONNECT_WAIT_SECONDS="1.5"
    )
    _refused(done, "the database at")
    assert "does not answer after" in done.stderr
    assert "waiting for the database" in done.stdout + done.stderr


def test_a_worker_without_temporal_says_where_it_looked(tmp_path: Path) -> None:
    address = f"127.0.0.1:{free_port()}"
    done = _worker(
        tmp_path, TRAINOPS_TEMPORAL_ADDRESS=address, TRAINOPS_TEMPORAL_CONNECT_WAIT_SECONDS="1"
    )
    _refused(done, f"cannot connect to Temporal at {address}")


def test_a_bad_setting_names_the_variable(tmp_path: Path) -> None:
    done = _run(
        [sys.executable, "-m", "api"],
        tmp_path,
        TRAINOPS_TEMPORAL_TLS_CERT_FILE=str(tmp_path / "client.pem"),
    )
    _refused(done, "bad settings:")
    assert "TRAINOPS_TEMPORAL_TLS_KEY_FILE" in done.stderr


def test_the_production_api_without_its_signing_key_says_which_variable(tmp_path: Path) -> None:
    done = _run(
        [sys.executable, "-m", "api"],
        tmp_path,
        TRAINOPS_SIGNING_KEY_FILE=str(tmp_path / "signing-key.pem"),
        TRAINOPS_SIGNING_KEY_CREATE="false",
        TRAINOPS_API_PORT="0",
    )
    _refused(done, "no signing key: set TRAINOPS_SIGNING_KEY")
    assert not (tmp_path / "signing-key.pem").exists()


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("garbage", "trainops keeps its data in SQLite or PostgreSQL"),
        ("mysql://x@127.0.0.1/db", "trainops keeps its data in SQLite or PostgreSQL"),
        ("sqlite:///", "an SQLite URL names a file"),
        ("sqlite://", "an SQLite URL names a file"),
    ],
)
@pytest.mark.parametrize("command", [["log", "verify"], ["projections", "status"]])
def test_an_operator_command_on_a_database_url_it_cannot_use_is_one_line(
    tmp_path: Path, url: str, said: str, command: list[str]
) -> None:
    """Not a driver's traceback (exit 1), and never "log intact: 0 events" from an empty
    in-memory database."""
    trainops = str(Path(sys.executable).with_name("trainops"))
    done = _run([trainops, *command], tmp_path, TRAINOPS_DATABASE_URL=url, TRAINOPS_LANG="en")
    _refused(done, f"bad settings: TRAINOPS_DATABASE_URL: {said}")
    assert "intact" not in done.stdout
