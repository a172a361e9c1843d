"""A class answering its survey at once, against Temporal's real dev server: the program
workflow deciding the waiting answers as groups (``workflows.group_commit``), against the same
answers decided one at a time, in one process and taking turns.

    python -m bench.class_answers [--trainees 40] [--rounds 3]

Each round plans a program for ``--trainees`` trainees whose session starts a few seconds on,
approves and publishes it, waits for the start, records everyone attending, holds the session
and completes the execution; then every trainee sends the survey at the same moment. It keeps
the seconds from the first send to the last answer. One at a time is what runs recorded before
the group commit replay: it is switched on here by answering that patch marker "not patched".
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any
from uuid import uuid4

import workflows.group_commit as group_commit
from bench.action_latency import dev_stack
from bench.patches import answering_not_patched
from domain import commands as c
from runtime.logging import configure_logging
from services.program_client import ProgramClient
from tests.workflows.support import held_in_real_time

SCORES = {"overall": 80.0, "content": 75.0}


async def _round(programs: ProgramClient, trainees: int) -> float:
    """Seconds for every trainee's survey, all sent at once, in a fresh evaluated program."""
    pid = f"class-{uuid4().hex[:8]}"
    people = tuple(f"t{n:03d}" for n in range(trainees))
    await held_in_real_time(programs, pid, people)
    started = time.perf_counter()
    await asyncio.gather(
        *(programs.act(pid, c.SubmitSurvey(actor=t, scores=SCORES)) for t in people)
    )
    return time.perf_counter() - started


async def measure(trainees: int, rounds: int) -> dict[str, list[float]]:
    """Seconds per round for the whole class, grouped and one at a time taking turns."""
    found: dict[str, list[float]] = {"grouped": [], "one at a time": []}
    async with dev_stack("class-answers") as programs:
        for _ in range(rounds):
            for mode in found:
                alone = group_commit.GROUP_COMMIT if mode == "one at a time" else None
                with answering_not_patched(group_commit, alone):
                    found[mode].append(await _round(programs, trainees))
    return found


def run(config: Any) -> list[Any]:
    """The row for ``python -m bench``'s table."""
    from bench.table import Row

    trainees = 40
    found = asyncio.run(measure(trainees, config.rounds))
    grouped, alone = statistics.median(found["grouped"]), statistics.median(found["one at a time"])
    return [
        Row(
            name=f"a class of {trainees} answering at once (dev server): group commit",
            measured=f"{grouped:.2f} s ({trainees / grouped:.0f} answers/s)",
            baseline=f"one at a time {alone:.2f} s ({trainees / alone:.0f} answers/s)",
            ratio=grouped / alone,
            spread=(max(found["grouped"]) - min(found["grouped"])) / grouped,
            note="first send to last answer, all sent at the same moment",
        )
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trainees", type=int, default=40)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    configure_logging("console", "warning")
    found = asyncio.run(measure(args.trainees, args.rounds))
    for mode, seconds in found.items():
        shown = ", ".join(f"{s:.2f}" for s in seconds)
        middle = statistics.median(seconds)
        print(f"{mode}: median {middle:.2f} s, {args.trainees / middle:.0f} answers/s ({shown})")


if __name__ == "__main__":
    main()
