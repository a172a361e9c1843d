"""One way to write an instant for people: in the program's zone, labelled."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from domain.instants import instant_text


def test_in_the_zone_labelled_or_utc() -> None:
    at = datetime(2026, 12, 4, 14, 15, 30, tzinfo=UTC)
    assert instant_text(at, "Asia/Shanghai") == "2026-12-04 22:15 Asia/Shanghai"
    assert instant_text(at.isoformat(), "Asia/Shanghai") == "2026-12-04 22:15 Asia/Shanghai"
    assert instant_text(at, "Asia/Shanghai", utc=True) == "2026-12-04 14:15 UTC"
    assert instant_text(at) == instant_text(at, "No/Such_Zone") == "2026-12-04 14:15 UTC"
    assert instant_text("2026-12-04T14:15:00") == "2026-12-04 14:15 UTC"  # naive: UTC
    assert instant_text(None) == instant_text("") == "—"
    with pytest.raises(ValueError):
        instant_text("soon")
