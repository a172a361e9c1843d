"""What people ask a program to do. Every command names its actor; the state machine checks it.

(Past 400 lines on purpose: the command union is one closed set, read and changed together.)
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import ConfigDict, Field, StrictBool, field_validator, model_validator

from domain.calendar import check_region
from domain.days import Day, within_years
from domain.events import PersonId, Reason, Session
from domain.proofs import ActorAssertion
from domain.text import CheckedText


class _Command(CheckedText):
    model_config = ConfigDict(frozen=True, extra="forbid")
    actor: PersonId
    proof: ActorAssertion | None = None
    """The API's signed assertion that ``actor`` asked for this (see ``domain.proofs``)."""


def _unique(values: tuple[str, ...], what: str) -> tuple[str, ...]:
    if len(set(values)) != len(values):
        raise ValueError(f"{what} must not repeat")
    return values


def _not_blank(value: str | None, what: str, *, one_line: bool = False) -> str | None:
    if value is not None and not value.strip():
        raise ValueError(f"{what} must not be blank")
    if value is not None and one_line and any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError(f"{what} must be one line without control characters")
    return value


def _aware(moment: datetime) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("times must carry a UTC offset or time zone, e.g. 2026-12-10T09:00+08:00")
    within_years(moment, "the time")
    return moment


#: The most trainees one plan (or revision) may name inline; a bigger program enrols from a
#: roster file (``trainops program enrol --file``). The roster travels in the plan, and the
#: largest payload (the plan's first event, which carries it twice: in the event and in its
#: proof) must stay under 256 KiB: 2 x 103 bytes per trainee with the longest id (100
#: characters, quoted, a comma) plus ~65 KB for the rest of the largest plan (200 sessions, 20
#: approvers, longest texts). 959 would reach the bound; 800 makes ~230 KB, measured by
#: ``tests/workflows/test_large_program.py``.
MAX_TRAINEES = 800


class ProgramContent(CheckedText):
    """The parts of a plan a specialist may revise until the program is approved."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=200)]
    planned_date: Day
    sessions: Annotated[tuple[Session, ...], Field(min_length=1, max_length=200)]
    trainees: Annotated[
        tuple[PersonId, ...], Field(min_length=1, json_schema_extra={"maxItems": MAX_TRAINEES})
    ]
    budget: Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)] = Decimal(0)
    external_instructor: StrictBool = False

    @field_validator("sessions")
    @classmethod
    def _sessions_valid(cls, sessions: tuple[Session, ...]) -> tuple[Session, ...]:
        _unique(tuple(s.session_id for s in sessions), "session ids")
        for session in sessions:
            _aware(session.starts_at)
        return sessions

    @field_validator("trainees")
    @classmethod
    def _trainees_unique(cls, trainees: tuple[str, ...]) -> tuple[str, ...]:
        # MAX_TRAINEES is checked on new input at the edge (services.program_checks.check_sizes),
        # not here: this model also reads back plans recorded in workflow histories before the
        # cap was set, and a replay must never refuse its own past.
        return _unique(trainees, "trainees")


class PlanProgram(ProgramContent):
    """Creates the program: the specialist who owns it is the actor."""

    program_id: Annotated[str, Field(min_length=1, max_length=100, pattern=r"^[A-Za-z0-9._-]+$")]
    actor: PersonId
    proof: ActorAssertion | None = None
    approvers: Annotated[tuple[PersonId, ...], Field(max_length=20)] = ()
    """Approvers the specialist names; used by policy steps with ``plan_approvers``."""
    timezone: str = "UTC"
    region: Annotated[str | None, Field(min_length=2, max_length=10)] = None
    department: Annotated[str | None, Field(min_length=1, max_length=100)] = None
    evaluation_window_days: Annotated[int, Field(ge=1, le=365)] = 14

    @field_validator("region")
    @classmethod
    def _known_region(cls, value: str | None) -> str | None:
        return check_region(value)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"unknown IANA time zone {value!r}") from exc
        return value

    @field_validator("approvers")
    @classmethod
    def _approvers_unique(cls, approvers: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(approvers, "approvers")

    @model_validator(mode="after")
    def _specialist_not_approver(self) -> PlanProgram:
        if self.actor in self.approvers:
            raise ValueError("the specialist cannot also be an approver of their own program")
        return self


class ReviseProgram(ProgramContent, _Command):
    kind: Literal["revise"] = "revise"
    comment: str = ""
    approvers: Annotated[tuple[PersonId, ...] | None, Field(max_length=20)] = None
    """The plan's approvers anew (``None``: as they are), so a plan that named none, or the
    wrong ones, can still reach a policy step that takes the plan's approvers."""
    department: Annotated[str | None, Field(min_length=1, max_length=100)] = None
    """The department anew (``None``: as it is), for a step that asks its manager."""

    @field_validator("approvers")
    @classmethod
    def _approvers_unique(cls, approvers: tuple[str, ...] | None) -> tuple[str, ...] | None:
        return None if approvers is None else _unique(approvers, "approvers")

    @model_validator(mode="after")
    def _specialist_not_approver(self) -> ReviseProgram:
        if self.approvers and self.actor in self.approvers:
            raise ValueError("the specialist cannot also be an approver of their own program")
        return self


class SubmitProgram(_Command):
    kind: Literal["submit"] = "submit"


TaskId = Annotated[str, Field(min_length=1, max_length=64)]
Comment = Annotated[str, Field(max_length=2000)]


class WithdrawSubmission(_Command):
    kind: Literal["withdraw"] = "withdraw"
    reason: Comment = ""


class ApproveProgram(_Command):
    """Approve through one of the actor's tasks (``task_id``, or the only one they may act on)."""

    kind: Literal["approve"] = "approve"
    task_id: TaskId | None = None
    comment: Comment = ""


class RejectProgram(_Command):
    kind: Literal["reject"] = "reject"
    task_id: TaskId | None = None
    reason: Reason


class RequestChanges(_Command):
    kind: Literal["request_changes"] = "request_changes"
    task_id: TaskId | None = None
    reason: Reason


class ClaimTask(_Command):
    kind: Literal["claim"] = "claim"
    task_id: TaskId | None = None


class UnclaimTask(_Command):
    kind: Literal["unclaim"] = "unclaim"
    task_id: TaskId | None = None


class DelegateTask(_Command):
    kind: Literal["delegate"] = "delegate"
    task_id: TaskId | None = None
    to: PersonId
    comment: Comment = ""


class ResolveTask(_Command):
    """The delegate hands the task back to its owner with their view."""

    kind: Literal["resolve"] = "resolve"
    task_id: TaskId | None = None
    comment: Comment = ""


class ReassignTask(_Command):
    """An admin gives a task to someone else."""

    kind: Literal["reassign"] = "reassign"
    task_id: TaskId
    to: PersonId
    comment: Comment = ""


class PublishProgram(_Command):
    kind: Literal["publish"] = "publish"


class EnrollTrainee(_Command):
    kind: Literal["enroll"] = "enroll"
    trainee: PersonId


#: The most trainees one ``EnrollTrainees`` names: a bulk enrolment is sent in batches this
#: size, each payload far below Temporal's limits (``services.programs_bulk``).
MAX_ENROL_BATCH = 1000


class EnrollTrainees(_Command):
    """Enrol a batch of trainees at once (a roster file is sent in such batches)."""

    kind: Literal["enroll_many"] = "enroll_many"
    trainees: Annotated[tuple[PersonId, ...], Field(min_length=1, max_length=MAX_ENROL_BATCH)]

    @field_validator("trainees")
    @classmethod
    def _trainees_unique(cls, trainees: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(trainees, "trainees")


class RescheduleSession(_Command):
    kind: Literal["reschedule"] = "reschedule"
    session_id: str
    starts_at: datetime

    @field_validator("starts_at")
    @classmethod
    def _aware_start(cls, value: datetime) -> datetime:
        return _aware(value)


#: Why a session's attendance or completion is entered after its entry window.
LateReason = Annotated[str, Field(min_length=1, max_length=2000)]


class _NamesAttendees(_Command):
    """What the commands naming a session's attendees check of them."""

    @field_validator("attendees", check_fields=False)
    @classmethod
    def _attendees_unique(cls, attendees: tuple[str, ...]) -> tuple[str, ...]:
        return _unique(attendees, "attendees")

    @field_validator("late_reason", check_fields=False)
    @classmethod
    def _reason_readable(cls, value: str | None) -> str | None:
        return _not_blank(value, "late_reason")


class RecordAttendance(_NamesAttendees):
    """Who attended a session: from its start on; after its entry window with a reason."""

    kind: Literal["attendance"] = "attendance"
    session_id: str
    # MAX_ENROL_BATCH is checked on new input at the edge (services.program_checks.check_sizes): a
    # replayed history may hold a bigger attendance recorded before the cap.
    attendees: Annotated[
        tuple[PersonId, ...], Field(json_schema_extra={"maxItems": MAX_ENROL_BATCH})
    ]
    late_reason: LateReason | None = None


class RecordAttendees(_NamesAttendees):
    """A batch of a session's attendees (a big session's attendance is sent in such batches):
    from its start on; after its entry window with a reason."""

    kind: Literal["attendance_batch"] = "attendance_batch"
    session_id: str
    attendees: Annotated[tuple[PersonId, ...], Field(min_length=1, max_length=MAX_ENROL_BATCH)]
    late_reason: LateReason | None = None


class CompleteSession(_Command):
    """The session was held: from its start on; after its entry window with a reason."""

    kind: Literal["complete_session"] = "complete_session"
    session_id: str
    late_reason: LateReason | None = None

    @field_validator("late_reason")
    @classmethod
    def _reason_readable(cls, value: str | None) -> str | None:
        return _not_blank(value, "late_reason")


class CompleteExecution(_Command):
    kind: Literal["complete_execution"] = "complete_execution"


class SubmitSurvey(_Command):
    """A trainee's reaction survey; the trainee is the actor."""

    kind: Literal["survey"] = "survey"
    scores: dict[
        Literal["overall", "content", "instructor", "format", "venue"],
        Annotated[float, Field(ge=0, le=100)],
    ]
    comment: Annotated[str, Field(max_length=2000)] = ""

    @field_validator("scores")
    @classmethod
    def _has_overall(cls, scores: dict[str, float]) -> dict[str, float]:
        if "overall" not in scores:
            raise ValueError("a survey needs an 'overall' score (0-100)")
        return scores


class SubmitExam(_Command):
    """Either a score (an exam taken elsewhere) or the answers of the online exam, which are
    graded against the answer key of the program's course."""

    kind: Literal["exam"] = "exam"
    score: Annotated[float | None, Field(ge=0, le=100)] = None
    answers: (
        Annotated[
            dict[
                Annotated[str, Field(min_length=1, max_length=64)],
                Annotated[str, Field(max_length=500)],
            ],
            Field(min_length=1, max_length=500),
        ]
        | None
    ) = None

    @model_validator(mode="after")
    def _score_or_answers(self) -> SubmitExam:
        if (self.score is None) == (self.answers is None):
            raise ValueError("give either a score or the exam's answers")
        return self


#: Where an exam score comes from: a document id or the SHA-256 of the scanned result.
Evidence = Annotated[str, Field(min_length=1, max_length=200)]


class RecordExamScore(_Command):
    """A trainee's score from an exam taken elsewhere, recorded by the program's specialist
    with a reference to its evidence (a document id or a SHA-256 hash)."""

    kind: Literal["exam_score"] = "exam_score"
    trainee: PersonId
    score: Annotated[float, Field(ge=0, le=100)]
    evidence: Evidence

    @field_validator("evidence")
    @classmethod
    def _evidence_readable(cls, value: str) -> str:
        _not_blank(value, "evidence (a document id or a SHA-256 hash)", one_line=True)
        return value


class ConfirmExamScore(_Command):
    """A second person confirms a recorded exam score, so that it counts (four-eyes)."""

    kind: Literal["confirm_exam_score"] = "confirm_exam_score"
    trainee: PersonId


class CloseEvaluation(_Command):
    kind: Literal["close_evaluation"] = "close_evaluation"


class SubmitFeedback(_Command):
    kind: Literal["feedback"] = "feedback"
    summary: Annotated[str, Field(min_length=1, max_length=10_000)]


class CancelProgram(_Command):
    kind: Literal["cancel"] = "cancel"
    reason: Reason


ProgramCommand = Annotated[
    ReviseProgram
    | SubmitProgram
    | WithdrawSubmission
    | ApproveProgram
    | RejectProgram
    | RequestChanges
    | ClaimTask
    | UnclaimTask
    | DelegateTask
    | ResolveTask
    | ReassignTask
    | PublishProgram
    | EnrollTrainee
    | EnrollTrainees
    | RescheduleSession
    | RecordAttendance
    | RecordAttendees
    | CompleteSession
    | CompleteExecution
    | SubmitSurvey
    | SubmitExam
    | RecordExamScore
    | ConfirmExamScore
    | CloseEvaluation
    | SubmitFeedback
    | CancelProgram,
    Field(discriminator="kind"),
]

#: The actor the workflow itself uses for decisions made by timers.
SYSTEM_ACTOR = "system"

#: Commands that act on an approval task.
TASK_COMMANDS = (
    ApproveProgram,
    RejectProgram,
    RequestChanges,
    ClaimTask,
    UnclaimTask,
    DelegateTask,
    ResolveTask,
    ReassignTask,
)
