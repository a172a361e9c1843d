"""docs/verify_log.py, the standalone verifier (Python stdlib + psql), agrees with the log and
with a witness's signed seals, and names each attack the witness exposes."""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from sqlalchemy import Engine, text

from activities.sealing import LogSealer
from audit.seal_keys import publish_seal_key
from audit.witness import DirectoryWitness
from domain.proofs import TrustedKey, key_id_of, unb64url
from domain.seals import SignedSeal, signature_problem
from eventlog import EventStore
from eventlog.schema import log_head, log_seals
from services.signing import Signer
from tests.eventlog.conftest import LogDatabase
from tests.eventlog.support import new_events, rechain, tamper

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_log.py"


def _script_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("verify_log", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_its_ed25519_agrees_with_cryptography() -> None:
    verify = _script_module().ed25519_verify
    for size in (0, 1, 64, 1000):
        key, message = Signer.generate(), os.urandom(size)
        signature = unb64url(key.sign(message))
        assert verify(key.public_key, message, signature)
        assert not verify(key.public_key, message + b"!", signature)
        assert not verify(Signer.generate().public_key, message, signature)
        flipped = bytes([signature[0] ^ 1]) + signature[1:]
        assert not verify(key.public_key, message, flipped)


def _run(log_db: LogDatabase, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args],
        env=log_db.psql_env(),
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def witnessed(store: EventStore, tmp_path: Path) -> tuple[Path, Signer]:
    if shutil.which("psql") is None:
        pytest.skip("psql is not installed")
    signer = Signer.generate()
    publish_seal_key(store, signer.trusted_key())
    witness = DirectoryWitness(tmp_path / "witness")
    sealer = LogSealer(store, signer, [witness])
    store.append("program-a", 0, new_events(9))
    sealer.seal_once()  # seal 1 at 10
    store.append("program-b", 0, new_events(4))
    sealer.seal_once()  # seal 2 at 14
    return witness.path, signer


@pytest.mark.parametrize("log_db", ["postgresql"], indirect=True)  # it reads the log via psql
def test_the_script_checks_the_witness(
    log_db: LogDatabase, store: EventStore, engine: Engine, witnessed: tuple[Path, Signer]
) -> None:
    witness, signer = witnessed
    clean = _run(log_db, "--witness", str(witness), "--seal-key-id", signer.key_id)
    assert clean.returncode == 0, clean.stderr
    assert f"14 events verified, head {store.head()[1]}" in clean.stdout
    assert f"2 witness seals verified with seal key(s) {signer.key_id}" in clean.stdout
    stranger = _run(log_db, "--witness", str(witness), "--seal-key-id", "0" * 16)
    assert "not published" in stranger.stderr

    # A witness file edited by hand no longer carries a valid signature.
    path = witness / "seal-0000000001.json"
    original = path.read_text()
    document = json.loads(original)
    os.chmod(path, 0o644)
    path.write_text(json.dumps({**document, "position": 9}))
    assert (
        "witness seal 1 (position 9): the signature does not verify"
        in _run(log_db, "--witness", str(witness)).stderr
    )
    path.write_text(original)

    tamper(engine, log_seals.delete().where(log_seals.c.seq == 2))  # a deleted seal
    deleted = _run(log_db, "--witness", str(witness))
    assert "witness seal 2 (position 14) is not in log_seals" in deleted.stderr

    tamper(engine, text("DELETE FROM events WHERE position > 12"))  # a truncated tail...
    with engine.connect() as conn:
        last = conn.execute(text("SELECT hash FROM events WHERE position = 12")).scalar_one()
    tamper(engine, log_head.update().values(position=12, hash=last))  # ...and its head
    truncated = _run(log_db, "--witness", str(witness))
    assert truncated.returncode != 0
    assert "the log ends at position 12, before witness seal 2 (position 14)" in truncated.stderr

    rechain(engine, 4, {"forged": True})  # a re-chained forgery
    tamper(engine, log_seals.delete())
    assert _run(log_db).returncode == 0  # the chain alone verifies
    forged = _run(log_db, "--witness", str(witness))
    assert "another hash at position 10 than witness seal 1" in forged.stderr


def test_the_example_in_log_integrity_md_verifies() -> None:
    """The formats section's example file, checked exactly as the section says to."""
    doc = (SCRIPT.parent / "log-integrity.md").read_text(encoding="utf-8")
    [line] = re.findall(r"```json\n(.*?)\n```", doc, re.S)
    [public] = re.findall(r"public key\s+`([A-Za-z0-9+/=]+)`", doc)
    seal = SignedSeal.model_validate_json(line)
    assert seal.document() == line + "\n"  # the file is canonical JSON
    key = TrustedKey(seal.key_id, base64.b64decode(public))
    assert key_id_of(key.public_key) == seal.key_id
    assert signature_problem(seal, {seal.key_id: key}) is None
    claims = {k: v for k, v in json.loads(line).items() if k != "signature"}
    message = b"trainops-seal-v1\n" + _script_module().canonical(claims).encode()
    assert _script_module().ed25519_verify(key.public_key, message, unb64url(seal.signature))


def test_a_log_it_cannot_read_is_one_line_never_a_traceback(tmp_path: Path) -> None:
    """Issue 16: pointed at the SQLite database (or a database psql cannot open), the script
    printed a traceback."""
    sqlite_file = tmp_path / "trainops.db"
    sqlite_file.write_bytes(b"SQLite format 3\x00")
    for database in (str(sqlite_file), "sqlite:///trainops.db", "no_such_database_here"):
        done = subprocess.run(
            [sys.executable, str(SCRIPT), "-d", database],
            capture_output=True,
            text=True,
            check=False,
            env={**os.environ, "PGHOST": "127.0.0.1", "PGCONNECT_TIMEOUT": "5"},
        )
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.count("\n") == 1, done.stderr
