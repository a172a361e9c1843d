"""Telling every running program that an admin saved a configuration: each takes up its
calendar and rules and re-plans its pending reminders. The HTTP API and the page share it."""

from __future__ import annotations

import asyncio

import structlog

from domain.program import TERMINAL
from projections import queries
from services.programs import ProgramContext

log = structlog.get_logger(__name__)


#: How many running programs are told of a new configuration at once.
ANNOUNCE_CONCURRENCY = 16


async def announce_configuration(ctx: ProgramContext) -> tuple[int, int]:
    """Tell every running program that an admin saved a configuration, so each takes up its
    calendar and rules (``SettingsRefreshed``) and re-plans its pending reminders. Returns
    (told, failed); a program that cannot be told now takes it up at its next change."""
    running = [
        row["program_id"]
        for row in await asyncio.to_thread(queries.list_programs, ctx.database.engine)
        if row["status"] not in {s.value for s in TERMINAL}
    ]
    if not running:
        return 0, 0
    programs = await ctx.programs()
    gate = asyncio.Semaphore(ANNOUNCE_CONCURRENCY)

    async def tell(program_id: str) -> bool:
        async with gate:
            try:
                await programs.configuration_changed(program_id)
                return True
            except Exception as exc:  # a finished or unknown workflow: nothing to re-plan
                log.info("program not told of the configuration", program_id=program_id,
                         error=type(exc).__name__)  # fmt: skip
                return False

    told = await asyncio.gather(*(tell(p) for p in running))
    log.info("configuration announced", told=sum(told), failed=len(told) - sum(told))
    return sum(told), len(told) - sum(told)
