"""Seals on demand and from the schedule's activity: signed with the seal key, handed to every
witness, idempotent under retries, and checked by ``trainops log verify --witness``."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any

import pytest
import structlog
from sqlalchemy import text
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment
from typer.testing import CliRunner

from activities.contracts import LOG_NOT_INTACT
from activities.sealing import LogSealer
from audit.digest import read_seals
from audit.seal_keys import publish_seal_key, seal_keys
from audit.witness import DirectoryWitness, HttpWitness, WitnessError, load_witness
from domain.seals import SignedSeal, signature_problem
from eventlog import EventStore
from eventlog.schema import log_seals
from runtime.settings import get_settings
from services.signing import Signer, load_signer
from tests.api.live import live_api
from tests.eventlog.support import new_events, tamper
from trainops.audit_cli import audit_app
from trainops.cli import app


class Receiver:
    """A witness over HTTP: keeps what it is sent; answers ``status``."""

    def __init__(self) -> None:
        self.received: list[tuple[dict[str, Any], dict[str, str]]] = []
        self.status = 201
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                if receiver.status < 300:
                    receiver.received.append((json.loads(body), dict(self.headers)))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/seals?token=SECRET"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()


@pytest.fixture
def signer(store: EventStore) -> Signer:
    key = Signer.generate()
    publish_seal_key(store, key.trusted_key())
    return key


def test_a_seal_is_signed_and_every_witness_gets_it(
    store: EventStore, signer: Signer, tmp_path: Path, receiver: Receiver
) -> None:
    store.append("program-a", 0, new_events(3))
    directory = DirectoryWitness(tmp_path / "w")
    sealer = LogSealer(store, signer, [directory, HttpWitness(receiver.url)])
    outcome = sealer.seal_once()
    assert (outcome.seq, outcome.position) == (1, 4)
    # Named without the server's path (a remote auditor reads it), as the URL without its token.
    assert outcome.witnessed == {"directory w": [1], "http 127.0.0.1": [1]}

    [stored] = read_seals(store.engine)
    signed = stored.signed()
    assert signed is not None and signed.key_id == signer.key_id
    assert signature_problem(signed, seal_keys(store)) is None
    assert load_witness(directory.path) == [signed]
    [(document, headers)] = receiver.received
    assert SignedSeal.model_validate(document) == signed
    assert headers["Idempotency-Key"] == f"trainops-seal-1-{signed.seal_hash[:16]}"


def test_a_witness_that_was_down_catches_up_on_the_retry(
    store: EventStore, signer: Signer, tmp_path: Path, receiver: Receiver
) -> None:
    store.append("program-a", 0, new_events(3))
    directory = DirectoryWitness(tmp_path / "w")
    sealer = LogSealer(store, signer, [HttpWitness(receiver.url), directory])
    receiver.status = 503
    with pytest.raises(WitnessError, match=r"http 127\.0\.0\.1 refused seal 1: HTTP 503"):
        sealer.seal_once()
    assert [s.seq for s in read_seals(store.engine)] == [1]  # sealed, and the directory has it
    assert [s.seq for s in directory.load()] == [1]

    receiver.status = 201
    retried = sealer.seal_once()  # what the activity's retry does
    assert retried.seq is None  # nothing new to seal...
    assert retried.witnessed["http 127.0.0.1"] == [1]  # ...but the seal reaches the witness
    assert "SECRET" not in str(retried.witnessed)


def test_the_activity_refuses_to_seal_a_broken_log_for_good(
    store: EventStore, signer: Signer, tmp_path: Path
) -> None:
    store.append("program-a", 0, new_events(3))
    tamper(store.engine, text("DELETE FROM events WHERE position = 2"))
    sealer = LogSealer(store, signer, [DirectoryWitness(tmp_path / "w")])
    with pytest.raises(ApplicationError) as refused:
        ActivityEnvironment().run(sealer.seal_log)
    assert refused.value.type == LOG_NOT_INTACT and refused.value.non_retryable
    assert "missing at position 2" in str(refused.value)
    assert list(read_seals(store.engine)) == []


# ---------------------------------------------------------------------- the commands


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A SQLite log, a seal key file and a witness directory, all in the test's directory."""
    monkeypatch.setenv("TRAINOPS_DATABASE_URL", f"sqlite:///{tmp_path / 'log.db'}")
    monkeypatch.setenv("TRAINOPS_SEAL_KEY_FILE", str(tmp_path / "seal-key.pem"))
    monkeypatch.setenv("TRAINOPS_WITNESS_DIR", str(tmp_path / "witness"))
    get_settings.cache_clear()
    saved = structlog.get_config()
    yield tmp_path / "witness"
    structlog.configure(**saved)
    get_settings.cache_clear()


def test_seal_on_demand_then_verify_against_the_witness(
    env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from services.database import open_database

    database = open_database(get_settings().database_url)
    try:
        database.store.append("program-a", 0, new_events(4))
        with live_api(database) as live:  # the API seals, with the key it is configured with
            cli = CliRunner()
            live.users.create_user("adm", "a long admin password", ["admin"])
            monkeypatch.setenv("TRAINOPS_SERVER", live.url)
            monkeypatch.setenv("TRAINOPS_TOKEN", live.users.issue_token("adm", "cli")[1])
            keyless = cli.invoke(audit_app, ["seal"])
            assert keyless.exit_code == 5 and "no seal key" in keyless.stderr  # never minted
            load_signer(None, env.parent / "seal-key.pem", create=True)
            sealed = cli.invoke(audit_app, ["seal"])
            assert sealed.exit_code == 0, sealed.output
            head = database.store.head()[0]  # the seal key's publication is the last event
            assert f"sealed seal 1: position {head}" in sealed.output
            # the witness directory by its name on the server, saying which setting places it
            # (never the server's path: a remote auditor reads it)
            where = " ".join(sealed.output.split())
            assert (
                f"witness directory '{env.name}' on the server (TRAINOPS_WITNESS_DIR): "
                "1 seal handed over"
            ) in where, where
            assert str(env.parent) not in where
            assert [s.position for s in load_witness(env)] == [head]
            again = cli.invoke(audit_app, ["seal"])
            assert "nothing to seal" in again.output

        verified = cli.invoke(app, ["log", "verify", "--witness", str(env)])
        assert verified.exit_code == 0, verified.output
        assert "log intact" in verified.output and "1 witness seal(s) checked" in verified.output

        tamper(database.engine, log_seals.delete())
        broken = cli.invoke(app, ["log", "verify", "--witness", str(env)])
        assert broken.exit_code == 1
        assert f"witness_seal_missing at position {head}" in broken.output
        with live_api(database) as live:
            live.users.create_user("aud", "a long auditor password", ["auditor"])
            monkeypatch.setenv("TRAINOPS_SERVER", live.url)
            monkeypatch.setenv("TRAINOPS_TOKEN", live.users.issue_token("aud", "cli")[1])
            assert cli.invoke(audit_app, ["verify", "--witness", str(env)]).exit_code == 1

        pinned = ["--witness", str(env), "--seal-key-id", "0" * 16]
        unknown = cli.invoke(app, ["log", "verify", *pinned])
        assert unknown.exit_code == 2 and "not published" in unknown.output
        missing = cli.invoke(app, ["log", "verify", "--witness", str(env / "nope")])
        said = " ".join(missing.output.split())
        assert missing.exit_code == 2 and "does not exist: no seal was handed" in said
    finally:
        database.close()


def test_an_empty_witness_setting_turns_it_off(monkeypatch: pytest.MonkeyPatch) -> None:
    from runtime.settings import Settings
    from services.sealing import witnesses

    monkeypatch.setenv("TRAINOPS_WITNESS_DIR", "")
    monkeypatch.setenv("TRAINOPS_WITNESS_URL", "https://witness.example/seals")
    settings = Settings()
    assert settings.witness_dir is None
    assert [w.name for w in witnesses(settings)] == ["http witness.example"]
