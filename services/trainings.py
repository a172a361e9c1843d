"""What a training asks of its trainee now: the survey's scale, the exam's limits, their
sessions in the program's own time zone, and whether each answer is open.

The same ``decide`` the workflow runs answers "would the rules take this now?", so a page never
offers what the workflow would refuse. The trainee's pages (``api.pages.trainings``) show it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, get_args
from zoneinfo import ZoneInfo

from annotated_types import Ge, Le, MaxLen
from pydantic import BaseModel
from sqlalchemy import Engine

from domain import commands as c
from domain.events import ExamGrading
from domain.program import DomainError, ProgramStatus, decide
from domain.reference import same_answer
from projections import queries, trainee_queries
from projections.trainee_queries import Enrolment, Resources
from services.errors import Forbidden, Invalid, NotFound
from services.people import Person, require_role
from services.zones import zone_named

#: ``SubmitSurvey`` refuses a survey without this one (a validator, so not read from its type).
REQUIRED_DIMENSIONS = ("overall",)


def _constraints(annotated: Any) -> list[Any]:
    """The constraints (``Ge``, ``MaxLen``, ...) of an ``Annotated[T, Field(...)]``."""
    return [m for info in get_args(annotated)[1:] for m in getattr(info, "metadata", [info])]


def _limits(constraints: Sequence[Any]) -> tuple[float, float]:
    low: Any = next(m.ge for m in constraints if isinstance(m, Ge))
    high: Any = next(m.le for m in constraints if isinstance(m, Le))
    return float(low), float(high)


def _max_length(constraints: Sequence[Any]) -> int:
    return int(next(m.max_length for m in constraints if isinstance(m, MaxLen)))


@dataclass(frozen=True)
class SurveyScale:
    """The survey as ``SubmitSurvey`` accepts it: its dimensions, their scale, the comment."""

    dimensions: tuple[str, ...]
    required: tuple[str, ...]
    low: float
    high: float
    comment_max: int


def _survey_scale() -> SurveyScale:
    keys, value = get_args(c.SubmitSurvey.model_fields["scores"].annotation)
    low, high = _limits(_constraints(value))
    return SurveyScale(
        dimensions=get_args(keys),
        required=REQUIRED_DIMENSIONS,
        low=low,
        high=high,
        comment_max=_max_length(c.SubmitSurvey.model_fields["comment"].metadata),
    )


def _answer_max() -> int:
    answers = get_args(get_args(c.SubmitExam.model_fields["answers"].annotation)[0])[0]
    return _max_length(_constraints(get_args(answers)[1]))


SCALE = _survey_scale()
EXAM_LOW, EXAM_HIGH = _limits(c.SubmitExam.model_fields["score"].metadata)
ANSWER_MAX = _answer_max()


# ---------------------------------------------------------------------- what a training asks


@dataclass(frozen=True)
class SessionRow:
    session_id: str
    starts: datetime
    ends: datetime
    hours: float
    held: bool
    attended: bool | None
    """None until the session's attendance is recorded."""


@dataclass(frozen=True)
class Training:
    """One enrolment as the trainee's pages show it, times in the program's own time zone."""

    enrolment: Enrolment
    zone: ZoneInfo
    sessions: tuple[SessionRow, ...]
    resources: Resources
    survey: str
    exam: str
    """``open``, ``done``, ``later`` (not evaluating yet), ``absent`` (did not attend, so
    cannot evaluate) or ``closed``; for an exam taken elsewhere (no online paper) ``elsewhere``
    (the specialist records its score) or ``pending`` (recorded, awaiting confirmation)."""
    closes_at: datetime | None

    @property
    def program(self) -> dict[str, Any]:
        return self.enrolment.summary

    @property
    def next_session(self) -> SessionRow | None:
        now = datetime.now(UTC)
        return next((s for s in self.sessions if not s.held and s.ends > now), None)


#: Stand-ins to ask the rules whether an online exam would be taken now.
PROBE_ANSWERS = {"probe": "probe"}
PROBE_GRADING = ExamGrading(course_id="(probe)", score=0, items=())


def _may(enrolment: Enrolment, command: BaseModel) -> bool:
    """Would the program's rules accept this now? (The same ``decide`` the workflow runs.)"""
    try:
        decide(
            enrolment.state, command, datetime.now(UTC), lambda: "dry-run", grading=PROBE_GRADING
        )
    except DomainError:
        return False
    return True


def _ask(enrolment: Enrolment, done: frozenset[str], command: BaseModel, person: str) -> str:
    """Where one of the trainee's answers stands; open only when the rules would take it."""
    state = enrolment.state
    if person in done:
        return "done"
    if _may(enrolment, command):
        return "open"
    if state.status in (ProgramStatus.PUBLISHED, ProgramStatus.EXECUTING):
        return "later"
    if state.status is ProgramStatus.EVALUATING and person not in state.attendees:
        return "absent"
    return "closed"


def _exam(enrolment: Enrolment, person: str, online: bool) -> str:
    """Trainees take an online exam themselves; a score from an exam taken elsewhere is the
    specialist's to record (never the trainee's, docs/facts.md)."""
    state = enrolment.state
    if person in state.pending_scores and person not in state.examined:
        return "pending"
    asked = _ask(
        enrolment, state.examined, c.SubmitExam(actor=person, answers=PROBE_ANSWERS), person
    )
    return "elsewhere" if asked == "open" and not online else asked


def training(engine: Engine, enrolment: Enrolment, person: str) -> Training:
    """What one enrolment shows its trainee: their sessions, what it asks of them now."""
    state = enrolment.state
    zone = zone_named(state.timezone)
    sessions = tuple(
        SessionRow(
            session_id=s.session_id,
            starts=s.starts_at.astimezone(zone),
            ends=(s.starts_at + timedelta(hours=s.duration_hours)).astimezone(zone),
            hours=s.duration_hours,
            held=s.session_id in state.completed_sessions,
            attended=(
                person in state.attendance[s.session_id]
                if s.session_id in state.attendance
                else None
            ),
        )
        for s in sorted(state.sessions.values(), key=lambda s: (s.starts_at, s.session_id))
    )
    closes = state.evaluation_closes_at
    resources = trainee_queries.resources(engine, state.program_id)
    return Training(
        enrolment=enrolment,
        zone=zone,
        sessions=sessions,
        resources=resources,
        survey=_ask(
            enrolment,
            state.surveyed,
            c.SubmitSurvey(actor=person, scores={"overall": SCALE.low}),
            person,
        ),
        exam=_exam(enrolment, person, online=bool(resources.paper)),
        closes_at=closes.astimezone(zone) if closes else None,
    )


def own_training(engine: Engine, person: Person, program_id: str) -> Training:
    """The person's own training; ``NotFound`` (no such program) or ``Forbidden`` (not
    enrolled, or not a trainee)."""
    require_role(person, "trainee", doing="taking part in trainings")
    found = trainee_queries.enrolments(engine, person.username, program_id)
    if not found:
        if queries.program_summary(engine, program_id) is None:
            raise NotFound("error.no_program", program_id=program_id)
        raise Forbidden("error.not_enrolled", username=person.username, program_id=program_id)
    return training(engine, found[0], person.username)


def check_exam_answers(engine: Engine, program_id: str, command: BaseModel) -> None:
    """An online exam is taken once: every question answered, and a multiple-choice answer one
    of its choices, before the one attempt is spent (a typo like ``q1=Z`` scored 0 and left no
    second try). Without an online paper the workflow refuses the exam with its own reason."""
    if not isinstance(command, c.SubmitExam) or command.answers is None:
        return
    paper = trainee_queries.resources(engine, program_id).paper
    if not paper:
        return
    answers = command.answers
    unanswered = [q.question_id for q in paper if not answers.get(q.question_id, "").strip()]
    if unanswered:
        raise Invalid("error.exam_unanswered", questions=", ".join(unanswered))
    for question in paper:
        given = answers[question.question_id]
        if question.choices and not any(same_answer(given, c) for c in question.choices):
            raise Invalid(
                "error.exam_not_a_choice",
                question=question.question_id,
                answer=given,
                choices=", ".join(question.choices),
            )
