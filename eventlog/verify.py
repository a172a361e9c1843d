"""Check the hash chain end to end and say exactly where it breaks."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from eventlog import hashing
from eventlog.records import RecordedEvent
from eventlog.store import EventStore

ProblemKind = Literal["altered", "missing", "reordered", "broken_link", "stream_gap", "truncated"]


@dataclass(frozen=True)
class Problem:
    position: int
    kind: ProblemKind
    detail: str


@dataclass
class ChainReport:
    checked: int = 0
    last_position: int = 0
    last_hash: str = hashing.GENESIS
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def first_problem(self) -> Problem | None:
        return self.problems[0] if self.problems else None


def content_hash(event: RecordedEvent) -> str:
    """The hash this row must carry, given the previous hash it names."""
    encoded = hashing.canonical(
        position=event.position,
        stream_id=event.stream_id,
        stream_version=event.stream_version,
        event_id=str(event.event_id),
        event_type=event.event_type,
        schema_version=event.schema_version,
        payload=event.payload,
        metadata=event.metadata,
        occurred_at=event.occurred_at,
        recorded_at=event.recorded_at,
    )
    return hashing.chain(event.prev_hash, encoded)


def verify_events(
    rows: Iterable[RecordedEvent], head: tuple[int, str] | None = None
) -> ChainReport:
    """Walk rows in position order: each row's content must match its hash, each row must name
    the previous row's hash, positions must run 1, 2, 3… and each stream's versions 1, 2, 3…"""
    report = ChainReport()
    expected_position = 1
    previous_hash = hashing.GENESIS
    stream_versions: dict[str, int] = {}
    for event in rows:
        report.checked += 1
        if event.position < expected_position:
            report.problems.append(Problem(event.position, "reordered", "position out of order"))
        elif event.position > expected_position:
            missing = f"{expected_position}" + (
                f"..{event.position - 1}" if event.position - 1 > expected_position else ""
            )
            report.problems.append(
                Problem(expected_position, "missing", f"position(s) {missing} missing")
            )
        if content_hash(event) != event.hash:
            report.problems.append(
                Problem(event.position, "altered", "row content does not match its hash")
            )
        elif event.prev_hash != previous_hash and event.position == expected_position:
            report.problems.append(
                Problem(
                    event.position,
                    "broken_link",
                    "row does not follow the previous row (rows swapped or replaced)",
                )
            )
        last_version = stream_versions.get(event.stream_id, 0)
        if event.stream_version != last_version + 1:
            report.problems.append(
                Problem(
                    event.position,
                    "stream_gap",
                    f"stream {event.stream_id!r} jumps from version {last_version}"
                    f" to {event.stream_version}",
                )
            )
        stream_versions[event.stream_id] = max(last_version, event.stream_version)
        expected_position = max(expected_position, event.position + 1)
        previous_hash = event.hash
        report.last_position, report.last_hash = event.position, event.hash
    if head is not None and (report.last_position, report.last_hash) != head:
        report.problems.append(
            Problem(
                report.last_position + 1 if head[0] > report.last_position else head[0],
                "truncated",
                f"log ends at position {report.last_position} but its head says {head[0]}",
            )
        )
    return report


def verify_log(store: EventStore) -> ChainReport:
    """Verify a quiet log against its head; ``audit.verify`` also copes with appends going on
    during the walk."""
    head = store.head()
    return verify_events(store.read_all(), head)
