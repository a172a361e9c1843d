"""How the command line reads the times a specialist types: without an offset, on the program's
clocks; a time those clocks skip is refused, never silently moved; a bad time is named as typed."""

from __future__ import annotations

import pytest

from trainops.program_requests import session_spec, when_of


def test_a_local_time_is_read_on_the_programs_clocks() -> None:
    spec = session_spec("s1@2027-03-15T09:30/2", "America/New_York")
    assert spec == {
        "session_id": "s1",
        "starts_at": "2027-03-15T09:30:00-04:00",
        "duration_hours": 2.0,
    }
    assert when_of("2027-01-15T09:30", "Asia/Shanghai") == "2027-01-15T09:30:00+08:00"
    assert when_of("2027-01-15T09:30+00:00", "Asia/Shanghai") == "2027-01-15T09:30:00+00:00"


def test_a_time_the_clocks_skip_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    """02:30 on 14 March 2027 does not exist in New York (the clocks jump from 02:00 to 03:00):
    it was stored as 03:30, and trainees would have been reminded of a time nobody wrote."""
    with pytest.raises(SystemExit) as refused:
        session_spec("s1@2027-03-14T02:30/2", "America/New_York")
    assert refused.value.code == 2
    assert "2027-03-14 02:30 does not exist in America/New_York" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        when_of("2027-03-14T02:30", "America/New_York")
    # a time that happens twice (the clocks go back) is its first occurrence
    assert when_of("2027-11-07T01:30", "America/New_York") == "2027-11-07T01:30:00-04:00"


def test_reschedule_names_the_time_as_typed(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        when_of("garbage", "Asia/Shanghai")
    err = " ".join(capsys.readouterr().err.split())
    assert "'garbage' is not a time" in err and "s1@" not in err
