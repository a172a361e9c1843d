"""Who a program page offers to tick, bounded whatever the program's size.

A company-wide program enrols 50,000 people and more: a page that listed a checkbox for each
(and worked out who is still missing by looking each one up in a list, 2.5 billion comparisons
at that size) never finished. Up to ``PEOPLE_ON_PAGE`` people the page lists them, worked out
with sets; beyond, it offers the same actions from a file (``api.pages.program_files``) and an
exam score by the trainee's id, and shows how many, not who.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from domain.commands import MAX_ENROL_BATCH

#: The most people a program page lists as checkboxes or options.
PEOPLE_ON_PAGE = 200


@dataclass(frozen=True)
class PeopleOnPage:
    """What the page offers: ``listed`` says whether the people fit on the page."""

    listed: bool
    missing: dict[str, list[str]] = field(default_factory=dict)
    """Session id -> enrolled people not recorded attending it (only when ``listed``)."""
    scorable: list[str] = field(default_factory=list)
    """Attendees with no exam score recorded or awaiting confirmation (at most the limit)."""
    scorable_count: int = 0
    nobody_allowed: bool = True
    """Whether "Nobody attended" can be recorded (an attendance names its absentees: a program
    enrolling more than a batch records attendance from files only)."""
    limit: int = PEOPLE_ON_PAGE


def pending_scores(state: Mapping[str, Any]) -> dict[str, Any]:
    """Exam scores awaiting a second person's confirmation, by trainee."""
    return dict(state.get("pending_scores") or {})


def people_on_page(
    enrolled: Sequence[str],
    attendance: Mapping[str, Sequence[str]],
    state: Mapping[str, Any],
    pending: Mapping[str, Any],
) -> PeopleOnPage:
    """Who to offer, in the program's own order, computed once with sets."""
    attendees: set[str] = set()
    for present in attendance.values():
        attendees.update(present)
    done = set(state.get("examined") or ()) | set(pending)
    scorable = sorted(attendees - done)
    limit = PEOPLE_ON_PAGE
    listed = len(enrolled) <= limit
    missing: dict[str, list[str]] = {}
    if listed:
        for session_id, present in attendance.items():
            there = set(present)
            missing[session_id] = [p for p in enrolled if p not in there]
    return PeopleOnPage(
        listed=listed,
        missing=missing,
        scorable=scorable[:limit],
        scorable_count=len(scorable),
        nobody_allowed=len(enrolled) <= MAX_ENROL_BATCH,
        limit=limit,
    )
