"""A class answering at once through several API processes on Temporal's real dev server, which
admits ten updates of a workflow in flight and drops workflow tasks under such a burst
("Workflow task not found"): every answer is recorded once and answered, none refused for a
record it made itself.

Appends once ran as local activities, before their workflow task was recorded: a dropped task
left its events in the log while history never held them, and the retried task decided the
waiting answers in another order (its appends refused as duplicate ids) or refused an answer
as "already submitted" that the log held. Since ``APPEND_SCHEDULED_FIRST`` the append is an
activity scheduled in history first.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from uuid import uuid4

from temporalio.service import RPCError, RPCStatusCode
from temporalio.testing import WorkflowEnvironment

from domain import commands as c
from services.database import Database
from services.program_client import ProgramClient
from tests.conftest import TEST_SIGNER, Harness, running_worker
from tests.workflows.support import held_in_real_time

CLASS = tuple(f"t{n:02d}" for n in range(40))
SCORES = {"overall": 80.0, "content": 75.0}


async def answered_through(
    h: Harness, env: WorkflowEnvironment, apis: int, people: tuple[str, ...]
) -> tuple[str, list[object]]:
    """A program held in real time for ``people`` whose surveys are all sent at once through
    ``apis`` clients (API processes), each keeping eight of a program's actions in flight
    (``IN_FLIGHT_PER_PROGRAM``): the program and each survey's answer or error."""
    pid = f"burst-{uuid4().hex[:8]}"
    await held_in_real_time(h.programs, pid, people)
    clients = [
        ProgramClient(env.client, h.task_queue, TEST_SIGNER, clock=env.get_current_time)
        for _ in range(apis)
    ]
    answers = await asyncio.gather(
        *(
            clients[n % apis].act(pid, c.SubmitSurvey(actor=t, scores=SCORES))
            for n, t in enumerate(people)
        ),
        return_exceptions=True,
    )
    return pid, list(answers)


def surveyed(h: Harness, pid: str) -> Counter[str]:
    return Counter(
        str(r.payload["trainee"])
        for r in h.db.store.read_stream(f"program-{pid}")
        if r.event_type == "SurveySubmitted"
    )


async def test_a_class_answering_at_once_is_recorded_once_each(
    dev_env: WorkflowEnvironment, database: Database
) -> None:
    async with running_worker(dev_env, database) as h:
        # five API processes together: four times what the server admits in flight
        pid, answers = await answered_through(h, dev_env, 5, CLASS)

        failed = [a for a in answers if isinstance(a, BaseException)]
        assert failed == [], failed[:3]
        assert surveyed(h, pid) == Counter(CLASS)


#: Long enough that, with look-ups as local activities, the dev server's dropped tasks left a
#: worker failing every task of the run ("Missing associated machine for LocalActivity"),
#: within 1,100 to 2,300 history events in trials.
LARGE_CLASS = tuple(f"t{n:03d}" for n in range(600))


async def test_a_long_stream_of_answers_through_several_apis_is_recorded_once_each(
    dev_env: WorkflowEnvironment, database: Database
) -> None:
    """Three API processes, together three times what the server admits in flight, send a
    class of 600 answers without pause; the server drops workflow tasks all along. Every
    answer is recorded once and answered. A client sends an action again for 30 s while the
    server is full (``RESEND_PATIENCE_SECONDS``); at three times the admitted load one may
    still be turned away then, cleanly: refused as "resource exhausted", recorded nowhere."""
    async with running_worker(dev_env, database) as h:
        pid, answers = await answered_through(h, dev_env, 3, LARGE_CLASS)

        failed = [a for a in answers if isinstance(a, BaseException)]
        full = [
            t
            for t, a in zip(LARGE_CLASS, answers, strict=True)
            if isinstance(a, RPCError) and a.status == RPCStatusCode.RESOURCE_EXHAUSTED
        ]
        assert len(failed) == len(full) <= len(LARGE_CLASS) // 50, (len(failed), failed[:3])
        assert surveyed(h, pid) == Counter(t for t in LARGE_CLASS if t not in full)
