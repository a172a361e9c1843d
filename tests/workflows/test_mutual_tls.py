"""Mutual TLS to Temporal: with the certificates ``trainops certs generate`` makes, a worker and
the API's client connect through a TLS frontend that demands a client certificate and run a
program; without a certificate, with one from another CA, or expecting another server name,
the connection is refused and nothing runs."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from uuid import uuid4

import pytest
import pytest_asyncio
from temporalio.testing import WorkflowEnvironment

from activities.config_versions import ConfigSource
from activities.outbox import NotificationService
from audit.signing_keys import publish_key
from domain.events import ProgramPlanned
from runtime.certificates import generate
from runtime.settings import Settings
from runtime.temporal_connection import TemporalUnreachable, connect_temporal
from services.database import Database
from services.program_client import ProgramClient
from tests.conftest import TEST_SIGNER, Harness
from tests.tls_proxy import mutual_tls_front
from tests.workflows.test_paths import plan
from trainops.worker import build_worker


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("certs")
    generate(directory)
    return directory


@pytest_asyncio.fixture
async def front(time_env: WorkflowEnvironment, certs: Path) -> AsyncIterator[tuple[str, list[str]]]:
    upstream = time_env.client.service_client.config.target_host
    async with mutual_tls_front(certs, upstream) as address_and_refusals:
        yield address_and_refusals


def _settings(address: str, certs: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "temporal_address": address,
        "temporal_tls_ca_file": certs / "ca.pem",
        "temporal_tls_cert_file": certs / "client.pem",
        "temporal_tls_key_file": certs / "client-key.pem",
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


async def test_a_worker_and_the_api_client_run_a_program_over_mutual_tls(
    front: tuple[str, list[str]], certs: Path, database: Database, time_env: WorkflowEnvironment
) -> None:
    address, refused = front
    client = await connect_temporal(_settings(address, certs), wait_seconds=0)
    task_queue = f"tq-{uuid4()}"
    notifier = NotificationService(database.engine, None, database.store)
    publish_key(database.store, TEST_SIGNER.trusted_key())
    programs = ProgramClient(client, task_queue, TEST_SIGNER, clock=time_env.get_current_time)
    config = ConfigSource(database.store, None)
    async with build_worker(client, task_queue, database.store, notifier, config=config):
        program_id = await plan(Harness(time_env, database, programs, task_queue))
    recorded = [r.event_type for r in database.store.read_stream(f"program-{program_id}")]
    assert recorded[0] == ProgramPlanned.__name__
    assert refused == []


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(
            {"temporal_tls_cert_file": None, "temporal_tls_key_file": None}, id="no-client-cert"
        ),
        pytest.param("foreign-ca-client", id="client-cert-from-another-ca"),
        pytest.param("foreign-ca-server", id="server-not-signed-by-our-ca"),
        pytest.param({"temporal_tls_server_name": "elsewhere.example"}, id="wrong-server-name"),
    ],
)
async def test_a_connection_without_the_right_certificates_is_refused(
    front: tuple[str, list[str]], certs: Path, tmp_path: Path, change: object
) -> None:
    address, _ = front
    if isinstance(change, dict):
        settings = _settings(address, certs, **change)
    else:
        foreign = tmp_path / "foreign"
        generate(foreign)
        if change == "foreign-ca-client":
            settings = _settings(
                address,
                certs,
                temporal_tls_cert_file=foreign / "client.pem",
                temporal_tls_key_file=foreign / "client-key.pem",
            )
        else:
            settings = _settings(address, certs, temporal_tls_ca_file=foreign / "ca.pem")
    with pytest.raises(TemporalUnreachable, match="over TLS"):
        await connect_temporal(settings, wait_seconds=0)


async def test_plain_grpc_to_the_tls_frontend_is_refused(front: tuple[str, list[str]]) -> None:
    address, _ = front
    with pytest.raises(TemporalUnreachable, match="after 1 attempt"):
        await connect_temporal(Settings(temporal_address=address), wait_seconds=0)


def test_a_certificate_without_its_key_is_refused_at_start(certs: Path) -> None:
    with pytest.raises(ValueError, match="TRAINOPS_TEMPORAL_TLS_KEY_FILE"):
        Settings(temporal_tls_cert_file=certs / "client.pem")


async def test_a_process_waits_for_temporal_with_backoff_and_then_says_why_it_gave_up(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import socket

    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(TemporalUnreachable, match=r"after [2-9] attempt") as refused:
        await connect_temporal(Settings(temporal_address=f"127.0.0.1:{port}"), wait_seconds=1.2)
    assert f"127.0.0.1:{port}" in str(refused.value)
    said = capsys.readouterr()  # stdout or stderr, as an earlier test left logging set up
    assert "waiting for Temporal" in said.out + said.err
    from services.startup_texts import startup_line  # a trial: in English in zh-CN

    chinese = startup_line(refused.value, "zh-CN")
    assert chinese.startswith("错误: 尝试 ") and f"仍无法连接 127.0.0.1:{port} 上的" in chinese


WORKER_ROOT = Path(__file__).parents[2]


async def _start_worker(tmp_path: Path, **env: str) -> tuple[int, str]:
    """Run ``worker.py`` as a process with these settings; its exit status and stderr."""
    import asyncio
    import os
    import sys

    environment = {
        **os.environ,
        "TRAINOPS_DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "TRAINOPS_SEAL_KEY_FILE": str(tmp_path / "seal-key.pem"),
        "TRAINOPS_WITNESS_DIR": str(tmp_path / "witness"),
        "TRAINOPS_LOG_FORMAT": "json",
        # As in compose: a long wait for Temporal, which a refused certificate must not use up.
        "TRAINOPS_TEMPORAL_CONNECT_WAIT_SECONDS": "600",
        **env,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "worker.py",
        cwd=WORKER_ROOT,
        env=environment,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    # Well inside the 600 s wait it was given (each refused attempt takes the SDK ~20 s of
    # its own retries, so three in a row take a minute idle, more on a loaded machine).
    try:
        _, stderr = await asyncio.wait_for(process.communicate(), timeout=540)
    except TimeoutError:
        process.kill()
        raise
    assert process.returncode is not None
    return process.returncode, stderr.decode()


@pytest.mark.parametrize("which", ["foreign-ca-client", "foreign-ca-server", "missing-ca-file"])
async def test_a_worker_with_a_wrong_certificate_stops_at_once_with_one_line(
    front: tuple[str, list[str]], certs: Path, tmp_path: Path, which: str
) -> None:
    """Not a crash loop and not ten minutes of retries: a certificate will not fix itself."""
    address, _ = front
    foreign = tmp_path / "foreign"
    generate(foreign)
    env = {
        "TRAINOPS_TEMPORAL_ADDRESS": address,
        "TRAINOPS_TEMPORAL_TLS_CA_FILE": str(certs / "ca.pem"),
        "TRAINOPS_TEMPORAL_TLS_CERT_FILE": str(foreign / "client.pem"),
        "TRAINOPS_TEMPORAL_TLS_KEY_FILE": str(foreign / "client-key.pem"),
    }
    if which == "foreign-ca-server":  # our own certificate, but another CA's idea of the server
        env |= {
            "TRAINOPS_TEMPORAL_TLS_CA_FILE": str(foreign / "ca.pem"),
            "TRAINOPS_TEMPORAL_TLS_CERT_FILE": str(certs / "client.pem"),
            "TRAINOPS_TEMPORAL_TLS_KEY_FILE": str(certs / "client-key.pem"),
        }
    if which == "missing-ca-file":
        env |= {
            "TRAINOPS_TEMPORAL_TLS_CA_FILE": str(tmp_path / "nowhere" / "ca.pem"),
            "TRAINOPS_TEMPORAL_TLS_CERT_FILE": str(certs / "client.pem"),
            "TRAINOPS_TEMPORAL_TLS_KEY_FILE": str(certs / "client-key.pem"),
        }
    status, stderr = await _start_worker(tmp_path, **env)
    assert status == 78, stderr[-2000:]
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, stderr[-2000:]
    expected = "cannot read the Temporal CA" if which == "missing-ca-file" else "over TLS"
    assert expected in errors[0]
    assert "Traceback" not in stderr


async def test_a_worker_without_its_seal_key_stops_before_waiting_for_temporal(
    tmp_path: Path,
) -> None:
    import socket

    with socket.socket() as probe:  # nobody listens: the worker would wait ten minutes
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    status, stderr = await _start_worker(
        tmp_path,
        TRAINOPS_TEMPORAL_ADDRESS=f"127.0.0.1:{port}",
        TRAINOPS_SEAL_KEY_CREATE="false",
    )
    assert status == 78, stderr[-2000:]
    assert "error: no seal key: set TRAINOPS_SEAL_KEY" in stderr
    assert not (tmp_path / "seal-key.pem").exists()


#: What the SDK said, word for word, when the TLS front refused a foreign client certificate
#: after the handshake: an end of stream or a reset, as timing has it, mixed in one worker's
#: attempts (counting only the first, a worker waited out its whole 600 s wait).
REFUSED_AFTER_HANDSHAKE = (
    "Failed client connect: `get_system_info` call error after connection: Status { code: "
    'Unknown, message: "transport error", source: Some(tonic::transport::Error(Transport, '
    'hyper::Error(Io, Custom { kind: UnexpectedEof, error: "peer closed connection without '
    'sending TLS close_notify" }))) }',
    "Failed client connect: `get_system_info` call error after connection: Status { code: "
    'Unknown, message: "transport error", source: Some(tonic::transport::Error(Transport, '
    "hyper::Error(Io, Kind(ConnectionReset)))) }",
)


@pytest.mark.parametrize("said", REFUSED_AFTER_HANDSHAKE)
def test_a_connection_closed_after_the_handshake_counts_towards_a_refusal(
    certs: Path, said: str
) -> None:
    from runtime.temporal_connection import _closed_after_handshake, tls_config

    tls = tls_config(_settings("127.0.0.1:1", certs))
    assert _closed_after_handshake(RuntimeError(said), tls)
    plain = tls_config(
        _settings("127.0.0.1:1", certs, temporal_tls_cert_file=None, temporal_tls_key_file=None)
    )
    assert not _closed_after_handshake(RuntimeError(said), plain)
    assert not _closed_after_handshake(RuntimeError("Connection refused (os error 111)"), tls)
