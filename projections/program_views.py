"""The pure fold behind every program read model: (view, event) -> (view, changes).

The program's rules are not repeated here: the view carries the domain's own ``ProgramState``,
folded by ``domain.program.evolve``, plus the few facts the read models keep that the rules do
not need (was it ever approved, when was it executed).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any, get_origin
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict

from domain import events as e
from domain.kpi import ProgramOutcome, quarter_of
from domain.program import ProgramState, evolve
from domain.state import ProgramStatus
from domain.streams import PROGRAM_PREFIX
from eventlog.records import RecordedEvent
from projections.event_messages import encode, parts
from projections.event_texts import stored_summary


class ProgramView(BaseModel):
    model_config = ConfigDict(frozen=True)

    state: ProgramState
    approved: bool = False
    executed_on: date | None = None
    on_time: bool = False
    cancelled_at: datetime | None = None
    last_position: int = 0
    updated_at: datetime

    @property
    def cancelled_on(self) -> date | None:
        """The local day of its cancellation; a view folded before ``cancelled_at`` was kept
        falls back to its last event, which for a cancelled (terminal) program is that one."""
        if self.state.status is not ProgramStatus.CANCELLED:
            return None
        at = self.cancelled_at or self.updated_at
        return at.astimezone(ZoneInfo(self.state.timezone)).date()

    @property
    def outcome(self) -> ProgramOutcome:
        return ProgramOutcome(
            program_id=self.state.program_id,
            specialist=self.state.specialist,
            planned_date=self.state.planned_date,
            approved=self.approved,
            executed=self.executed_on is not None,
            on_time=self.on_time,
            enrolled=len(self.state.enrolled),
            attended=len(self.state.attendees & set(self.state.enrolled)),
            cancelled_on=self.cancelled_on,
        )


@dataclass
class TimelineEntry:
    """A timeline row (its ``__dict__`` is the row written). Not frozen: a rebuild makes one
    per event, and a frozen dataclass sets each field through ``object.__setattr__`` (three
    times the cost)."""

    position: int
    program_id: str
    stream_version: int
    occurred_at: datetime
    event_type: str
    actor: str
    role: str
    summary: str
    message: str
    """The summary's message keys and parameters (``event_messages.encode``), for any language."""


@dataclass(frozen=True)
class TaskChanged:
    """A task's inbox rows after an event: one per person who sees it (none once closed)."""

    task_id: str
    rows: tuple[dict[str, Any], ...]


@dataclass(frozen=True)
class TraineesChanged:
    """A program's trainee rows after an event: everyone named on the plan or enrolled, or,
    with ``trainee``, that one person's row only (an enrolment touches one row, so publishing
    to 50,000 trainees stays linear)."""

    program_id: str
    rows: tuple[dict[str, Any], ...]
    trainee: str | None = None


@dataclass(frozen=True)
class AttendanceChanged:
    """Who attended the program changed (an attendance or a batch of attendees recorded): its
    ``rm_attendance`` rows are brought to the view's attendees when the batch is written."""

    program_id: str


Change = TimelineEntry | TaskChanged | TraineesChanged | AttendanceChanged

#: Events that change who a program is for.
TRAINEE_EVENTS = (e.ProgramPlanned, e.ProgramRevised, e.TraineeEnrolled)

TASK_EVENTS = (
    e.ApprovalRequested,
    e.TaskClaimed,
    e.TaskUnclaimed,
    e.TaskDelegated,
    e.TaskResolved,
    e.TaskReassigned,
    e.TaskEscalated,
    e.TaskReminderSent,
    e.ApprovalGranted,
    e.ApprovalRejected,
    e.ChangesRequested,
    e.ApprovalTaskWithdrawn,
)


def program_id_of(stream_id: str) -> str | None:
    return stream_id[len(PROGRAM_PREFIX) :] if stream_id.startswith(PROGRAM_PREFIX) else None


def describe(event: e.Event) -> str:
    """One line a person reads in a timeline, in English (``event_messages`` has the keys)."""
    return stored_summary(parts(event))


def apply(
    view: ProgramView | None, recorded: RecordedEvent, event: Any
) -> tuple[ProgramView, list[Change]]:
    """Fold one recorded event of a program stream into its view."""
    fields = dict(view.__dict__) if view is not None else {}
    changes = fold_into(fields, recorded, event)
    return freeze(fields), changes


def freeze(fields: dict[str, Any]) -> ProgramView:
    """The view of the fields ``fold_into`` keeps (a batch freezes each program once)."""
    return ProgramView.model_validate(fields)


def fold_into(fields: dict[str, Any], recorded: RecordedEvent, event: Any) -> list[Change]:
    """Fold one recorded event into a view's fields, in place ({} before the first event),
    and say what it changes: a batch folds each program's events into one working dict and
    builds its ``ProgramView`` once, instead of copying the frozen view at every event."""
    before: ProgramState | None = fields.get("state")
    state = evolve(before, event)
    fields["state"] = state
    fields["last_position"] = recorded.position
    fields["updated_at"] = recorded.occurred_at
    traits = _traits(event.__class__)
    if traits is not _PLAIN:
        _note(fields, recorded, event, traits)
    changes: list[Change] = [
        TimelineEntry(
            position=recorded.position,
            program_id=state.program_id,
            stream_version=recorded.stream_version,
            occurred_at=recorded.occurred_at,
            event_type=recorded.event_type,
            actor=str(recorded.metadata.get("actor", "")),
            role=str(recorded.metadata.get("role", "")),
            summary=stored_summary(message := parts(event)),
            message=encode(message),
        )
    ]
    had = before.attendance if before is not None else {}
    if state.attendance is not had and state.attendance != had:  # attendance events are plain
        changes.append(AttendanceChanged(state.program_id))
    if traits is _PLAIN:
        return changes
    if traits[3]:
        # This task, and the program's other open tasks: an approval here takes its approver
        # off every other task they could no longer decide (four-eyes).
        for task_id in dict.fromkeys((event.task_id, *state.tasks)):
            changes.append(TaskChanged(task_id, inbox_rows(state, task_id)))
    if traits[4]:
        row = {"program_id": state.program_id, "trainee": event.trainee, "enrolled": True}
        changes.append(TraineesChanged(state.program_id, (row,), trainee=event.trainee))
    elif traits[5]:
        changes.append(TraineesChanged(state.program_id, trainee_rows(state)))
    return changes


#: An event type's place in ``fold_into``: approved, executed, cancelled, a task event, an
#: enrolment, a trainee event. Looked up once per type (``_traits``), not tested per event.
Traits = tuple[bool, bool, bool, bool, bool, bool]
_PLAIN: Traits = (False,) * 6


@cache
def _traits(kind: type[Any]) -> Traits:
    found = (
        issubclass(kind, e.ProgramApproved),
        issubclass(kind, e.ProgramExecuted),
        issubclass(kind, e.ProgramCancelled),
        issubclass(kind, TASK_EVENTS),
        issubclass(kind, e.TraineeEnrolled),
        issubclass(kind, TRAINEE_EVENTS),
    )
    return _PLAIN if found == _PLAIN else found


def _note(fields: dict[str, Any], recorded: RecordedEvent, event: Any, traits: Traits) -> None:
    """The facts the read models keep beside the state (approved, executed, cancelled)."""
    if traits[0]:
        fields["approved"] = True
    if traits[1]:
        fields["executed_on"], fields["on_time"] = event.executed_on, event.on_time
    if traits[2]:
        fields["cancelled_at"] = recorded.occurred_at


def trainee_rows(state: ProgramState) -> tuple[dict[str, Any], ...]:
    """One row per person the program is for; a revision may drop someone from the plan."""
    people = dict.fromkeys((*state.trainees, *state.enrolled))
    return tuple(
        {"program_id": state.program_id, "trainee": person, "enrolled": person in state.enrolled}
        for person in people
    )


def inbox_rows(state: ProgramState, task_id: str) -> tuple[dict[str, Any], ...]:
    """Who sees an open task, and what they need to decide it."""
    task = state.tasks.get(task_id)
    if task is None or state.route is None:
        return ()
    step = next((s for s in state.route.steps if s.step_id == task.step_id), None)

    def may_decide(person: str) -> bool:  # the four-eyes rule's refusals, said ahead
        return person != state.submitted_by and not state.approved_steps_of(person)

    if task.assignee is not None:
        relation = "delegated" if task.delegation == "pending" else "assigned"
        shown = may_decide(task.assignee)
        people: tuple[tuple[str, str], ...] = ((task.assignee, relation),) if shown else ()
    else:  # never offered to someone the rule would refuse on it
        people = tuple((person, "candidate") for person in task.candidates if may_decide(person))
    return tuple(
        {
            "task_id": task.task_id,
            "person": person,
            "relation": relation,
            "program_id": state.program_id,
            "step_id": task.step_id,
            "step_name": step.name if step else task.step_id,
            "task_group": task.group,
            "owner": task.owner,
            "title": state.title,
            "specialist": state.specialist,
            "department": state.department,
            "budget": str(state.budget),
            "planned_date": state.planned_date,
            "revision": state.revision,
            "trainees": len(state.trainees),
            "sessions": len(state.sessions),
            "requested_at": task.requested_at,
            "due_at": task.due_at,
        }
        for person, relation in people
    )


#: The state's sets: stored sorted, so a view's row does not depend on how its sets were built
#: (folded in one run or reloaded batch by batch), and a rebuild reproduces it byte for byte.
SET_FIELDS = tuple(
    name for name, f in ProgramState.model_fields.items() if get_origin(f.annotation) is frozenset
)


def stored_view(view: ProgramView) -> dict[str, Any]:
    document = view.model_dump(mode="json")
    for name in SET_FIELDS:
        document["state"][name] = sorted(document["state"][name])
    return document


def program_row(view: ProgramView) -> dict[str, Any]:
    state = view.state
    outcome = view.outcome
    return {
        "program_id": state.program_id,
        "title": state.title,
        "specialist": state.specialist,
        "approvers": list(state.approvers),
        "status": state.status.value,
        "timezone": state.timezone,
        "planned_date": state.planned_date,
        "period": quarter_of(state.planned_date),
        "revision": state.revision,
        "session_count": len(state.sessions),
        "planned_trainees": len(state.trainees),
        "enrolled": outcome.enrolled,
        "attended": outcome.attended,
        "approved": view.approved,
        "executed": outcome.executed,
        "executed_on": view.executed_on,
        "on_time": view.on_time,
        "reminders_sent": len(state.sent_reminders),
        "state": stored_view(view),
        "last_position": view.last_position,
        "updated_at": view.updated_at,
        "department": state.department,
    }
