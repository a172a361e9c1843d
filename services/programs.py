"""Program use cases: plan, act, read. One place for who may do what to which program.

The checks here are the first of two: the workflow checks again (state, ownership, four-eyes) and
refuses anything without the actor assertion the gateway signs for the person authenticated
here. A refusal at either level records nothing.
"""

from __future__ import annotations

import asyncio
from typing import Any, Protocol

from pydantic import BaseModel, Field

from domain import commands as c
from projections import queries
from services import reads
from services.actions import ProgramAction
from services.errors import Conflict, Forbidden, NotFound, temporal_errors
from services.people import Person, require_role
from trainops.client import ActionRefused, ProgramClient
from trainops.database import Database
from workflows.program import ActionResult


class ProgramContext(Protocol):
    """What the program use cases need from the process: the database, the signing Temporal
    gateway, and read-your-writes."""

    @property
    def database(self) -> Database: ...

    async def programs(self) -> ProgramClient: ...

    async def wait_for_projection(self, position: int) -> bool: ...


class ActionOut(BaseModel):
    program_id: str
    status: str
    stream_version: int
    last_position: int
    events: list[str]
    projected: bool = Field(
        description="True when the read models already show this change (read-your-writes)."
    )


def _action_out(result: ActionResult, projected: bool) -> ActionOut:
    return ActionOut(
        program_id=result.program_id,
        status=result.status,
        stream_version=result.stream_version,
        last_position=result.last_position,
        events=list(result.events),
        projected=projected,
    )


def load_program(ctx: ProgramContext, person: Person, program_id: str) -> dict[str, Any]:
    """The program's summary row, if it exists and the person may see it."""
    engine = ctx.database.engine
    summary = queries.program_summary(engine, program_id)
    if summary is None:
        raise NotFound(f"no program {program_id!r}")
    state = reads.program_state(engine, program_id)
    actors = {t["actor"] for t in queries.program_timeline(engine, program_id)}
    if not reads.can_read(person, summary, state, actors):
        raise Forbidden(
            f"{person.username} may not see program {program_id!r}: it is not theirs, "
            "they do not approve it and they are not an auditor"
        )
    return summary


def readable_timeline(
    ctx: ProgramContext, person: Person, summary: dict[str, Any], state: dict[str, Any]
) -> list[dict[str, Any]]:
    """The program's timeline as the person may read it (a trainee: not others' scores)."""
    entries = queries.program_timeline(ctx.database.engine, summary["program_id"])
    return reads.timeline_for(person, summary, state, entries)


def check_action(
    ctx: ProgramContext, person: Person, program_id: str, action: ProgramAction
) -> None:
    """Role, then ownership, before anything is sent."""
    doing = action.kind.replace("_", " ")
    require_role(person, action.role, doing=doing)
    summary = queries.program_summary(ctx.database.engine, program_id)
    if summary is None:
        raise NotFound(f"no program {program_id!r}")
    if action.owner_only and summary["specialist"] != person.username:
        raise Forbidden(
            f"only the program's specialist {summary['specialist']!r} may {doing} it, "
            f"not {person.username!r}"
        )


async def act(
    ctx: ProgramContext,
    person: Person,
    program_id: str,
    action: ProgramAction,
    fields: dict[str, Any],
) -> ActionOut:
    """``action`` on the program as ``person``: the command's actor is always the person."""
    await asyncio.to_thread(check_action, ctx, person, program_id, action)
    command = action.build(person.username, fields)
    programs = await ctx.programs()
    async with temporal_errors(f"{action.kind} of {program_id!r}"):
        result = await programs.act(program_id, command)  # type: ignore[arg-type]
    projected = await ctx.wait_for_projection(result.last_position)
    return _action_out(result, projected)


async def plan(ctx: ProgramContext, person: Person, fields: dict[str, Any]) -> ActionOut:
    """A new program, owned by ``person`` (a specialist)."""
    require_role(person, "specialist", doing="planning a program")
    command = c.PlanProgram.model_validate({**fields, "actor": person.username})
    programs = await ctx.programs()
    try:
        async with temporal_errors(f"the plan of {command.program_id!r}"):
            result = await programs.plan(command)
    except ActionRefused as exc:
        if exc.kind == "Exists":
            raise Conflict(f"refused: {exc}") from exc
        raise
    projected = await ctx.wait_for_projection(result.last_position)
    return _action_out(result, projected)
