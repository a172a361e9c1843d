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
from services.errors import ActionNotConfirmed
from services.program_client import RESEND_PATIENCE_SECONDS, ActionRefused, ProgramClient
from tests.conftest import TEST_SIGNER, Harness, running_worker
from tests.workflows.support import held_in_real_time

CLASS = tuple(f"t{n:02d}" for n in range(40))
SCORES = {"overall": 80.0, "content": 75.0}


async def answered_through(
    h: Harness, env: WorkflowEnvironment, apis: int, people: tuple[str, ...]
) -> tuple[str, list[object]]:
    """A program held in real time for ``people`` whose surveys are all sent at once through
    ``apis`` clients (API processes), each keeping eight of a program's actions in flight
    (``IN_FLIGHT_PER_PROGRAM``): the program and each survey's answer or error. A client
    that turns a person away does so only after its patience (whatever the machine's speed:
    a client that gave up early would otherwise pass, its people sending again)."""
    pid = f"burst-{uuid4().hex[:8]}"
    await held_in_real_time(h.programs, pid, people)
    clients = [
        ProgramClient(env.client, h.task_queue, TEST_SIGNER, clock=env.get_current_time)
        for _ in range(apis)
    ]
    loop = asyncio.get_running_loop()

    async def answer(client: ProgramClient, trainee: str) -> object:
        sent = loop.time()
        try:
            return await client.act(pid, c.SubmitSurvey(actor=trainee, scores=SCORES))
        except ActionNotConfirmed as exc:
            return exc
        except RPCError as exc:
            waited = loop.time() - sent
            assert waited >= RESEND_PATIENCE_SECONDS, (trainee, round(waited, 2), exc)
            return exc

    answers = await asyncio.gather(
        *(answer(clients[n % apis], t) for n, t in enumerate(people)), return_exceptions=True
    )
    for a in answers:
        if isinstance(a, AssertionError):
            raise a
    return pid, list(answers)


def surveyed(h: Harness, pid: str) -> Counter[str]:
    return Counter(
        str(r.payload["trainee"])
        for r in h.db.store.read_stream(f"program-{pid}")
        if r.event_type == "SurveySubmitted"
    )


def said_clearly(
    people: tuple[str, ...], answers: list[object]
) -> tuple[set[str], set[str], list[object]]:
    """Those turned away as "server full" (recorded nowhere), those "not confirmed" (the
    server aborted their update, or a run took it and moved on before its outcome was read:
    perhaps recorded), and any other failure (a defect)."""
    full: set[str] = set()
    unsure: set[str] = set()
    other: list[object] = []
    for person, answer in zip(people, answers, strict=True):
        if isinstance(answer, RPCError) and answer.status == RPCStatusCode.RESOURCE_EXHAUSTED:
            full.add(person)
        elif isinstance(answer, ActionNotConfirmed):
            unsure.add(person)
        elif isinstance(answer, BaseException):
            other.append(answer)
    return full, unsure, other


async def sent_again(h: Harness, pid: str, full: set[str], unsure: set[str]) -> None:
    """What people told "server full" or "reload to check" do: send their answer again (a new
    request). "Already submitted" is right only for someone ever told "reload to check" (an
    unconfirmed answer that was recorded); "server full" is said only of what was not taken."""
    ever_unsure = set(unsure)
    people = full | unsure
    for _ in range(5):
        order = sorted(people)
        answers = await asyncio.gather(
            *(h.programs.act(pid, c.SubmitSurvey(actor=t, scores=SCORES)) for t in order),
            return_exceptions=True,
        )
        full, unsure, other = said_clearly(tuple(order), list(answers))
        ever_unsure |= unsure
        refused = {t for t, a in zip(order, answers, strict=True) if a in other}
        assert refused <= ever_unsure, sorted(refused - ever_unsure)[:3]
        assert all(
            isinstance(a, ActionRefused) and a.code == "program.survey_already_submitted"
            for a in other
        ), other[:3]
        assert not (full - ever_unsure) & set(surveyed(h, pid))
        people = full | unsure
        if not people:
            return
    raise AssertionError(f"still turned away after five tries: {sorted(people)[:5]}")


async def recorded_once_each(
    h: Harness, pid: str, people: tuple[str, ...], answers: list[object]
) -> None:
    """Every answer was recorded once and answered, or said clearly and sent again; nobody is
    refused for a record their own answer made ("already submitted"), none is recorded twice.
    How many are turned away after the client's 30 s patience depends on the machine's load (a
    loaded CI machine saw hundreds of 600 aborted by the dev server), so it is not asserted."""
    full, unsure, other = said_clearly(people, answers)
    assert other == [], other[:3]
    recorded = surveyed(h, pid)
    assert set(recorded.values()) <= {1}, recorded.most_common(3)
    assert set(recorded) >= set(people) - full - unsure
    assert not full & set(recorded)  # "server full" is said only of what was not taken

    await sent_again(h, pid, full, unsure)

    assert surveyed(h, pid) == Counter(people)


async def test_a_class_answering_at_once_is_recorded_once_each(
    dev_env: WorkflowEnvironment, database: Database
) -> None:
    async with running_worker(dev_env, database) as h:
        # five API processes together: four times what the server admits in flight
        pid, answers = await answered_through(h, dev_env, 5, CLASS)

        await recorded_once_each(h, pid, CLASS, answers)


#: Long enough that, with look-ups as local activities, the dev server's dropped tasks left a
#: worker failing every task of the run ("Missing associated machine for LocalActivity"),
#: within 1,100 to 2,300 history events in two trials (6 December): a program stuck so fails
#: the resend of those turned away. In four later trials with local look-ups none stuck; they
#: were only slow (1-8 minutes against 20-60 s), which is not asserted.
LARGE_CLASS = tuple(f"t{n:03d}" for n in range(600))


async def test_a_long_stream_of_answers_through_several_apis_is_recorded_once_each(
    dev_env: WorkflowEnvironment, database: Database
) -> None:
    """Three API processes, together three times what the server admits in flight, send a
    class of 600 answers without pause; the server drops workflow tasks and aborts updates all
    along. A client sends an action again for 30 s while the server is full or aborted it
    (``RESEND_PATIENCE_SECONDS``); after that it says so, cleanly."""
    async with running_worker(dev_env, database) as h:
        pid, answers = await answered_through(h, dev_env, 3, LARGE_CLASS)

        await recorded_once_each(h, pid, LARGE_CLASS, answers)
