"""Check that every recorded human action was proven: signed by a key the log published, for
that actor, program, action and content, and recorded while the assertion was valid.

Walks the log once, in order, with bounded memory: keys are learnt as their ``signing-keys``
events pass (a key is always published before it signs), and the other events of an action point
(``proved_by``) at the action's first event, which comes just before them in the same append.

What must carry a proof: every event of a program stream recorded for a person (role other than
``system``) after the first key was published. Events written before that, and events appended
outside the workflows (configuration, reference data, accounts), are counted as ``unproven`` by
stream, so an auditor sees how much of the log rests on trust in the server.
"""

from __future__ import annotations

import base64
import hashlib
from collections import Counter
from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from domain.canonical import encode_json
from domain.proofs import (
    CLOCK_SKEW,
    PLAN_ACTION,
    VALID_FOR,
    ActorAssertion,
    ProofRefused,
    TrustedKey,
    verify_signature,
)
from domain.roles import MIGRATION_ROLE
from domain.streams import (
    ACCOUNTS_STREAM,
    CONFIG_STREAM,
    KEYS_STREAM,
    PROGRAM_PREFIX,
    REFERENCE_DATA_SCOPE,
)
from eventlog import RecordedEvent

ProofProblemKind = Literal["unproven", "bad_proof"]


class ProofProblem(BaseModel):
    position: int
    kind: ProofProblemKind
    detail: str


class ProofReport(BaseModel):
    proven_actions: int = 0
    """Actions whose assertion verified (one per action, however many events it recorded)."""
    proven_events: int = 0
    unproven: dict[str, int] = {}
    """Events of people recorded without a proof where none is required, by stream kind
    (``migration``: events ``data migrate`` recorded from another system's files)."""
    problems: list[ProofProblem] = []
    keys: dict[str, str] = {}
    """Published key id -> base64 public key, as the log holds them."""

    @property
    def ok(self) -> bool:
        return not self.problems


def expected_scope(row: RecordedEvent) -> str:
    """What an assertion must name: the program's workflow id, or the scope of a direct
    request (``configuration`` for the configuration stream, ``reference-data`` otherwise)."""
    workflow_id = row.metadata.get("workflow_id")
    if workflow_id:
        return str(workflow_id)
    if row.stream_id in (CONFIG_STREAM, ACCOUNTS_STREAM):
        return row.stream_id
    return REFERENCE_DATA_SCOPE


def stream_kind(stream_id: str) -> str:
    """``program-p1`` -> ``program``; ``course-c1`` -> ``course``; ``configuration`` as is."""
    return stream_id.split("-", 1)[0] if "-" in stream_id else stream_id


class ProofChecker:
    """Feed rows in log order with ``check``; read ``report`` at the end."""

    def __init__(self, max_problems: int = 1000) -> None:
        self.report = ProofReport()
        self._keys: dict[str, TrustedKey] = {}
        self._last_carrier: tuple[str, str, bool] | None = None  # event id, actor, verified
        self._unproven: Counter[str] = Counter()
        self._max_problems = max_problems

    def _problem(self, row: RecordedEvent, kind: ProofProblemKind, detail: str) -> None:
        if len(self.report.problems) < self._max_problems:
            self.report.problems.append(
                ProofProblem(position=row.position, kind=kind, detail=detail)
            )

    def check(self, row: RecordedEvent) -> None:
        if row.stream_id == KEYS_STREAM:
            self._learn_key(row)
            return
        metadata = row.metadata
        role = metadata.get("role", "system")
        if role == "system":
            return
        if role == MIGRATION_ROLE:  # another system's history, on the operator's word
            self._unproven[MIGRATION_ROLE] += 1
            return
        if "proof" in metadata:
            ok = self._check_carrier(row, metadata["proof"])
            self._last_carrier = (str(row.event_id), str(metadata.get("actor")), ok)
            if ok:
                self.report.proven_actions += 1
                self.report.proven_events += 1
            return
        if "proved_by" in metadata:
            carrier = self._last_carrier
            if carrier is None or carrier[0] != metadata["proved_by"]:
                self._problem(row, "bad_proof", "points to a proof that is not the action's")
            elif carrier[1] != metadata.get("actor"):
                self._problem(row, "bad_proof", "its actor differs from the proven action's")
            elif carrier[2]:
                self.report.proven_events += 1
            return
        if row.stream_id.startswith(PROGRAM_PREFIX) and self._keys:
            self._problem(row, "unproven", f"a person's action ({row.event_type}) without a proof")
        else:
            self._unproven[stream_kind(row.stream_id)] += 1

    def finish(self) -> ProofReport:
        self.report.unproven = dict(sorted(self._unproven.items()))
        return self.report

    def _learn_key(self, row: RecordedEvent) -> None:
        payload = row.payload
        key_id = str(payload.get("key_id", ""))
        if row.event_type == "SigningKeyPublished":
            public = base64.b64decode(str(payload["public_key"]))
            self._keys[key_id] = TrustedKey(key_id, public)
            self.report.keys[key_id] = str(payload["public_key"])
        elif row.event_type == "SigningKeyRetired" and key_id in self._keys:
            retired = datetime.fromisoformat(str(payload["retired_at"]))
            self._keys[key_id] = TrustedKey(key_id, self._keys[key_id].public_key, retired)

    def _check_carrier(self, row: RecordedEvent, proof: Any) -> bool:
        try:
            assertion = ActorAssertion.model_validate(proof["assertion"])
            command = proof["command"]
            verify_signature(assertion, self._keys)
        except (ValidationError, KeyError, TypeError) as exc:
            self._problem(row, "bad_proof", f"the proof is malformed ({type(exc).__name__})")
            return False
        except ProofRefused as exc:
            self._problem(row, "bad_proof", str(exc))
            return False
        return self._matches(row, assertion, command)

    def _matches(self, row: RecordedEvent, assertion: ActorAssertion, command: Any) -> bool:
        digest = hashlib.sha256(encode_json(command).encode()).hexdigest()
        action = command.get("kind", PLAN_ACTION) if isinstance(command, dict) else None
        checks = (
            (digest == assertion.payload_digest, "the kept command is not what was signed"),
            (assertion.actor == row.metadata.get("actor"), "signed for another actor"),
            (assertion.workflow_id == expected_scope(row), "signed for another program or scope"),
            (assertion.action == action, "signed for another action"),
            (
                -CLOCK_SKEW <= row.occurred_at - assertion.issued_at <= VALID_FOR + CLOCK_SKEW,
                "recorded outside the assertion's validity",
            ),
        )
        for holds, why in checks:
            if not holds:
                self._problem(row, "bad_proof", why)
                return False
        return True


def check_proofs(rows: Iterable[RecordedEvent]) -> ProofReport:
    checker = ProofChecker()
    for row in rows:
        checker.check(row)
    return checker.finish()
