"""A program's people as the API gives them: counted always, listed a page at a time.

A company-wide program enrols 50,000 people and more. Its folded state names each of them in
several lists (enrolled, each session's attendance, who answered the survey, who was examined),
and the program's read sent all of them: megabytes for one program, however little the reader
wanted (``trainops program show`` needs the plan and the counts). Up to ``PEOPLE_INLINE``
people the state keeps its lists; beyond, the lists are left out of it (not emptied, which
would read as "nobody") and ``trainee_page`` lists the people a page at a time, in the order of
their ids, each with what they did.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

#: The most people a program's read names inline; beyond, its lists are paged.
PEOPLE_INLINE = 1000
#: People a page by default, and the most a page may ask for.
PEOPLE_PAGE = 200
MAX_PEOPLE_PAGE = 1000
#: The state's fields that name people one by one (``trainees``, the plan's own, is bounded by
#: what a plan may name: ``domain.commands.MAX_TRAINEES``).
PER_PERSON = ("enrolled", "attendance", "surveyed", "examined", "pending_scores")


@dataclass(frozen=True)
class TraineePage:
    trainees: list[dict[str, Any]]
    total: int
    """Everyone the program names (planned or enrolled), not only this page."""
    next_after: str | None
    """Ask again with ``after`` this id for the next page (``None``: this was the last)."""


def _names(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple | set | frozenset) else []


def _everyone(state: Mapping[str, Any]) -> set[str]:
    return set(_names(state.get("trainees"))) | set(_names(state.get("enrolled")))


def bounded_state(state: Mapping[str, Any]) -> tuple[dict[str, Any], bool]:
    """The state to send, and whether it lists its people (False: ``PER_PERSON`` left out)."""
    if len(_everyone(state)) <= PEOPLE_INLINE:
        return dict(state), True
    return {k: v for k, v in state.items() if k not in PER_PERSON}, False


def trainee_page(
    state: Mapping[str, Any], *, after: str | None = None, limit: int = PEOPLE_PAGE
) -> TraineePage:
    """The people of ``state`` (as the reader may see it: a trainee's own facts name only them)
    whose ids sort after ``after``, at most ``limit``, each with what the program recorded."""
    everyone = sorted(_everyone(state))
    start = 0 if after is None else bisect_right(everyone, after)
    chosen = everyone[start : start + limit]
    planned = set(_names(state.get("trainees")))
    enrolled = set(_names(state.get("enrolled")))
    surveyed = set(_names(state.get("surveyed")))
    examined = set(_names(state.get("examined")))
    pending = state.get("pending_scores")
    waiting = set(pending) if isinstance(pending, Mapping) else set()
    attendance = state.get("attendance")
    sessions = attendance if isinstance(attendance, Mapping) else {}
    wanted = set(chosen)
    attended: dict[str, list[str]] = {person: [] for person in chosen}
    for session_id in sorted(sessions):
        for person in _names(sessions[session_id]):
            if person in wanted:
                attended[person].append(str(session_id))
    rows = [
        {
            "trainee": person,
            "planned": person in planned,
            "enrolled": person in enrolled,
            "attended": attended[person],
            "surveyed": person in surveyed,
            "examined": person in examined,
            "score_pending": person in waiting,
        }
        for person in chosen
    ]
    more = start + limit < len(everyone)
    return TraineePage(rows, len(everyone), chosen[-1] if more and chosen else None)
