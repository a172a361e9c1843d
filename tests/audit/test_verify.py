"""Verification on both databases: every tamper case is detected and located, digests kept
outside prove the log still extends them, and seals catch a rewrite the chain alone cannot.

The database refuses these rewrites (migration 0005): the tests make them as an attacker with
the owner's rights would, triggers out of the way first (``support.tampering``)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from sqlalchemy import Engine, select, text, update

import audit.verify
from audit.digest import Digest, load_digest, read_seals, save_digest
from audit.verify import LogNotIntact, VerifyReport, seal_log, take_digest, verify_audit
from eventlog import EventStore, hashing
from eventlog.schema import events, log_head, log_seals
from eventlog.verify import verify_log
from services.audit_texts import audit_detail
from tests.eventlog.support import append_interleaved, new_event, swap_positions, tamper, tampering

EVENTS = 10


@pytest.fixture
def log(store: EventStore) -> EventStore:
    """Ten events over three interleaved streams: positions 1..10."""
    append_interleaved(store, "aabacbbcab", first=1)
    assert store.head()[0] == EVENTS
    return store


def _sql(engine: Engine, statement: Any, **params: Any) -> None:
    tamper(engine, statement, **params)


def _first(report: VerifyReport) -> tuple[str, int]:
    assert not report.ok
    _said_in_chinese(report)
    assert report.first_problem is not None
    return report.first_problem.kind, report.first_problem.position


def _said_in_chinese(report: VerifyReport) -> None:
    """Every problem the checks found has its Chinese (issue 16: `audit verify` details stayed
    English under zh-CN); a new sentence without one fails here."""
    for problem in report.problems:
        said = audit_detail(problem.detail, "zh-CN")
        assert said != problem.detail and re.search(r"[\u4e00-\u9fff]", said), problem.detail


def _forged_row(engine: Engine, position: int, prev_hash: str, *, hashed: bool) -> dict[str, Any]:
    """A row as a forger with database access would write it: well hashed, or not."""
    now = datetime.now(UTC)
    row: dict[str, Any] = {
        "position": position,
        "stream_id": "program-forged",
        "stream_version": 1,
        "event_id": str(uuid4()),
        "event_type": "ApprovalGranted",
        "schema_version": 1,
        "payload": {"approver": "mallory"},
        "metadata": {"actor": "mallory"},
        "occurred_at": now,
        "recorded_at": now,
        "prev_hash": prev_hash,
    }
    row["hash"] = hashing.chain(prev_hash, hashing.canonical(row)) if hashed else "f" * 64
    _sql(engine, events.insert().values(**row))
    return row


def _hash_at(engine: Engine, position: int) -> str:
    with engine.connect() as conn:
        return str(
            conn.execute(select(events.c.hash).where(events.c.position == position)).scalar()
        )


def _rewrite_chain(
    engine: Engine, store: EventStore, position: int, payload: dict[str, Any]
) -> None:
    """Alter one payload and recompute every hash from there on, head included: the chain
    verifies again. Only a digest or a seal taken before can tell."""
    _sql(engine, update(events).where(events.c.position == position).values(payload=payload))
    previous = _hash_at(engine, position - 1) if position > 1 else hashing.GENESIS
    for row in list(store.read_all(position - 1)):
        new_hash = hashing.chain(previous, hashing.canonical(row._asdict()))
        _sql(
            engine,
            update(events)
            .where(events.c.position == row.position)
            .values(prev_hash=previous, hash=new_hash),
        )
        previous = new_hash
    _sql(engine, update(log_head).values(hash=previous))


# ---------------------------------------------------------------------- the clean log


def test_clean_log_verifies_with_seals_and_digests(log: EventStore) -> None:
    seal = seal_log(log)
    assert seal is not None and (seal.seq, seal.position) == (1, EVENTS)
    digest = take_digest(log)
    assert (digest.position, digest.hash) == log.head()
    assert (digest.seal_seq, digest.seal_hash) == (1, seal.seal_hash)

    report = verify_audit(log, digests=[digest])
    assert report.ok, report.problems
    assert (report.checked, report.head_position, report.head_hash) == (EVENTS, *log.head())
    assert [(c.source, c.ok) for c in report.checkpoints] == [("seal", True), ("digest", True)]


def test_an_empty_log_verifies(store: EventStore) -> None:
    report = verify_audit(store)
    assert report.ok and report.checked == 0 and report.head_position == 0


# ---------------------------------------------------------------------- tampering, located


def test_updated_payload_is_located(log: EventStore, engine: Engine) -> None:
    cast = "CAST(:payload AS JSON)" if engine.dialect.name == "postgresql" else ":payload"
    _sql(
        engine,
        text(f"UPDATE events SET payload = {cast} WHERE position = 4"),
        payload=json.dumps({"amount": 9900, "index": 4}),
    )
    report = verify_audit(log)
    assert _first(report) == ("altered", 4)
    assert [(p.kind, p.position) for p in report.problems] == [("altered", 4)]


def test_deleted_row_is_located(log: EventStore, engine: Engine) -> None:
    _sql(engine, text("DELETE FROM events WHERE position = 5"))
    assert _first(verify_audit(log)) == ("missing", 5)


def test_swapped_rows_are_located(log: EventStore, engine: Engine) -> None:
    swap_positions(engine, 3, 8)
    report = verify_audit(log)
    assert _first(report) == ("altered", 3)
    assert all(3 <= p.position <= 9 for p in report.problems)


def test_truncated_tail_is_located(log: EventStore, engine: Engine) -> None:
    _sql(engine, text("DELETE FROM events WHERE position > 7"))
    report = verify_audit(log)
    assert _first(report) == ("truncated", 8)
    assert report.checked == 7


def test_forged_row_beyond_the_head_is_located(log: EventStore, engine: Engine) -> None:
    # Well hashed and linked to the last event, but written behind the store's back.
    _forged_row(engine, EVENTS + 1, _hash_at(engine, EVENTS), hashed=True)
    report = verify_audit(log)
    assert _first(report) == ("beyond_head", EVENTS + 1)
    assert not verify_log(log).ok  # the log's own check agrees


def test_forged_row_inserted_in_the_middle_is_located(log: EventStore, engine: Engine) -> None:
    # Make room at position 5, then insert a row that links to position 4 and carries a correct
    # hash of its own; keep the head pointing at the (moved) last row. The forged row itself is
    # consistent: the chain breaks at the next row, which no longer hashes at its new position.
    with tampering(engine) as conn:
        conn.execute(text("UPDATE events SET position = -(position + 1) WHERE position >= 5"))
        conn.execute(text("UPDATE events SET position = -position WHERE position < 0"))
    _forged_row(engine, 5, _hash_at(engine, 4), hashed=True)
    _sql(engine, update(log_head).values(position=EVENTS + 1))
    report = verify_audit(log)
    assert _first(report) == ("altered", 6)


def test_naively_forged_row_is_located_at_itself(log: EventStore, engine: Engine) -> None:
    _sql(engine, text("DELETE FROM events WHERE position = 5"))
    _forged_row(engine, 5, _hash_at(engine, 4), hashed=False)
    assert _first(verify_audit(log)) == ("altered", 5)


# ---------------------------------------------------------------------- digests and seals


def test_a_digest_taken_earlier_verifies_after_more_appends(
    log: EventStore, tmp_path: Path
) -> None:
    path = tmp_path / "digest.json"
    save_digest(take_digest(log), path)
    for n in range(5):
        log.append("program-late", n, [new_event()])
    report = verify_audit(log, digests=[load_digest(path)])
    assert report.ok, report.problems
    assert report.head_position == EVENTS + 5
    assert report.checkpoints[0].ok and report.checkpoints[0].position == EVENTS


def test_a_digest_fails_after_tampering_the_chain_alone_misses(
    log: EventStore, engine: Engine
) -> None:
    early = seal_log(log)  # seal 1 at position 10
    digest = take_digest(log)
    log.append("program-late", 0, [new_event()])
    seal_log(log)  # seal 2 at position 11 (it will be rewritten too)

    _rewrite_chain(engine, log, 4, {"amount": 1, "index": 4})
    _sql(engine, log_seals.delete())  # the forger also drops the seals...
    assert verify_log(log).ok  # ...and the chain alone looks perfect

    report = verify_audit(log, digests=[digest])
    assert _first(report) == ("digest_mismatch", EVENTS)
    assert "positions 1..10" in report.problems[0].detail
    assert early is not None


def test_seals_narrow_down_a_rewrite(log: EventStore, engine: Engine) -> None:
    first = seal_log(log)
    assert first is not None
    for n in range(4):
        log.append("program-late", n, [new_event()])
    seal_log(log)
    _rewrite_chain(engine, log, 12, {"rewritten": True})
    report = verify_audit(log)
    _said_in_chinese(report)
    assert [(p.kind, p.position) for p in report.problems] == [("seal_mismatch", EVENTS + 4)]
    assert "positions 11..14" in report.problems[0].detail  # seal 1 at 10 still matches


def test_edited_or_removed_seals_are_detected(log: EventStore, engine: Engine) -> None:
    seal_log(log)
    log.append("program-late", 0, [new_event()])
    seal_log(log)
    log.append("program-late", 1, [new_event()])
    seal_log(log)
    digest = take_digest(log)
    assert digest.seal_seq == 3

    _sql(engine, update(log_seals).where(log_seals.c.seq == 2).values(sealed_at=datetime.now(UTC)))
    report = verify_audit(log)
    _said_in_chinese(report)
    assert ("seal_altered", EVENTS + 1) in [(p.kind, p.position) for p in report.problems]

    _sql(engine, log_seals.delete().where(log_seals.c.seq == 3))
    report = verify_audit(log, digests=[digest])
    _said_in_chinese(report)
    assert any(p.kind == "digest_mismatch" and "seal 3" in p.detail for p in report.problems)


def test_digest_and_seal_refuse_a_log_that_does_not_verify(log: EventStore, engine: Engine) -> None:
    _sql(engine, text("DELETE FROM events WHERE position = 2"))
    with pytest.raises(LogNotIntact, match="missing at position 2"):
        take_digest(log)
    with pytest.raises(LogNotIntact):
        seal_log(log)
    assert list(read_seals(engine)) == []


def test_seal_only_when_enough_happened(log: EventStore) -> None:
    assert seal_log(log, min_new_events=11) is None
    assert seal_log(log, min_new_events=10) is not None
    assert seal_log(log) is None  # nothing new since
    log.append("program-late", 0, [new_event()])
    sealed = seal_log(log)
    assert sealed is not None and (sealed.seq, sealed.position) == (2, EVENTS + 1)


def test_events_appended_during_the_walk_are_walked_too(
    log: EventStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(audit.verify, "EVERY", 1)  # report progress after every row
    monkeypatch.setattr(audit.verify, "PAGE", 2)
    appended = False

    def append_midway(done: int, total: int | None) -> None:
        nonlocal appended
        if done == 3 and not appended:
            appended = True
            log.append("program-late", 0, [new_event(), new_event()])

    report = verify_audit(log, progress=append_midway)
    assert appended
    assert report.ok, report.problems
    assert (report.checked, report.head_position) == (EVENTS + 2, EVENTS + 2)


def test_digest_files_round_trip(tmp_path: Path) -> None:
    digest = Digest(position=3, hash="a" * 64, taken_at=datetime.now(UTC))
    save_digest(digest, tmp_path / "d.json")
    assert load_digest(tmp_path / "d.json") == digest
    assert json.loads((tmp_path / "d.json").read_text())["format"] == "trainops-digest/1"
