"""Reminder instants in the program's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain import events as e
from domain.calendar import CalendarConfig, ReminderRules
from domain.program import ProgramState, ProgramStatus
from domain.reminders import attend_due, owed_reminders, prepare_due

SH = ZoneInfo("Asia/Shanghai")
NY = ZoneInfo("America/New_York")


def test_prepare_is_three_days_before_at_nine_local() -> None:
    start = datetime(2026, 5, 14, 14, 0, tzinfo=SH)
    assert prepare_due(start, "Asia/Shanghai") == datetime(2026, 5, 11, 9, 0, tzinfo=SH)


def test_attend_is_eight_local_or_an_hour_before_an_early_start() -> None:
    assert attend_due(datetime(2026, 5, 14, 14, 0, tzinfo=SH), "Asia/Shanghai") == datetime(
        2026, 5, 14, 8, 0, tzinfo=SH
    )
    assert attend_due(datetime(2026, 5, 14, 7, 30, tzinfo=SH), "Asia/Shanghai") == datetime(
        2026, 5, 14, 6, 30, tzinfo=SH
    )


def test_session_given_in_utc_uses_the_program_zone_for_the_day() -> None:
    # 01:00 UTC on the 14th is 09:00 on the 14th in Shanghai.
    start = datetime(2026, 5, 14, 1, 0, tzinfo=UTC)
    assert attend_due(start, "Asia/Shanghai") == datetime(2026, 5, 14, 8, 0, tzinfo=SH)


def test_across_a_dst_change_the_local_wall_time_holds() -> None:
    # US DST starts Sun 2026-03-08. Session Wed 03-11 (EDT); 3 working days before is Fri 03-06
    # (EST): 09:00 local on both sides of the change.
    start = datetime(2026, 3, 11, 10, 0, tzinfo=NY)
    due = prepare_due(start, "America/New_York")
    assert due == datetime(2026, 3, 6, 9, 0, tzinfo=NY)
    assert due.utcoffset() == timedelta(hours=-5)
    assert start.utcoffset() == timedelta(hours=-4)


def test_working_days_skip_weekends_without_a_region() -> None:
    # Session on Monday: three working days before is the previous Wednesday.
    start = datetime(2026, 6, 15, 10, 0, tzinfo=SH)
    assert prepare_due(start, "Asia/Shanghai") == datetime(2026, 6, 10, 9, 0, tzinfo=SH)


def test_china_make_up_working_days_count() -> None:
    cn = CalendarConfig(region="CN")
    # National Day 2025: Oct 1-8 off; Sun Sep 28 is a make-up working day.
    start = datetime(2025, 10, 9, 10, 0, tzinfo=SH)
    assert prepare_due(start, "Asia/Shanghai", cn) == datetime(2025, 9, 28, 9, 0, tzinfo=SH)
    # Spring Festival 2026: Feb 15-23 off; Sat Feb 14 is a make-up working day.
    start = datetime(2026, 2, 24, 10, 0, tzinfo=SH)
    assert prepare_due(start, "Asia/Shanghai", cn) == datetime(2026, 2, 12, 9, 0, tzinfo=SH)


def test_company_holidays_and_extra_working_days() -> None:
    config = CalendarConfig(
        company_holidays=(date(2026, 6, 12),), extra_working_days=(date(2026, 6, 13),)
    )
    # Mon 06-15: Sat 06-13 works (extra), Fri 06-12 is off, then Thu 06-11, Wed 06-10.
    start = datetime(2026, 6, 15, 10, 0, tzinfo=SH)
    assert prepare_due(start, "Asia/Shanghai", config) == datetime(2026, 6, 10, 9, 0, tzinfo=SH)
    config = CalendarConfig(company_holidays=(date(2026, 6, 12),))
    assert prepare_due(start, "Asia/Shanghai", config) == datetime(2026, 6, 9, 9, 0, tzinfo=SH)


def test_configured_times_and_a_time_in_a_dst_gap() -> None:
    rules = ReminderRules(prepare_working_days=1, prepare_at=time(2, 30), attend_at=time(7, 0))
    # 02:30 on Fri 2026-03-06 exists; 02:30 on Sun 03-08 would not (gap) - use a Monday session
    # in Berlin whose previous working day is Fri before the EU change on Sun 2026-03-29.
    start = datetime(2026, 3, 30, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))
    due = prepare_due(
        start, "Europe/Berlin", CalendarConfig(extra_working_days=(date(2026, 3, 29),)), rules
    )
    # Sunday 03-29 is made a working day, and 02:30 does not exist that night: moved to 03:30.
    assert due == datetime(2026, 3, 29, 3, 30, tzinfo=ZoneInfo("Europe/Berlin"))
    assert attend_due(start, "Europe/Berlin", rules) == datetime(
        2026, 3, 30, 7, 0, tzinfo=ZoneInfo("Europe/Berlin")
    )


def _state(status: ProgramStatus, sent: frozenset[str] = frozenset()) -> ProgramState:
    return ProgramState(
        program_id="p",
        title="t",
        specialist="spec",
        approvers=("a",),
        timezone="Asia/Shanghai",
        planned_date=date(2026, 5, 20),
        sessions={"s1": e.Session(session_id="s1", starts_at=datetime(2026, 5, 14, 14, tzinfo=SH))},
        trainees=("t1",),
        evaluation_window_days=7,
        status=status,
        enrolled=("t1",),
        sent_reminders=sent,
    )


def test_no_reminders_before_publishing_or_after_the_session_started() -> None:
    before = datetime(2026, 5, 1, tzinfo=UTC)
    assert owed_reminders(_state(ProgramStatus.APPROVED), before) == []
    owed = owed_reminders(_state(ProgramStatus.PUBLISHED), before)
    assert [r.kind for r in owed] == ["prepare_materials", "attend_session"]
    assert [(r.audience, r.audience_size) for r in owed] == [("specialist", 1), ("enrolled", 1)]
    after_start = datetime(2026, 5, 14, 15, tzinfo=SH)
    assert owed_reminders(_state(ProgramStatus.PUBLISHED), after_start) == []


def test_sent_reminders_are_not_owed_again_but_a_moved_session_owes_new_ones() -> None:
    state = _state(ProgramStatus.PUBLISHED)
    first = owed_reminders(state, datetime(2026, 5, 1, tzinfo=UTC))
    sent = _state(ProgramStatus.PUBLISHED, frozenset(r.reminder_id for r in first))
    assert owed_reminders(sent, datetime(2026, 5, 1, tzinfo=UTC)) == []
    moved_session = sent.sessions["s1"].model_copy(
        update={"starts_at": datetime(2026, 5, 21, 14, tzinfo=SH)}
    )
    moved = sent.model_copy(update={"sessions": {"s1": moved_session}})
    again = owed_reminders(moved, datetime(2026, 5, 1, tzinfo=UTC))
    assert [r.due_at for r in again] == [
        datetime(2026, 5, 18, 9, tzinfo=SH),
        datetime(2026, 5, 21, 8, tzinfo=SH),
    ]


def test_a_resolved_calendar_gives_the_same_answers() -> None:
    """Workflows carry the holidays written out (no library lookups inside the sandbox)."""
    cn = CalendarConfig(region="CN").resolved((2025, 2026))
    assert cn.public_holidays and date(2025, 10, 1) in cn.public_holidays
    assert date(2025, 9, 28) in cn.weekend_workdays
    start = datetime(2025, 10, 9, 10, 0, tzinfo=SH)
    assert prepare_due(start, "Asia/Shanghai", cn) == datetime(2025, 9, 28, 9, 0, tzinfo=SH)
    start = datetime(2026, 2, 24, 10, 0, tzinfo=SH)
    assert prepare_due(start, "Asia/Shanghai", cn) == datetime(2026, 2, 12, 9, 0, tzinfo=SH)


@pytest.mark.parametrize(
    ("zone", "local_start"),
    [
        # spring forward: 02:00 -> 03:00 (New York 2027-03-14, Berlin 2027-03-28)
        ("America/New_York", datetime(2027, 3, 14, 3, 30)),
        ("Europe/Berlin", datetime(2027, 3, 28, 3, 30)),
        # fall back: 02:00 -> 01:00 (New York 2027-11-07), 03:00 -> 02:00 (Berlin 2027-10-31)
        ("America/New_York", datetime(2027, 11, 7, 1, 30)),
        ("Europe/Berlin", datetime(2027, 10, 31, 3, 30)),
    ],
)
def test_the_attend_lead_is_real_elapsed_time_across_dst(zone: str, local_start: datetime) -> None:
    """A session early on a DST day: the lead before the start is exactly the configured
    minutes of real time, whatever the wall clock did in between."""
    start = local_start.replace(tzinfo=ZoneInfo(zone))
    rules = ReminderRules(attend_at=time(8, 0), attend_lead_minutes=90)
    due = attend_due(start, zone, rules)
    assert start.astimezone(UTC) - due.astimezone(UTC) == timedelta(minutes=90)


def test_a_reminder_due_at_the_very_start_is_still_owed_a_moment_later() -> None:
    from domain.reminders import STARTED_GRACE

    state = _state(ProgramStatus.PUBLISHED)
    start = min(s.starts_at for s in state.sessions.values())
    a_moment_later = start + timedelta(seconds=1)
    assert owed_reminders(state, a_moment_later) == []  # as histories before the grace had it
    owed = owed_reminders(state, a_moment_later, started_grace=STARTED_GRACE)
    assert owed and all(r.session_id for r in owed)
    assert owed_reminders(state, start + STARTED_GRACE + timedelta(seconds=1), STARTED_GRACE) == []
