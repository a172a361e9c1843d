"""A witness's signed seals catch what the chain and the seal table alone cannot: an owner who
truncates the tail, rewrites the head row, deletes seals or re-chains a forgery. Each attack is
named with its position, on both databases (attacks made as in ``support.tampering``)."""

from __future__ import annotations

import json
import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from activities.sealing import LogSealer
from audit.digest import insert_seal, read_seals
from audit.seal_keys import publish_seal_key, seal_keys
from audit.verify import VerifyReport, verify_audit
from audit.witness import DirectoryWitness, WitnessError, load_witness
from domain.seals import SignedSeal
from eventlog import EventStore
from eventlog.schema import events, log_head, log_seals
from eventlog.verify import verify_log
from services.signing import Signer
from tests.eventlog.support import append_interleaved, new_event, rechain, tamper, tampering

EVENTS = 10
LATE = 4  # events appended after the first seal: the second seal covers 14


@pytest.fixture
def signer() -> Signer:
    return Signer.generate()


@pytest.fixture
def witness(tmp_path: Path) -> DirectoryWitness:
    return DirectoryWitness(tmp_path / "witness")


@pytest.fixture
def sealed(store: EventStore, signer: Signer, witness: DirectoryWitness) -> EventStore:
    """14 events (the seal key's publication is position 1) with signed seals at 10 and 14,
    both kept by the witness."""
    publish_seal_key(store, signer.trusted_key())
    append_interleaved(store, "abacbbcab", first=2)
    sealer = LogSealer(store, signer, [witness])
    assert sealer.seal_once().seq == 1
    for n in range(LATE):
        store.append("program-late", n, [new_event()])
    assert sealer.seal_once().position == EVENTS + LATE
    assert [s.position for s in witness.load()] == [EVENTS, EVENTS + LATE]
    return store


def _problems(report: VerifyReport) -> list[tuple[str, int]]:
    return [(p.kind, p.position) for p in report.problems]


def _check(store: EventStore, witness: DirectoryWitness) -> VerifyReport:
    return verify_audit(store, witness=load_witness(witness.path))


def _hash_at(engine: Engine, position: int) -> str:
    with engine.connect() as conn:
        found = conn.execute(select(events.c.hash).where(events.c.position == position))
        return str(found.scalar())


def test_a_clean_log_agrees_with_its_witness(sealed: EventStore, witness: DirectoryWitness) -> None:
    report = _check(sealed, witness)
    assert report.ok, report.problems
    assert report.witnessed == 2 and len(report.seal_keys) == 1
    assert [(c.source, c.position, c.ok) for c in report.checkpoints if c.source == "witness"] == [
        ("witness", EVENTS, True),
        ("witness", EVENTS + LATE, True),
    ]


def test_truncated_tail_with_the_head_row_rewritten(
    sealed: EventStore, engine: Engine, witness: DirectoryWitness
) -> None:
    tamper(engine, text("DELETE FROM events WHERE position > 12"))
    tamper(engine, log_head.update().values(position=12, hash=_hash_at(engine, 12)))
    tamper(engine, log_seals.delete().where(log_seals.c.seq == 2))
    assert verify_log(sealed).ok and verify_audit(sealed).ok  # without the witness: unseen

    report = _check(sealed, witness)
    assert ("witness_truncated", 13) in _problems(report)
    assert ("witness_seal_missing", EVENTS + LATE) in _problems(report)
    truncated = next(p for p in report.problems if p.kind == "witness_truncated")
    assert "ends at position 12" in truncated.detail and "13..14" in truncated.detail


def test_rewritten_head_row(sealed: EventStore, engine: Engine, witness: DirectoryWitness) -> None:
    rechain(engine, EVENTS + LATE, {"rewritten": True})
    tamper(engine, log_seals.delete().where(log_seals.c.seq == 2))
    assert verify_log(sealed).ok and verify_audit(sealed).ok

    report = _check(sealed, witness)
    assert _problems(report) == [
        ("witness_seal_missing", EVENTS + LATE),
        ("witness_mismatch", EVENTS + LATE),
    ]
    assert "positions 11..14" in report.problems[1].detail  # seal 1 at 10 still matches


def test_deleted_seal(sealed: EventStore, engine: Engine, witness: DirectoryWitness) -> None:
    tamper(engine, log_seals.delete().where(log_seals.c.seq == 2))
    assert verify_audit(sealed).ok  # the last seal gone leaves a well-chained seal table

    report = _check(sealed, witness)
    assert _problems(report) == [("witness_seal_missing", EVENTS + LATE)]
    assert "witness seal 2" in report.problems[0].detail


def test_re_chained_forgery(
    sealed: EventStore, engine: Engine, signer: Signer, witness: DirectoryWitness
) -> None:
    rechain(engine, 4, {"amount": 1, "index": 4})
    tamper(engine, log_seals.delete())
    # The forger even seals the forgery with a key of their own, published in the log.
    forger = Signer.generate()
    publish_seal_key(sealed, forger.trusted_key())
    insert_seal(engine, *sealed.head(), datetime.now(UTC), forger)
    assert verify_log(sealed).ok and verify_audit(sealed).ok

    report = _check(sealed, witness)
    assert ("witness_mismatch", EVENTS) in _problems(report)
    assert ("witness_seal_altered", EVENTS) in _problems(report)
    first = next(p for p in report.problems if p.kind == "witness_mismatch")
    assert "positions 1..10" in first.detail

    # An auditor who kept the genuine key's id also sees the forger's seal for what it is.
    genuine = {k: v for k, v in seal_keys(sealed).items() if k == signer.key_id}
    pinned = verify_audit(sealed, witness=load_witness(witness.path), seal_keys=genuine)
    assert ("seal_signature", EVENTS + LATE + 1) in _problems(pinned)


def test_an_unsigned_seal_after_signed_ones_is_flagged(sealed: EventStore, engine: Engine) -> None:
    sealed.append("program-late", LATE, [new_event()])
    insert_seal(engine, *sealed.head(), datetime.now(UTC))  # no signer: as by hand
    assert _problems(verify_audit(sealed)) == [("seal_altered", EVENTS + LATE + 1)]


def test_edited_row(sealed: EventStore, engine: Engine, witness: DirectoryWitness) -> None:
    tamper(engine, events.update().where(events.c.position == 4).values(payload={"x": 1}))
    report = _check(sealed, witness)
    assert report.first_problem is not None
    assert (report.first_problem.kind, report.first_problem.position) == ("altered", 4)


def test_swapped_rows(sealed: EventStore, engine: Engine, witness: DirectoryWitness) -> None:
    swap = text("UPDATE events SET position = :new WHERE position = :old")
    with tampering(engine) as conn:
        conn.execute(swap, {"old": 3, "new": -3})
        conn.execute(swap, {"old": 8, "new": 3})
        conn.execute(swap, {"old": -3, "new": 8})
    report = _check(sealed, witness)
    assert report.first_problem is not None
    assert (report.first_problem.kind, report.first_problem.position) == ("altered", 3)
    assert all(3 <= p.position <= 9 for p in report.problems)


def test_a_forged_witness_file_fails_its_signature(
    sealed: EventStore, witness: DirectoryWitness
) -> None:
    path = witness.path / "seal-0000000002.json"
    document = json.loads(path.read_text())
    document["position"] = EVENTS + 1
    os.chmod(path, 0o644)
    path.write_text(json.dumps(document))
    report = _check(sealed, witness)
    assert ("witness_signature", EVENTS + 1) in _problems(report)


def test_a_seal_by_an_unknown_key_is_refused(
    sealed: EventStore, witness: DirectoryWitness, tmp_path: Path
) -> None:
    stranger = LogSealer(sealed, Signer.generate(), [DirectoryWitness(tmp_path / "other")])
    sealed.append("program-late", LATE, [new_event()])
    stranger.seal_once()
    report = verify_audit(sealed, witness=load_witness(tmp_path / "other"))
    assert any("unknown key" in p.detail for p in report.problems if p.kind == "witness_signature")


# ---------------------------------------------------------------------- the directory


def test_witness_files_are_created_once_and_never_rewritten(
    sealed: EventStore, engine: Engine, witness: DirectoryWitness
) -> None:
    files = sorted(witness.path.iterdir())
    assert [f.name for f in files] == ["seal-0000000001.json", "seal-0000000002.json"]
    assert all(stat.S_IMODE(f.stat().st_mode) == 0o444 for f in files)
    assert witness.sync(list(read_seals(engine))) == []  # all held already: nothing written
    before = [f.read_bytes() for f in files]

    # The owner rewrites seal 2 (say, re-signed after a forgery): the witness refuses it.
    resealed = log_seals.update().where(log_seals.c.seq == 2).values(sealed_at=datetime.now(UTC))
    tamper(engine, resealed)
    with pytest.raises(WitnessError, match="different seal 2"):
        witness.sync(list(read_seals(engine)))
    [seal] = [s for s in read_seals(engine) if s.seq == 2]
    signed = seal.signed()
    assert signed is not None
    with pytest.raises(WitnessError, match="different seal 2"):
        witness.record(signed)
    assert [f.read_bytes() for f in files] == before


def test_the_witness_file_is_the_signed_document(
    sealed: EventStore, witness: DirectoryWitness
) -> None:
    text_ = (witness.path / "seal-0000000001.json").read_text()
    seal = SignedSeal.model_validate_json(text_)
    assert text_ == seal.document()
    assert set(json.loads(text_)) == {
        "v",
        "seq",
        "position",
        "hash",
        "sealed_at",
        "prev_seal_hash",
        "seal_hash",
        "key_id",
        "signature",
    }
