"""What the rules know about the people a command names, apart from the program's state.

A program's workflow carries no per-trainee lists (a 50,000-trainee roster would not fit in its
payloads or history): it asks the roster index, through an activity, about just the people a
command names, and decides with those ``RosterFacts``. Projections and replays of older
histories fold the full ``ProgramState``; ``facts_from_state`` answers the same questions from
its lists, so one ``decide`` serves both.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, ConfigDict

from domain import commands as c
from domain.events import ExamScorePending
from domain.state import ProgramState

#: The events that carry per-trainee facts (the roster index folds exactly these).
ROSTER_EVENT_TYPES = (
    "ProgramPlanned",
    "ProgramRevised",
    "TraineeEnrolled",
    "AttendanceRecorded",
    "AttendeesRecorded",
    "SurveySubmitted",
    "ExamScorePending",
    "ExamSubmitted",
)


class RosterFacts(BaseModel):
    """Facts about the people a command names. ``known=False`` is the validator's dry run
    before anything was looked up: per-trainee checks wait for the real facts then."""

    model_config = ConfigDict(frozen=True)

    known: bool = True
    planned: frozenset[str] = frozenset()
    enrolled: frozenset[str] = frozenset()
    attended: frozenset[str] = frozenset()
    """Attended any session."""
    attended_session: frozenset[str] = frozenset()
    """Recorded attending the session the command names."""
    surveyed: frozenset[str] = frozenset()
    examined: frozenset[str] = frozenset()
    pending: dict[str, ExamScorePending] = {}
    absentees: tuple[str, ...] = ()
    """For an attendance: everyone enrolled who is not among its attendees, in enrolment
    order."""

    def strangers(self, people: Iterable[str]) -> list[str]:
        """Those of ``people`` not enrolled, sorted (none when not yet looked up)."""
        if not self.known:
            return []
        return sorted(p for p in people if p not in self.enrolled)

    def may_evaluate(self, person: str) -> bool:
        return not self.known or person in self.attended


UNKNOWN = RosterFacts(known=False)


def people_of(command: object) -> tuple[str, ...]:
    """The people whose roster facts ``command``'s rules ask about (none: no look-up)."""
    match command:
        case c.EnrollTrainee():
            return (command.trainee,)
        case c.EnrollTrainees():
            return command.trainees
        case c.RecordAttendance() | c.RecordAttendees():
            return command.attendees
        case c.SubmitSurvey() | c.SubmitExam():
            return (command.actor,)
        case c.RecordExamScore():
            return (command.trainee,)
        case c.ConfirmExamScore():
            return (command.trainee, command.actor)
    return ()


def session_of(command: object) -> str | None:
    """The session whose attendance a batch of attendees adds to (its facts are asked for)."""
    return command.session_id if isinstance(command, c.RecordAttendees) else None


def facts_from_state(state: ProgramState, command: object) -> RosterFacts:
    """The same facts, from a fully folded state's own lists."""
    people = frozenset(people_of(command))
    attendees = state.attendees
    absentees: tuple[str, ...] = ()
    if isinstance(command, c.RecordAttendance):
        absentees = tuple(t for t in state.enrolled if t not in command.attendees)
    session = session_of(command)
    return RosterFacts(
        attended_session=people & frozenset(state.attendance.get(session or "", ())),
        planned=people & frozenset(state.trainees),
        enrolled=people & frozenset(state.enrolled),
        attended=people & attendees,
        surveyed=people & state.surveyed,
        examined=people & state.examined,
        pending={p: s for p, s in state.pending_scores.items() if p in people},
        absentees=absentees,
    )


def lean(state: ProgramState) -> ProgramState:
    """``state`` without its per-trainee lists: what the workflow carries. Sessions with
    attendance keep their key (the session-level rules need it), not their attendees."""
    if not (
        state.trainees
        or state.enrolled
        or state.surveyed
        or state.examined
        or state.pending_scores
        or any(state.attendance.values())
    ):
        return state
    return state.model_copy(
        update={
            "trainees": (),
            "enrolled": (),
            "attendance": dict.fromkeys(state.attendance, ()),
            "surveyed": frozenset(),
            "examined": frozenset(),
            "pending_scores": {},
        }
    )
