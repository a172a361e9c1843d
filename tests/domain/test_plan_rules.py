"""The edge's plan rules: a planned date on or after the last session's day in the program's
zone, and no bidirectional overrides in new text (right-to-left text is fine)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from domain.events import Session
from domain.plan_rules import PlanRefused, check_planned_date
from domain.text import check_no_bidi_controls

LATE_EVENING_UTC = Session(session_id="s2", starts_at=datetime(2027, 3, 1, 23, 30, tzinfo=UTC))
MORNING = Session(session_id="s1", starts_at=datetime(2027, 2, 27, 1, 0, tzinfo=UTC))


def test_the_planned_date_counts_in_the_programs_zone() -> None:
    sessions = (MORNING, LATE_EVENING_UTC)
    check_planned_date(date(2027, 3, 1), sessions, "UTC")  # the same day, in UTC
    with pytest.raises(PlanRefused, match="before session s2 on 2027-03-02"):
        check_planned_date(date(2027, 3, 1), sessions, "Asia/Shanghai")  # already 3/2 there
    check_planned_date(date(2027, 3, 2), sessions, "Asia/Shanghai")


def test_bidirectional_controls_are_named_and_rtl_text_passes() -> None:
    check_no_bidi_controls({"title": "שלום עולם", "comment": "مرحبا 👋🏽", "n": 3})
    for control in ("\u202a", "\u202e", "\u2066", "\u2069"):
        with pytest.raises(ValueError, match=f"sessions.0.title: contains U\\+{ord(control):04X}"):
            check_no_bidi_controls({"sessions": [{"title": f"a{control}b"}]})
    check_no_bidi_controls("left\u200eright\u200f")  # marks, not overrides: allowed
