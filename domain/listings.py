"""The fields of a listed program, named once: the read model selects them, the API sends
them, and ``trainops program list -o csv`` heads its columns with them whether the list is
empty or not (a header taken from the first row changed with the rows, issue 16)."""

from __future__ import annotations

#: A program's summary, in column order (its folded state and department are not listed).
PROGRAM_FIELDS = (
    "program_id",
    "title",
    "specialist",
    "approvers",
    "status",
    "timezone",
    "planned_date",
    "period",
    "revision",
    "session_count",
    "planned_trainees",
    "enrolled",
    "attended",
    "approved",
    "executed",
    "executed_on",
    "on_time",
    "reminders_sent",
    "last_position",
    "updated_at",
)
