"""The hash input is exactly docs/event-log.md's formula: ``json.dumps`` of the whole row
document."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eventlog import hashing

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
documents = st.dictionaries(st.text(max_size=8), json_values, max_size=5)


def reference(document: Any) -> str:
    return json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


@given(value=json_values)
def test_encode_json_is_canonical_json(value: Any) -> None:
    assert hashing.encode_json(value) == reference(value)


@given(
    payload=documents,
    metadata=documents,
    stream_id=st.text(min_size=1, max_size=20),
    event_type=st.text(min_size=1, max_size=20),
    position=st.integers(1, 2**62),
    version=st.integers(1, 2**31),
)
def test_canonical_row_is_json_dumps_of_the_row(
    payload: dict[str, Any],
    metadata: dict[str, Any],
    stream_id: str,
    event_type: str,
    position: int,
    version: int,
) -> None:
    occurred = datetime(2026, 3, 1, 8, 30, 0, 5, tzinfo=UTC)
    recorded = datetime(2026, 3, 1, 8, 30, 1, tzinfo=UTC)
    row: dict[str, Any] = {
        "event_id": "6f1c1d2e-0000-4000-8000-000000000001",
        "event_type": event_type,
        "metadata": metadata,
        "occurred_at": "2026-03-01T08:30:00.000005Z",
        "payload": payload,
        "position": position,
        "recorded_at": "2026-03-01T08:30:01.000000Z",
        "schema_version": 2,
        "stream_id": stream_id,
        "stream_version": version,
    }
    encoded = hashing.canonical(row | {"occurred_at": occurred, "recorded_at": recorded})
    assert encoded == reference(row).encode("utf-8")


@pytest.mark.parametrize("value", [float("nan"), float("inf"), {"a": object()}])
def test_what_json_cannot_carry_is_refused(value: Any) -> None:
    with pytest.raises((ValueError, TypeError)):
        hashing.encode_json(value)


@given(
    moment=st.datetimes(
        min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=st.timezones()
    )
)
def test_timestamps_are_utc_with_microseconds(moment: datetime) -> None:
    expected = moment.astimezone(UTC).isoformat(timespec="microseconds")[:26] + "Z"
    assert hashing.timestamp(moment) == expected
