"""A summary says an instant as every table does, in the program's zone and labelled, and counts
in words ("1 session", not "1 sessions")."""

from __future__ import annotations

import string

import pytest

from projections.event_texts import CATALOG, COUNTED, ZH_CN, render, stored_summary


def test_an_instant_is_shown_in_the_programs_zone_labelled() -> None:
    message = [
        ("event.SessionScheduled", {"session": "s1", "starts_at": "2026-12-04T14:15:00+00:00"})
    ]
    shanghai = "session s1 scheduled at 2026-12-04 22:15 Asia/Shanghai"
    assert render(message, "en", "Asia/Shanghai") == shanghai
    assert render(message, "en") == "session s1 scheduled at 2026-12-04 14:15 UTC"
    assert render(message, "en", "Asia/Shanghai", utc=True).endswith("14:15 UTC")
    assert "2026-12-04 22:15 Asia/Shanghai" in render(message, "zh-CN", "Asia/Shanghai")


def test_a_stored_value_that_is_no_instant_is_shown_as_stored() -> None:
    message = [("event.EvaluationOpened", {"closes_at": "soon"})]
    assert render(message, "en", "Asia/Shanghai") == "evaluation open until soon"


@pytest.mark.parametrize("key", sorted(COUNTED))
def test_one_of_a_count_is_said_in_the_singular(key: str) -> None:
    fields = string.Formatter().parse(CATALOG["en"][key])
    params = {name: "x" for _, name, _, _ in fields if name}
    one = render([(key, {**params, COUNTED[key]: "1"})], "en")
    two = render([(key, {**params, COUNTED[key]: "2"})], "en")
    assert "(s)" not in one
    assert one != two.replace("2", "1")  # not "1 sessions"
    assert f"{key}.one" in CATALOG["en"] and f"{key}.one" in ZH_CN
    assert "{" not in one and "{" not in two


def test_the_stored_summary_is_written_as_it_always_was() -> None:
    """Rows written before and after this version must equal a rebuild (``audit replay``)."""
    message = [
        ("event.ProgramPlanned", {"title": "T", "planned_date": "2027-01-02", "sessions": "1"})
    ]
    assert stored_summary(message) == "planned “T” for 2027-01-02 (1 sessions)"
    at = [("event.SessionScheduled", {"session": "s1", "starts_at": "2026-12-04T14:15:00+00:00"})]
    assert stored_summary(at) == "session s1 at 2026-12-04T14:15:00+00:00"
