"""A program's trainees answering together are decided as groups (``workflows.group_commit``):
fewer appends than actions, each action its own answer, a refusal only its own, a person never
twice in a group, every event once in the log, and the history replays."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any, cast
from uuid import uuid4

import pytest
from temporalio.api.enums.v1 import EventType

from activities.contracts import APPEND_EVENTS
from domain import commands as c
from domain.commands import ProgramCommand
from domain.events import Session
from services.program_client import ActionRefused
from tests.conftest import Harness, until
from tests.workflows.support import held_with, published_for
from tests.workflows.test_facts import replayer
from workflows.group_commit import GROUP_COMMIT, GroupCommit, Ticket
from workflows.inputs import ActionResult

TRAINEES = tuple(f"t{n:02d}" for n in range(12))
SCORES = {"overall": 80.0, "content": 70.0}


async def evaluated(h: Harness, attended: tuple[str, ...]) -> str:
    """A program for ``TRAINEES``, held with ``attended`` there, its evaluation open."""
    pid = f"g-{uuid4().hex[:8]}"
    start = await h.env.get_current_time() + timedelta(days=1)
    await published_for(
        h,
        pid,
        "Group commit",
        TRAINEES,
        start,
        sessions=(Session(session_id="s1", starts_at=start, duration_hours=2),),
        evaluation_window_days=30,
    )
    await until(h.env, start + timedelta(hours=2))
    await held_with(h.programs, pid, attended)
    return pid


async def together(h: Harness, pid: str, commands: list[Any]) -> list[Any]:
    """Send ``commands`` at once, as people would; each one's answer or refusal."""
    return await asyncio.gather(
        *(h.programs.act(pid, command) for command in commands), return_exceptions=True
    )


async def appends_and_markers(h: Harness, pid: str) -> tuple[int, list[str]]:
    """How many appends the run scheduled and the patches it took."""
    history = await h.env.client.get_workflow_handle(pid).fetch_history()
    appends, patches = 0, []
    for event in history.events:
        if event.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED:
            name = event.activity_task_scheduled_event_attributes.activity_type.name
            appends += name == APPEND_EVENTS
        elif event.event_type == EventType.EVENT_TYPE_MARKER_RECORDED:
            attributes = event.marker_recorded_event_attributes
            if attributes.marker_name == "core_patch":
                patches.append(attributes.SerializeToString().decode(errors="replace"))
    return appends, patches


def surveys(h: Harness, pid: str) -> Counter[str]:
    return Counter(
        str(r.payload["trainee"])
        for r in h.db.store.read_stream(f"program-{pid}")
        if r.event_type == "SurveySubmitted"
    )


async def test_trainees_answering_together_are_appended_in_groups(harness: Harness) -> None:
    h = harness
    pid = await evaluated(h, TRAINEES)
    before, _ = await appends_and_markers(h, pid)

    answers = await together(h, pid, [c.SubmitSurvey(actor=t, scores=SCORES) for t in TRAINEES])

    assert all(isinstance(a, ActionResult) for a in answers), answers
    assert {a.events for a in answers} == {("SurveySubmitted",)}
    assert surveys(h, pid) == Counter(TRAINEES)  # each once
    after, patches = await appends_and_markers(h, pid)
    assert GROUP_COMMIT in str(patches)
    assert 1 <= after - before < len(TRAINEES)  # groups, not one append an action
    # every answer reads its own write: its event is at or before the position it was given
    positions = {
        str(r.payload["trainee"]): r.position
        for r in h.db.store.read_stream(f"program-{pid}")
        if r.event_type == "SurveySubmitted"
    }
    for trainee, answer in zip(TRAINEES, answers, strict=True):
        assert positions[trainee] <= answer.last_position
    history = await h.env.client.get_workflow_handle(pid).fetch_history()
    replayed = await replayer().replay_workflow(history, raise_on_replay_failure=False)
    assert replayed.replay_failure is None


async def test_a_refusal_in_a_group_is_its_own(harness: Harness) -> None:
    h = harness
    present, absent = TRAINEES[:8], TRAINEES[8:]
    pid = await evaluated(h, present)
    commands: list[Any] = [c.SubmitSurvey(actor=t, scores=SCORES) for t in TRAINEES]
    commands.append(c.SubmitSurvey(actor="stranger", scores=SCORES))

    answers = await together(h, pid, commands)

    by_actor = dict(zip([*TRAINEES, "stranger"], answers, strict=True))
    for trainee in present:
        assert isinstance(by_actor[trainee], ActionResult), by_actor[trainee]
    for person in (*absent, "stranger"):
        assert isinstance(by_actor[person], ActionRefused), by_actor[person]
        assert person in str(by_actor[person])
    assert surveys(h, pid) == Counter(present)  # a refusal records nothing


def test_a_group_names_each_person_once() -> None:
    waiting = GroupCommit()
    commands: list[ProgramCommand] = [
        c.SubmitSurvey(actor="t00", scores=SCORES),
        c.SubmitSurvey(actor="t01", scores=SCORES),
        c.SubmitSurvey(actor="t00", scores=SCORES),
        c.RecordExamScore(actor="spec", trainee="t01", score=70, evidence="DOC-1"),
        c.RecordExamScore(actor="spec", trainee="t02", score=70, evidence="DOC-1"),
        c.ConfirmExamScore(actor="t02", trainee="t03"),
    ]
    waiting._waiting = [Ticket(command) for command in commands]

    first = [t.command for t in waiting._take_group()]
    second = [t.command for t in waiting._take_group()]

    assert first == [commands[0], commands[1], commands[4]]
    assert second == [commands[2], commands[3], commands[5]]
    assert waiting._waiting == []


async def test_a_person_twice_at_once_is_recorded_once(harness: Harness) -> None:
    h = harness
    pid = await evaluated(h, TRAINEES)
    # one action first, so the rest wait for the lock together and make one group
    first = asyncio.ensure_future(h.programs.act(pid, c.SubmitSurvey(actor="t11", scores=SCORES)))
    await asyncio.sleep(0.05)
    twice = [c.SubmitSurvey(actor="t00", scores=SCORES) for _ in range(3)]
    others = [c.SubmitSurvey(actor=t, scores=SCORES) for t in TRAINEES[1:6]]

    answers = await together(h, pid, [*twice, *others])

    assert isinstance(await first, ActionResult)
    own = answers[:3]
    assert sum(isinstance(a, ActionResult) for a in own) == 1, own
    refused = [a for a in own if isinstance(a, ActionRefused)]
    assert len(refused) == 2 and all("already" in str(a) for a in refused), refused
    assert all(isinstance(a, ActionResult) for a in answers[3:])
    assert surveys(h, pid) == Counter((*TRAINEES[:6], "t11"))


async def test_scores_recorded_together_each_count_once(harness: Harness) -> None:
    h = harness
    pid = await evaluated(h, TRAINEES)
    commands = [
        c.RecordExamScore(actor="spec", trainee=t, score=50 + n, evidence="DOC-7")
        for n, t in enumerate(TRAINEES)
    ]

    answers = await together(h, pid, commands)

    assert all(isinstance(a, ActionResult) for a in answers), answers
    scores = {
        str(r.payload["trainee"]): r.payload["score"]
        for r in h.db.store.read_stream(f"program-{pid}")
        if r.event_type == "ExamSubmitted"
    }
    assert scores == {t: 50.0 + n for n, t in enumerate(TRAINEES)}
    with pytest.raises(ActionRefused, match="already"):
        await h.programs.act(pid, commands[0])


def test_a_group_takes_no_action_that_arrived_after_work_waiting_for_its_turn() -> None:
    waiting = GroupCommit()
    waiting._in_arrival_order = True
    waiting._barriers = {3}  # e.g. feedback that closes the program, queued third
    tickets = [
        Ticket(c.SubmitSurvey(actor=t, scores=SCORES), arrived=n)
        for t, n in (("t00", 1), ("t01", 2), ("t02", 4))
    ]
    waiting._waiting = list(tickets)

    assert waiting._take_group() == tickets[:2]
    assert waiting._waiting == tickets[2:]
    waiting._barriers = set()  # its turn came and went
    assert waiting._take_group() == tickets[2:]


class FailsMidway(GroupCommit):
    """A group whose look-up fails after the first action was decided and folded."""

    async def _decide_and_append(self, group: list[Ticket]) -> None:
        group[0].decided = ["decided"]
        self._state = "folded"  # type: ignore[assignment]
        raise RuntimeError("the roster look-up was refused")


async def test_a_group_that_fails_midway_answers_every_action_and_folds_nothing() -> None:
    waiting = FailsMidway()
    waiting._barriers = set()
    waiting._state = "before"  # type: ignore[assignment]
    tickets = [Ticket(c.SubmitSurvey(actor=t, scores=SCORES)) for t in ("t00", "t01", "t02")]
    waiting._waiting = list(tickets)

    await waiting._commit_group()

    assert all(t.done and isinstance(t.error, RuntimeError) for t in tickets)
    assert cast(object, waiting._state) == "before"
    assert waiting._waiting == []
