"""Inputs and outputs of the activities, shared with the workflows (pure pydantic, no I/O)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from domain.calendar import CalendarConfig, ReminderRules
from domain.commands import PlanProgram
from domain.events import EventEnvelope
from domain.fact_rules import FactRules

APPEND_EVENTS = "append_events"
DELIVER_NOTICE = "deliver_notice"
DELIVER_REMINDER = "deliver_reminder"
PROGRAM_SETTINGS = "program_settings"
RESOLVE_APPROVAL_ROUTE = "resolve_approval_route"
GRADE_EXAM = "grade_exam"
HAS_ONLINE_EXAM = "has_online_exam"
VERIFY_PLAN_PROOF = "verify_plan_proof"

#: ApplicationError types that retrying cannot fix.
STREAM_VERSION_CONFLICT = "StreamVersionConflict"
DUPLICATE_EVENT = "DuplicateEvent"
POLICY_ERROR = "PolicyError"
INVALID_INPUT = "InvalidInput"
#: The action's actor assertion is missing or does not prove it (see ``domain.proofs``).
UNAUTHENTICATED = "Unauthenticated"


class AppendEventsInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    stream_id: str
    expected_version: int
    envelopes: tuple[EventEnvelope, ...]


class AppendEventsOutput(BaseModel):
    model_config = ConfigDict(frozen=True)

    stream_version: int
    last_position: int
    replayed: bool


class Notice(BaseModel):
    """A message to people; ``idempotency_key`` makes a retried delivery a no-op."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    program_id: str
    kind: str
    subject: str
    body: str
    recipients: tuple[str, ...]


class Delivery(BaseModel):
    model_config = ConfigDict(frozen=True)

    notification_ids: tuple[str, ...]


class ReminderFanout(BaseModel):
    """A session reminder to an audience named by reference: the activity reads who is in it
    (the specialist, or the trainees enrolled as of ``roster_version`` of the program's
    stream) page by page, so the payload stays this size whatever the program's."""

    model_config = ConfigDict(frozen=True)

    idempotency_key: str
    """Each recipient's ledger row is keyed ``{idempotency_key}:{recipient}``."""
    program_id: str
    stream_id: str
    roster_version: int
    audience: Literal["specialist", "enrolled"]
    specialist: str
    kind: str
    subject: str
    body: str


class FanoutDone(BaseModel):
    """How many people the reminder reached and the digest of their sorted ids."""

    model_config = ConfigDict(frozen=True)

    delivered: int
    digest: str


class ProgramSettings(BaseModel):
    """The admin's calendar, reminder times and fact rules, fixed into a program when it is
    planned."""

    model_config = ConfigDict(frozen=True)

    calendar: CalendarConfig
    reminder_rules: ReminderRules
    fact_rules: FactRules = FactRules()
    """Absent from results recorded in older histories: they replay with the defaults."""


class ProgramSettingsInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    region: str | None
    years: tuple[int, ...]
    """Which years' holidays to write into the program (it may be rescheduled within them)."""


class GradeExamInput(BaseModel):
    model_config = ConfigDict(frozen=True)

    program_id: str
    answers: dict[str, str]


class VerifyPlanInput(BaseModel):
    """A plan that starts a workflow, checked against the keys in the log (an activity, so the
    answer is recorded and replays the same whatever keys a worker holds later)."""

    model_config = ConfigDict(frozen=True)

    plan: PlanProgram
    workflow_id: str
    now: datetime


#: The sealing workflow's one activity (``activities.sealing``).
SEAL_LOG = "seal_log"
#: The log does not verify, so it was not sealed: a person must look (no retry helps).
LOG_NOT_INTACT = "LogNotIntact"


class SealLogOutput(BaseModel):
    """What a sealing run did: the seal it took (None: nothing new to seal) and, per witness,
    the seals handed over."""

    model_config = ConfigDict(frozen=True)

    seq: int | None = None
    position: int | None = None
    witnessed: dict[str, list[int]] = {}


#: The roster index (``activities.roster_index``): per-trainee facts, and publishing's enrolments.
ROSTER_FACTS = "roster_facts"
ENROL_PLANNED = "enrol_planned"


class RosterQuery(BaseModel):
    """Facts about ``people`` in a program stream as of ``version`` (the workflow's own)."""

    model_config = ConfigDict(frozen=True)

    stream_id: str
    version: int
    people: tuple[str, ...]
    absentees: bool = False
    """Also list everyone enrolled who is not among ``people`` (an attendance's absentees)."""
    session_id: str | None = None
    """Also say which of ``people`` are recorded attending this session."""


class EnrolPlanned(BaseModel):
    """Enrol everyone the plan names who is not enrolled yet, appended after
    ``expected_version`` in chunks whose event ids derive from the stream and the trainee, so
    a retry after a crash appends only what is missing."""

    model_config = ConfigDict(frozen=True)

    stream_id: str
    expected_version: int
    occurred_at: datetime


class EnrolDone(BaseModel):
    model_config = ConfigDict(frozen=True)

    stream_version: int
    last_position: int
    enrolled: int
    """How many were enrolled by this call (and any earlier attempt of it)."""
