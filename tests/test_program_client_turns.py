"""The program client keeps at most ``IN_FLIGHT_PER_PROGRAM`` of a program's actions in flight
(Temporal refuses more than ten and the SDK then backs off for seconds); other programs do not
wait for it, and a program with nothing under way is forgotten."""

from __future__ import annotations

import asyncio
from typing import Any, cast

from temporalio.client import Client

from services.program_client import IN_FLIGHT_PER_PROGRAM, ProgramClient


async def test_a_program_has_a_bounded_number_of_actions_in_flight() -> None:
    programs = ProgramClient(cast(Client, None), "tq")
    in_flight: dict[str, int] = {"p": 0, "q": 0}
    most: dict[str, int] = {"p": 0, "q": 0}

    async def action(program: str) -> None:
        async with programs._turn(program):
            in_flight[program] += 1
            most[program] = max(most[program], in_flight[program])
            await asyncio.sleep(0.01)
            in_flight[program] -= 1

    waits: list[Any] = [action("p") for _ in range(40)] + [action("q") for _ in range(3)]
    await asyncio.gather(*waits)

    assert most == {"p": IN_FLIGHT_PER_PROGRAM, "q": 3}
    assert programs._turns == {}


async def test_a_failed_action_gives_its_turn_back() -> None:
    programs = ProgramClient(cast(Client, None), "tq")

    async def fails() -> None:
        async with programs._turn("p"):
            raise RuntimeError("refused")

    results = await asyncio.gather(*(fails() for _ in range(20)), return_exceptions=True)

    assert all(isinstance(r, RuntimeError) for r in results)
    assert programs._turns == {}
    assert IN_FLIGHT_PER_PROGRAM < 10  # below what Temporal admits in flight per workflow
