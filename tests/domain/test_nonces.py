"""Spent nonces: a replayed assertion stays refused across runs, and what a run carries to the
next stays small however fast actions arrive."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from domain.nonces import SpentNonces
from domain.proofs import VALID_FOR

T0 = datetime(2026, 12, 6, 10, 0, 7, 250_000, tzinfo=UTC)


def _stream(count: int, per_second: float) -> list[tuple[str, datetime]]:
    """``count`` fresh nonces (32 hex, as the signer makes them) issued at ``per_second``."""
    return [(f"{n:032x}", T0 + timedelta(seconds=n / per_second)) for n in range(count)]


def test_a_spent_nonce_is_known_in_this_run_and_the_next() -> None:
    spent = SpentNonces()
    spent.spend("a" * 32, T0, now=T0)

    assert "a" * 32 in spent and "b" * 32 not in spent
    carried = spent.carried(now=T0 + timedelta(minutes=1))
    next_run = SpentNonces(json.loads(json.dumps(carried)))
    assert "a" * 32 in next_run and "b" * 32 not in next_run


def test_a_nonce_is_forgotten_only_once_its_assertion_has_expired() -> None:
    spent = SpentNonces()
    spent.spend("old", T0, now=T0)
    spent.spend("new", T0 + timedelta(minutes=3), now=T0 + timedelta(minutes=3))
    until = T0 + VALID_FOR

    assert "old" in SpentNonces(spent.carried(now=until))  # still valid to the last moment
    later = until + timedelta(minutes=1, seconds=1)
    assert "old" not in SpentNonces(spent.carried(now=later))
    assert "new" in SpentNonces(spent.carried(now=later))
    spent.spend("newer", later, now=later)  # a use forgets the expired ones
    assert "old" not in spent and len(spent) == 2


def test_nonces_carried_by_older_runs_are_still_refused() -> None:
    """Runs that continued as new before 0.4 carried nonce and issue time."""
    older = SpentNonces(legacy={"c" * 32: T0})

    assert "c" * 32 in older
    assert "c" * 32 in SpentNonces(older.carried(now=T0 + VALID_FOR))
    assert "c" * 32 not in SpentNonces(older.carried(now=T0 + VALID_FOR * 2))


def test_a_steady_stream_keeps_what_is_carried_small() -> None:
    """A class answering at 100 actions a second for 20 minutes: 30,000 nonces are live at
    once (five minutes' worth). Carried as nonces and times they took over 2 MiB, Temporal's
    limit on a payload (the run could not continue as new); as digests they stay under the
    256 KiB the SDK warns at, and what a run keeps stays flat."""
    spent = SpentNonces()
    live_most = 0
    stream = _stream(120_000, per_second=100)
    for nonce, issued in stream:
        spent.spend(nonce, issued, now=issued)
        live_most = max(live_most, len(spent))
    now = stream[-1][1]

    carried = spent.carried(now)
    assert live_most <= 100 * VALID_FOR.total_seconds() + 100
    assert len(json.dumps(carried)) < 256 * 1024
    as_before = {n: i.isoformat() for n, i in stream if i >= now - VALID_FOR}
    assert len(json.dumps(as_before)) > 2 * 1024 * 1024
    next_run = SpentNonces(carried)
    assert all(n in next_run for n, _ in stream[-30_000:])
    assert not any(n in next_run for n, _ in stream[:50_000])  # long expired


def test_a_nonce_awaited_by_a_second_copy_outlives_its_assertion_until_decided() -> None:
    """Two copies of one captured assertion pass the validator together; the first is decided
    at once, the second after a backlog of six minutes. Its nonce must still be known then
    (the assertion has expired, and a use in between forgets expired nonces)."""
    spent = SpentNonces()
    later = T0 + VALID_FOR + timedelta(minutes=1)
    with spent.awaiting("dup"):  # the second copy, taken and waiting
        with spent.awaiting("dup"):  # the first copy
            spent.spend("dup", T0, now=T0)
        spent.spend("other", later, now=later)  # forgets what has expired
        assert "dup" in spent  # the second copy is refused as used already
    assert "dup" not in spent and len(spent) == 1  # forgotten once nothing awaits it
