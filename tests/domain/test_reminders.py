"""Reminder instants in the program's own time zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from domain import events as e
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
    # US DST starts Sun 2026-03-08; the session is on Tue 03-10, reminder on Sat 03-07 (EST).
    start = datetime(2026, 3, 10, 10, 0, tzinfo=NY)
    due = prepare_due(start, "America/New_York")
    assert due == datetime(2026, 3, 7, 9, 0, tzinfo=NY)
    assert due.utcoffset() == timedelta(hours=-5)
    assert start.utcoffset() == timedelta(hours=-4)


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
    assert owed[0].recipients == ("spec",) and owed[1].recipients == ("t1",)
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
