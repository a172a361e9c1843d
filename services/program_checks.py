"""The edge's checks of new program input: text, dates, sizes and the people a plan names.

They run on what a person sends now, before anything reaches the workflow. They are not on the
command models, which also read back commands recorded in workflow histories: a replay must
never refuse its own past (a cap set later, a rule added later).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from accounts.users import active_with_role
from domain import commands as c
from domain.approval import PolicyError, ProgramFacts
from domain.events import Session
from domain.plan_rules import check_planned_date
from domain.program import DomainError, ProgramState, check_sessions_ahead
from domain.state import ProgramStatus
from domain.text import check_no_bidi_controls
from services.configuration import config_in_force
from services.database import Database
from services.errors import Invalid
from services.trainees import unknown_trainees

#: Text a person must write in words: only spaces would be an empty link, an empty reason.
BLANK_REFUSED = ("title", "reason", "summary")


def check_new_text_and_dates(
    command: BaseModel, sessions: Iterable[Session] = (), timezone: str | None = None
) -> None:
    """The edge's rules for new input that the replayed models cannot carry: no bidirectional
    overrides in any text, and a planned date on or after the last session."""
    for field in BLANK_REFUSED:
        value = getattr(command, field, None)
        if isinstance(value, str) and value and not value.strip():  # "" is the rules' to say
            raise Invalid("error.blank_text", field=field)
    try:
        check_no_bidi_controls(command.model_dump(mode="json", exclude={"proof"}))
        planned_date = getattr(command, "planned_date", None)
        if planned_date is not None and timezone is not None:
            check_planned_date(planned_date, sessions, timezone)
    except ValueError as exc:  # PlanRefused too
        raise Invalid.passing(exc) from exc


#: The shortest session a new plan may hold, in hours (15 minutes): the web form's minimum
#: too. The event model only asks for more than 0, as plans recorded before this rule have.
MIN_SESSION_HOURS = 0.25


def check_sizes(command: BaseModel, program_id: str) -> None:
    """Caps on what one new command may carry, so its update, event and proof stay far under
    Temporal's payload limits; a bigger roster or session goes through a file, in batches.
    Checked here, on new input, and never by the command models: they also read back commands
    recorded in workflow histories before a cap was set, and a replay must never refuse its
    own past."""
    if isinstance(command, c.ProgramContent) and len(command.trainees) > c.MAX_TRAINEES:
        raise Invalid(
            "error.plan_too_many_trainees",
            program_id=program_id,
            given=len(command.trainees),
            most=c.MAX_TRAINEES,
        )
    if isinstance(command, c.ProgramContent):
        for session in command.sessions:
            if session.duration_hours < MIN_SESSION_HOURS:
                raise Invalid(
                    "error.session_too_short",
                    program_id=program_id,
                    session_id=session.session_id,
                    given=session.duration_hours,
                    least=MIN_SESSION_HOURS,
                )
    if isinstance(command, c.RecordAttendance) and len(command.attendees) > c.MAX_ENROL_BATCH:
        raise Invalid(
            "error.attendance_too_many",
            program_id=program_id,
            session_id=command.session_id,
            given=len(command.attendees),
            most=c.MAX_ENROL_BATCH,
        )


def check_trainees(database: Database, people: Iterable[str]) -> None:
    """Everyone enrolled is a recorded employee or an active user with the trainee role, as a
    roster file's rows must be: a misspelt name would be a phantom trainee in every rate."""
    unknown = sorted(unknown_trainees(database.store, sorted(set(people))))
    if unknown:
        shown = ", ".join(map(repr, unknown[:20])) + (" …" if len(unknown) > 20 else "")
        raise Invalid("error.unknown_trainees", usernames=shown, count=len(unknown))


def check_approvers(database: Database, usernames: Iterable[str]) -> None:
    """Everyone a plan names as approver, and whoever a task is handed to, is an active user with
    the approver role: a typo would otherwise leave the program waiting on a task no one sees."""
    named = set(usernames)
    missing = sorted(named - active_with_role(database.engine, named, "approver"))
    if missing:
        raise Invalid("error.not_an_approver", usernames=", ".join(map(repr, missing)))


#: What only the plan can give a policy step: refused when planning, not first at submission.
PLAN_GIVES = ("policy.no_plan_approvers", "policy.no_department")


def check_plan_routable(
    database: Database, config_file: Path | None, command: c.PlanProgram
) -> None:
    """A plan the approval policy in force could never route for want of what only the plan
    names (its approvers, its department) is refused as it is made, with the step that needs
    it; a revision may add them later, but a new program should not start out stuck."""
    config = config_in_force(database.store, config_file)
    if config is None:
        return
    facts = ProgramFacts(
        department=command.department,
        budget=command.budget,
        external_instructor=command.external_instructor,
        plan_approvers=command.approvers,
        specialist=command.actor,
    )
    try:
        config.approval.resolve(facts)
    except PolicyError as exc:
        if exc.code in PLAN_GIVES:
            raise Invalid.passing(exc) from exc


def check_sessions_planned_ahead(sessions: Iterable[Session], now: datetime) -> None:
    """Sessions are planned ahead (the domain's rule; the test server's clock in tests)."""
    try:
        check_sessions_ahead(sessions, now)
    except DomainError as exc:
        raise Invalid.passing(exc) from exc


def check_revision_changes(command: c.ReviseProgram, state: ProgramState, program_id: str) -> None:
    """A revision of a draft that changes nothing is refused (it would only add a revision to
    the log). After changes were requested it is the specialist's answer ("kept as it is")
    and the way back to a draft, so it goes through with a comment saying why."""
    if state.status not in (ProgramStatus.DRAFT, ProgramStatus.CHANGES_REQUESTED):
        return
    unchanged = (
        command.title == state.title
        and command.planned_date == state.planned_date
        and command.sessions == tuple(state.sessions.values())
        and command.trainees == state.trainees
        and command.budget == state.budget
        and command.external_instructor == state.external_instructor
        and command.approvers in (None, state.approvers)
        and command.department in (None, state.department)
    )
    if unchanged and state.status == ProgramStatus.CHANGES_REQUESTED:
        if not command.comment.strip():
            raise Invalid("error.unchanged_needs_comment", program_id=program_id)
        return
    if unchanged:
        raise Invalid("error.nothing_to_revise", program_id=program_id)


#: The shortest start of a task id taken for the whole (timelines show the first eight).
SHORT_TASK_ID = 8


def whole_task_id(command: Any, state: Mapping[str, Any]) -> Any:
    """The command naming its task by the start of its id, as timelines and pages show it,
    given the whole id: when exactly one open task of the program starts so. Anything else is
    left for the rules to say (no such task; or, ambiguous, the task the start names)."""
    task_id = getattr(command, "task_id", None)
    tasks = state.get("tasks") or {}
    if not isinstance(task_id, str) or task_id in tasks or len(task_id) < SHORT_TASK_ID:
        return command
    starting = [whole for whole in tasks if whole.startswith(task_id)]
    if len(starting) != 1:
        return command
    return command.model_copy(update={"task_id": starting[0]})
