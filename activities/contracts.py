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
#: The program is moving to a new run (continue-as-new) and takes no new action until it has:
#: nothing was recorded, and the same action sent again a moment later lands in the new run.
MOVING_ON = "MovingOn"


class Contract(BaseModel):
    """An activity's input or output: immutable, so a retried activity is handed the same value
    the first attempt was."""

    model_config = ConfigDict(frozen=True)


class AppendEventsInput(Contract):
    stream_id: str
    expected_version: int
    envelopes: tuple[EventEnvelope, ...]


class AppendEventsOutput(Contract):
    stream_version: int
    last_position: int
    replayed: bool


class Notice(Contract):
    """A message to people; ``idempotency_key`` makes a retried delivery a no-op."""

    idempotency_key: str
    program_id: str
    kind: str
    subject: str
    body: str
    recipients: tuple[str, ...]


class Delivery(Contract):
    notification_ids: tuple[str, ...]


class ReminderFanout(Contract):
    """A session reminder to an audience named by reference: the activity reads who is in it
    (the specialist, or the trainees enrolled as of ``roster_version`` of the program's
    stream) page by page, so the payload stays this size whatever the program's."""

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


class FanoutDone(Contract):
    """How many people the reminder reached and the digest of their sorted ids."""

    delivered: int
    digest: str


class ProgramSettings(Contract):
    """The admin's calendar, reminder times and fact rules, fixed into a program when it is
    planned."""

    calendar: CalendarConfig
    reminder_rules: ReminderRules
    fact_rules: FactRules = FactRules()
    """Absent from results recorded in older histories: they replay with the defaults."""


class ProgramSettingsInput(Contract):
    region: str | None
    years: tuple[int, ...]
    """Which years' holidays to write into the program (it may be rescheduled within them)."""


class GradeExamInput(Contract):
    program_id: str
    answers: dict[str, str]


class VerifyPlanInput(Contract):
    """A plan that starts a workflow, checked against the keys in the log (an activity, so the
    answer is recorded and replays the same whatever keys a worker holds later)."""

    plan: PlanProgram
    workflow_id: str
    now: datetime


#: The sealing workflow's one activity (``activities.sealing``).
SEAL_LOG = "seal_log"
#: The log does not verify, so it was not sealed: a person must look (no retry helps).
LOG_NOT_INTACT = "LogNotIntact"


class SealLogOutput(Contract):
    """What a sealing run did: the seal it took (None: nothing new to seal) and, per witness,
    the seals handed over."""

    seq: int | None = None
    position: int | None = None
    witnessed: dict[str, list[int]] = {}


#: The roster index (``activities.roster_index``): per-trainee facts, and publishing's enrolments.
ROSTER_FACTS = "roster_facts"
ENROL_PLANNED = "enrol_planned"


class RosterQuery(Contract):
    """Facts about ``people`` in a program stream as of ``version`` (the workflow's own)."""

    stream_id: str
    version: int
    people: tuple[str, ...]
    absentees: bool = False
    """Also list everyone enrolled who is not among ``people`` (an attendance's absentees)."""
    session_id: str | None = None
    """Also say which of ``people`` are recorded attending this session."""


class EnrolPlanned(Contract):
    """Enrol everyone the plan names who is not enrolled yet, appended after
    ``expected_version`` in chunks whose event ids derive from the stream and the trainee, so
    a retry after a crash appends only what is missing."""

    stream_id: str
    expected_version: int
    occurred_at: datetime


class EnrolDone(Contract):
    stream_version: int
    last_position: int
    enrolled: int
    """How many were enrolled by this call (and any earlier attempt of it)."""
