"""The program workflow without per-trainee lists (patch ``roster-out-of-workflow-state``).

A run that took the patch keeps its state stripped of the roster (``domain.roster.lean``) and
carries only how many are enrolled. Before deciding a command that names people it asks the
roster index about them, as of its own stream version (the index folds the log up to there
first, so it can never answer from an older roster). Publishing enrols the plan's roster through
one heartbeating activity that appends it in chunks. Payloads and history stay the same size
for 5 or 50,000 trainees; runs started before the patch keep their lists and replay as recorded.

The validator dry-runs with the roster unknown; the handler refuses, after the look-up, what
the facts forbid. A refusal there records nothing in the log, as before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict
from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.contracts import (
        ENROL_PLANNED,
        INVALID_INPUT,
        ROSTER_FACTS,
        EnrolDone,
        EnrolPlanned,
        RosterQuery,
    )
    from domain.commands import ProgramCommand, RecordAttendance
    from domain.roster import RosterFacts, people_of, session_of
    from domain.streams import program_stream
    from workflows.quick_steps import quick_step

#: Patch marker: the workflow carries no per-trainee lists (histories recorded before it
#: replay with them).
ROSTER_OUT_OF_STATE = "roster-out-of-workflow-state"

ROSTER_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=[INVALID_INPUT],
)
#: A worker that dies while enrolling is noticed this soon; the retry appends only the rest.
ENROL_HEARTBEAT = timedelta(minutes=2)


class RosterHead(BaseModel):
    """What a continued-as-new lean run carries of its roster: a count, never the people."""

    model_config = ConfigDict(frozen=True)

    enrolled: int


async def roster_facts(program_id: str, version: int, command: BaseModel) -> RosterFacts:
    """The index's facts about the people ``command`` names (nothing to ask: no look-up)."""
    attendance = isinstance(command, RecordAttendance)
    people = people_of(command)
    if not people and not attendance:
        return RosterFacts()
    facts: RosterFacts = await quick_step(
        ROSTER_FACTS,
        RosterQuery(
            stream_id=program_stream(program_id),
            version=version,
            people=people,
            absentees=attendance,
            session_id=session_of(command),
        ),
        result_type=RosterFacts,
        timeout=timedelta(minutes=2),
        retry_policy=ROSTER_RETRY,
    )
    return facts


async def roster_facts_of(
    program_id: str, version: int, commands: list[ProgramCommand]
) -> RosterFacts:
    """The index's facts about everyone ``commands`` name, in one look-up (a group of
    actions about one person each: no attendance, so no absentees or session)."""
    people = tuple(person for command in commands for person in people_of(command))
    if not people:
        return RosterFacts()
    facts: RosterFacts = await quick_step(
        ROSTER_FACTS,
        RosterQuery(stream_id=program_stream(program_id), version=version, people=people),
        result_type=RosterFacts,
        timeout=timedelta(minutes=2),
        retry_policy=ROSTER_RETRY,
    )
    return facts


async def enrol_planned(program_id: str, version: int, occurred_at: datetime) -> EnrolDone:
    """Enrol the plan's roster after the publication recorded at ``version``: the system's
    doing, as publishing's consequence (the specialist's proof covers the publication)."""
    done: EnrolDone = await workflow.execute_activity(
        ENROL_PLANNED,
        EnrolPlanned(
            stream_id=program_stream(program_id),
            expected_version=version,
            occurred_at=occurred_at,
        ),
        result_type=EnrolDone,
        start_to_close_timeout=timedelta(hours=1),
        heartbeat_timeout=ENROL_HEARTBEAT,
        retry_policy=ROSTER_RETRY,
    )
    return done
