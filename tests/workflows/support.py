"""What several workflow tests ask of a program: its events in the log, the updates its
workflow accepted, a small safety course to plan, the way to approval and publication."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from temporalio.api.enums.v1 import EventType
from temporalio.client import WorkflowHistory

from domain import commands as c
from domain.events import Session
from services.program_client import ProgramClient
from tests.conftest import Harness
from tests.plans import TZ, one_session


def event_types(h: Harness, pid: str) -> list[str]:
    """The program's events in the log, oldest first."""
    return [r.event_type for r in h.db.store.read_stream(f"program-{pid}")]


async def accepted_updates(h: Harness, pid: str) -> list[str]:
    """The updates the workflow accepted, by name, in order (a refused one is not there)."""
    history = await h.env.client.get_workflow_handle(pid).fetch_history()
    return [
        e.workflow_execution_update_accepted_event_attributes.accepted_request.input.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED
    ]


async def runs(h: Harness, pid: str) -> list[WorkflowHistory]:
    """The history of each run of the program (continued as new), first run first."""
    histories: list[WorkflowHistory] = []
    run_id = ""
    while True:
        handle = h.env.client.get_workflow_handle(pid, run_id=run_id or None)
        histories.append(await handle.fetch_history())
        first = histories[-1].events[0].workflow_execution_started_event_attributes
        run_id = first.continued_execution_run_id
        if not run_id:
            return histories[::-1]


async def revise_as_is(h: Harness, pid: str, **changes: object) -> None:
    """The specialist ("spec") revises the program as it stands, but for ``changes``."""
    state = await h.programs.state(pid)
    fields = {
        "actor": "spec",
        "title": state.title,
        "planned_date": state.planned_date,
        "sessions": tuple(state.sessions.values()),
        "trainees": state.trainees,
    }
    await h.programs.act(pid, c.ReviseProgram.model_validate(fields | changes))


def employees(count: int) -> tuple[str, ...]:
    """``count`` trainees named by e-mail address, as a large roster would be."""
    return tuple(f"employee.{n:05d}@example.com" for n in range(count))


async def approve_and_publish(
    programs: ProgramClient, program_id: str, specialist: str = "spec"
) -> str:
    """The specialist submits the planned program, "boss" approves it, the specialist publishes
    it: the status publishing reported."""
    await programs.act(program_id, c.SubmitProgram(actor=specialist))
    await programs.act(program_id, c.ApproveProgram(actor="boss"))
    return (await programs.act(program_id, c.PublishProgram(actor=specialist))).status


async def published_for(
    h: Harness,
    program_id: str,
    title: str,
    trainees: tuple[str, ...],
    starts_at: datetime,
    **more: object,
) -> str:
    """Plan a one-session program for ``trainees`` (``more`` replaces fields), get it approved
    and publish it: the status publishing reported."""
    await h.programs.plan(one_session(program_id, title, starts_at, trainees, **more))
    return await approve_and_publish(h.programs, program_id)


def safety_basics(
    program_id: str, starts_at: datetime, trainees: tuple[str, ...], **more: object
) -> c.PlanProgram:
    """spec.li's one-session safety course for ``trainees``, approved by mgr.wang."""
    return c.PlanProgram.model_validate(
        {
            "program_id": program_id,
            "actor": "spec.li",
            "approvers": ("mgr.wang",),
            "timezone": TZ,
            "title": "Safety basics",
            "planned_date": (starts_at + timedelta(days=5)).date(),
            "sessions": (Session(session_id="s1", starts_at=starts_at, duration_hours=3),),
            "trainees": trainees,
        }
        | more
    )


async def held_in_real_time(
    programs: ProgramClient, program_id: str, people: tuple[str, ...]
) -> None:
    """On a server whose clock is the wall clock (the dev server): plan a one-session program
    for ``people`` starting a few seconds on, get it approved and published before the start,
    wait for it, record everyone attending, hold the session and complete the execution, so
    its evaluation is open."""
    starts = datetime.now(UTC) + timedelta(seconds=4)
    await programs.plan(
        c.PlanProgram(
            program_id=program_id,
            actor="spec",
            approvers=("boss",),
            title="A class at once",
            planned_date=starts.date() + timedelta(days=7),
            sessions=(Session(session_id="s1", starts_at=starts, duration_hours=1),),
            trainees=people,
        )
    )
    await approve_and_publish(programs, program_id)
    await asyncio.sleep(max(0.0, (starts - datetime.now(UTC)).total_seconds()) + 0.2)
    await held_with(programs, program_id, people)


async def held_with(programs: ProgramClient, program_id: str, attended: tuple[str, ...]) -> None:
    """Record ``attended`` at the one session "s1" (it has ended), hold it and complete the
    execution, so the program's evaluation is open."""
    for command in (
        c.RecordAttendance(actor="spec", session_id="s1", attendees=attended),
        c.CompleteSession(actor="spec", session_id="s1"),
        c.CompleteExecution(actor="spec"),
    ):
        await programs.act(program_id, command)
