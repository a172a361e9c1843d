"""A request sent with an ``Idempotency-Key`` acts once, however often it is sent.

Within one run of a program's workflow, the key's update id makes Temporal answer a retry with
the first outcome. A run continues as new every few thousand events, and the next run knows no
update ids of the last: there the key's own nonce, in the action's assertion and carried as
spent (``domain.nonces``), has the retry refused as used already, and the first outcome is
read back from the log, whose events keep the assertion with that nonce.
A key is honoured so across runs while its assertion could still be sent (five minutes).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime

from domain.proofs import CLOCK_SKEW, USED_ALREADY, VALID_FOR
from domain.streams import program_stream
from eventlog.records import RecordedEvent
from services.database import Database
from services.errors import Conflict
from services.people import Person
from services.program_client import ActionRefused

#: Events read back a page at a time, newest first, looking for a retried request's first
#: answer (only those of the last few minutes can hold it).
PAGE = 500


def _request_digest(person: Person, program_id: str, idempotency_key: str, *more: str) -> str:
    text = "\n".join([person.username, program_id, idempotency_key, *more])
    return hashlib.sha256(text.encode()).hexdigest()


def update_id(
    person: Person, program_id: str, idempotency_key: str | None, kind: str
) -> str | None:
    """The Temporal update id of a request that names an idempotency key: the same person,
    program, action and key give the same id, so a retried request is run once. The action is
    part of it: a key reused for another action (a submit's key on a withdraw) must not answer
    with the first action's outcome while the second never happens."""
    if idempotency_key is None:
        return None
    return f"idem-{_request_digest(person, program_id, idempotency_key, kind)[:40]}"


def request_nonce(
    person: Person, program_id: str, idempotency_key: str | None, *kind: str
) -> str | None:
    """The assertion nonce of a keyed plan, or of a keyed action of ``kind`` (32 hex, as the
    signer's own): a retry carries the same, so it is recognised."""
    if idempotency_key is None:
        return None
    return _request_digest(person, program_id, idempotency_key, *kind)[32:]


def spent_before(refusal: ActionRefused) -> bool:
    """Refused because its assertion's nonce was spent: for a keyed request, its retry."""
    return USED_ALREADY in str(refusal)


def _nonce_of(record: RecordedEvent) -> str | None:
    proof = record.metadata.get("proof") or {}
    nonce = (proof.get("assertion") or {}).get("nonce")
    return nonce if isinstance(nonce, str) else None


def _newest_first(database: Database, stream: str, since: datetime) -> Iterator[RecordedEvent]:
    """The stream's events, newest first, until those recorded before ``since``."""
    upper = database.store.stream_version(stream)
    while upper > 0:
        page = database.store.read_stream(stream, max(0, upper - PAGE), up_to_version=upper)
        yield from reversed(page)
        if not page or page[0].recorded_at < since:
            return
        upper -= PAGE


def first_answer(
    database: Database, program_id: str, actor: str, nonce: str, now: datetime
) -> list[RecordedEvent]:
    """The events a keyed action recorded the first time, oldest first: the one whose proof
    holds ``nonce`` and those it proves (``proved_by``). ``Conflict`` if the log holds none
    (its first try was refused, and the reason is not kept)."""
    since = now - VALID_FOR - CLOCK_SKEW * 2
    proved: dict[str, list[RecordedEvent]] = {}
    for record in _newest_first(database, program_stream(program_id), since):
        if _nonce_of(record) == nonce and record.metadata.get("actor") == actor:
            return [record, *proved.get(str(record.event_id), [])[::-1]]
        if "proved_by" in record.metadata:
            proved.setdefault(str(record.metadata["proved_by"]), []).append(record)
    raise Conflict("error.request_decided", program_id=program_id)
