"""A program under a steady stream of actions still continues as new: while a run drains, it
refuses new actions as "moving on" (recording nothing), and the client sends them again until
the new run takes them. Before, the drain waited for a moment with no action under way, which a
steady stream never gives: a run's history grew without bound (1,110 events against a limit of
150 in this test) towards Temporal's hard limit, which terminates the run."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import timedelta
from typing import Any, cast
from uuid import uuid4

import pytest
from temporalio.client import Client, WorkflowUpdateFailedError
from temporalio.exceptions import ApplicationError
from temporalio.service import RPCError, RPCStatusCode

from activities.channels import DeliveryFailed
from activities.contracts import MOVING_ON, UNAUTHENTICATED
from activities.outbox import Notification, NotificationService
from domain import commands as c
from domain.proofs import USED_ALREADY
from services import program_client
from services.errors import ActionNotConfirmed
from services.program_client import ActionRefused, ProgramClient
from tests.conftest import TEST_SIGNER, Harness, until
from tests.plans import one_session
from tests.workflows.support import approve_and_publish, held_with, runs

PEOPLE = tuple(f"t{n:03d}" for n in range(240))
SOFT_LIMIT = 150
#: What a draining run may add beyond its limit: the actions it had taken, at most ten in
#: flight (Temporal's own limit), each accepted and completed, and their group's append.
DRAIN_ALLOWANCE = 80


async def run_lengths(h: Harness, program_id: str) -> list[int]:
    """The history length of each run of the program, first run first."""
    return [len(history.events) for history in await runs(h, program_id)]


async def test_a_class_answering_without_pause_keeps_every_run_short(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    pid = f"steady-{uuid4().hex[:8]}"
    start = await h.env.get_current_time() + timedelta(days=1)
    plan = one_session(pid, "Steady stream", start, PEOPLE, evaluation_window_days=30)
    await h.programs.plan(plan, history_soft_limit=SOFT_LIMIT)
    await approve_and_publish(h.programs, pid)
    await until(h.env, start + timedelta(hours=2))
    await held_with(h.programs, pid, PEOPLE)
    refused: Counter[str] = Counter()
    refusal = program_client._refusal

    def counted(error: BaseException) -> ActionRefused:
        refused[(said := refusal(error)).kind] += 1
        return said

    monkeypatch.setattr(program_client, "_refusal", counted)

    answers = await asyncio.gather(
        *(h.programs.act(pid, c.SubmitSurvey(actor=p, scores={"overall": 80.0})) for p in PEOPLE),
        return_exceptions=True,
    )

    assert [a for a in answers if isinstance(a, BaseException)] == []
    lengths = await run_lengths(h, pid)
    assert len(lengths) >= 4, lengths  # the stream went on across several runs
    assert max(lengths) <= SOFT_LIMIT + DRAIN_ALLOWANCE, lengths
    assert refused[MOVING_ON] > 0  # some were refused as "moving on" and sent again
    stream = h.db.store.read_stream(f"program-{pid}")
    surveyed = [str(r.payload["trainee"]) for r in stream if r.event_type == "SurveySubmitted"]
    assert sorted(surveyed) == list(PEOPLE)  # each once: none lost, none twice
    assert [r.stream_version for r in stream] == list(range(1, len(stream) + 1))


class _AlwaysMovingOn:
    """A program that never finishes moving on (to see the client give up)."""

    def __init__(self) -> None:
        self.sent = 0

    async def execute_update(self, *args: Any, **kwargs: Any) -> Any:
        self.sent += 1
        raise WorkflowUpdateFailedError(ApplicationError("moving on", type=MOVING_ON))


async def test_the_client_gives_up_on_a_program_that_never_moves_on(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    programs = ProgramClient(cast(Client, None), "tq")
    stuck = _AlwaysMovingOn()
    monkeypatch.setattr(programs, "_handle", lambda program_id: stuck)
    monkeypatch.setattr(program_client, "RESEND_PATIENCE_SECONDS", 0.3)

    with pytest.raises(ActionRefused) as refused:
        await programs.act("p", c.SubmitSurvey(actor="t1", scores={"overall": 80.0}))

    assert refused.value.kind == MOVING_ON
    assert 3 <= stuck.sent < 20  # sent again after pauses, then given up
    assert programs._turns == {}


class _TurnedAway:
    """A program whose server turns updates away with ``errors``, one a send, then answers."""

    def __init__(
        self,
        *errors: BaseException,
        then: BaseException | None = None,
        taken: bool | BaseException = False,
    ) -> None:
        self.errors = list(errors)
        self.then = then
        """Raised for every send after ``errors`` (else the send is answered)."""
        self.taken = taken
        """The answer to ``nonce_spent`` (raised if an error)."""
        self.sent = 0
        self.ids: set[str] = set()
        self.asked: list[tuple[Any, ...]] = []
        self.nonces: set[str | None] = set()
        """The nonces of the assertions sent (one, however often it was sent)."""

    async def query(self, *args: Any, **kwargs: Any) -> bool:
        self.asked.append(args)
        if isinstance(self.taken, BaseException):
            raise self.taken
        return self.taken

    async def execute_update(self, *args: Any, **kwargs: Any) -> Any:
        self.sent += 1
        self.ids.add(kwargs["id"])
        proof = getattr(args[1], "proof", None)
        self.nonces.add(proof.nonce if proof else None)
        if self.errors:
            raise self.errors.pop(0)
        if self.then is not None:
            raise self.then
        return "answered"


FULL = RPCError(
    "limit on number of concurrent in-flight updates has been reached (10)",
    RPCStatusCode.RESOURCE_EXHAUSTED,
    b"",
)
ABORTED = RPCError("workflow update was aborted", RPCStatusCode.UNAVAILABLE, b"")
#: The run it reached continued as new at that moment (seen in the steady-stream test).
MOVED_ON = RPCError("workflow execution already completed", RPCStatusCode.NOT_FOUND, b"")
MOVED_ON_HERE = RPCError("Completed workflow", RPCStatusCode.NOT_FOUND, b"")  # test server
DOWN = RPCError("connection refused", RPCStatusCode.UNAVAILABLE, b"")


async def test_the_client_sends_again_while_the_server_turns_it_away(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Several API processes may together have more of a program's updates in flight than the
    server admits, and a server under load aborts updates it had not yet handed over; the
    SDK's own retries give up after ten seconds, a person's action should not. An aborted
    update may have been taken (a class trial saw "already submitted" on a send under a new
    id), so every send carries the first one's id."""
    programs = ProgramClient(cast(Client, None), "tq")
    server = _TurnedAway(FULL, ABORTED, MOVED_ON, MOVED_ON_HERE, FULL)
    monkeypatch.setattr(programs, "_handle", lambda program_id: server)

    answer = await programs.act("p", c.SubmitSurvey(actor="t1", scores={"overall": 80.0}))

    assert cast(object, answer) == "answered"
    assert server.sent == 6
    # under one update id: a send the run took (aborted after all) is answered, not run twice
    assert len(server.ids) == 1


@pytest.mark.parametrize(
    "later",
    [
        FULL,  # the patience ends with the server full
        WorkflowUpdateFailedError(ApplicationError("moving on", type=MOVING_ON)),
        # the run took the aborted send, then moved on: the next refuses its spent nonce
        WorkflowUpdateFailedError(
            ApplicationError("unauthenticated: … used already", type=UNAUTHENTICATED)
        ),
        DOWN,  # the server restarting: said at once, but not as "nothing was changed"
    ],
    ids=["full", "moving-on", "nonce-spent", "down"],
)
async def test_a_send_once_aborted_is_never_said_unchanged(
    monkeypatch: pytest.MonkeyPatch, later: BaseException
) -> None:
    """Whatever the last answer, a send the server once aborted may have been recorded: the
    person is told "not confirmed in time, reload to check", never "nothing was changed"."""
    programs = ProgramClient(cast(Client, None), "tq")
    server = _TurnedAway(FULL, ABORTED, then=later)
    monkeypatch.setattr(programs, "_handle", lambda program_id: server)
    monkeypatch.setattr(program_client, "RESEND_PATIENCE_SECONDS", 0.3)

    with pytest.raises(ActionNotConfirmed):
        await programs.act("p", c.SubmitSurvey(actor="t1", scores={"overall": 80.0}))

    assert server.sent >= 3


SPENT = WorkflowUpdateFailedError(
    ApplicationError(f"unauthenticated: {USED_ALREADY}", type=UNAUTHENTICATED)
)


@pytest.mark.parametrize(
    ("later", "taken", "said"),
    [
        # the run took it and continued as new before its outcome was read; the SDK sent it
        # on to the next run, full until the patience ended: not "server full"
        (FULL, True, ActionNotConfirmed),
        (FULL, False, RPCError),  # truly not taken: "server full"
        (FULL, RPCError("deadline", RPCStatusCode.DEADLINE_EXCEEDED, b""), ActionNotConfirmed),
        (
            WorkflowUpdateFailedError(ApplicationError("moving on", type=MOVING_ON)),
            True,
            ActionNotConfirmed,
        ),
        (
            WorkflowUpdateFailedError(ApplicationError("moving on", type=MOVING_ON)),
            False,
            ActionRefused,
        ),
        # ... or the next run took the resend and refused its own spent nonce: not a refusal
        (SPENT, False, ActionNotConfirmed),
    ],
    ids=[
        "full-taken",
        "full-not-taken",
        "full-unknown",
        "moving-on-taken",
        "moving-on-not-taken",
        "own-nonce-spent",
    ],
)
async def test_a_send_a_run_took_unconfirmed_is_never_said_unchanged(
    monkeypatch: pytest.MonkeyPatch,
    later: BaseException,
    taken: bool | BaseException,
    said: type[BaseException],
) -> None:
    """Nothing was aborted, yet the action may have been taken: the server's answers left it
    unknown. Before saying "server full" or "moving on" the client asks the program whether it
    spent the action's nonce, and says "server full" only of what it did not take (a loaded
    CI run of the burst test saw people told "server full" whose answers were recorded)."""
    programs = ProgramClient(cast(Client, None), "tq", TEST_SIGNER)
    server = _TurnedAway(FULL, then=later, taken=taken)
    monkeypatch.setattr(programs, "_handle", lambda program_id: server)
    monkeypatch.setattr(program_client, "RESEND_PATIENCE_SECONDS", 0.3)

    with pytest.raises(said) as caught:
        await programs.act("p", c.SubmitSurvey(actor="t1", scores={"overall": 80.0}))

    assert type(caught.value) is said
    if later is SPENT:
        assert server.asked == []  # its nonce is its own: spent means taken, nothing to ask
    else:
        assert [nonce for _, nonce in server.asked] == list(server.nonces)  # asked of its own
        assert None not in server.nonces


async def test_a_keyed_send_once_aborted_gets_the_refusal_of_its_spent_nonce(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A keyed request's caller (``services.request_keys``) reads its first answer from the
    log when the next run refuses its nonce as used already: it needs that refusal."""
    programs = ProgramClient(cast(Client, None), "tq")
    spent = ApplicationError("unauthenticated: … used already", type=UNAUTHENTICATED)
    server = _TurnedAway(ABORTED, then=WorkflowUpdateFailedError(spent))
    monkeypatch.setattr(programs, "_handle", lambda program_id: server)

    with pytest.raises(ActionRefused) as refused:
        await programs.act(
            "p", c.SubmitSurvey(actor="t1", scores={"overall": 80.0}), nonce="0" * 32
        )
    assert refused.value.kind == UNAUTHENTICATED


async def test_a_server_that_cannot_be_reached_is_said_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    programs = ProgramClient(cast(Client, None), "tq")
    server = _TurnedAway(DOWN)
    monkeypatch.setattr(programs, "_handle", lambda program_id: server)

    with pytest.raises(RPCError, match="connection refused"):
        await programs.act("p", c.SubmitSurvey(actor="t1", scores={"overall": 80.0}))
    assert server.sent == 1


async def test_a_notice_that_cannot_go_out_does_not_stop_the_actions(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A run past its limit waits for its notices before it continues as new; while a channel
    is down that wait lasts, and the program's actions must still be taken meanwhile (only
    the last moment, while the actions under way finish, refuses new ones as moving on)."""
    h = harness
    monkeypatch.setattr(program_client, "RESEND_PATIENCE_SECONDS", 1.0)  # refusals said soon
    send = NotificationService.send

    def down(self: NotificationService, notification: Notification, attempt: int = 1) -> str:
        raise DeliveryFailed("the mail server is down")

    pid = f"down-{uuid4().hex[:8]}"
    start = await h.env.get_current_time() + timedelta(days=10)
    await h.programs.plan(one_session(pid, "Down", start, ("t1",)), history_soft_limit=20)
    monkeypatch.setattr(NotificationService, "send", down)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))  # its notice to "boss" waits

    approved = await h.programs.act(pid, c.ApproveProgram(actor="boss"))
    published = await h.programs.act(pid, c.PublishProgram(actor="spec"))
    enrolled = [
        await h.programs.act(pid, c.EnrollTrainee(actor="spec", trainee=f"late{n}"))
        for n in range(3)
    ]

    assert (approved.status, published.status) == ("approved", "published")
    assert [e.events for e in enrolled] == [("TraineeEnrolled",)] * 3
    held = await run_lengths(h, pid)
    assert held[-1] > 20  # the run is past its limit, held by its notices, and still acts
    monkeypatch.setattr(NotificationService, "send", send)
    await h.env.sleep(timedelta(minutes=15))  # the notices' next retries; then it moves on
    await h.programs.act(pid, c.EnrollTrainee(actor="spec", trainee="later"))
    assert len(await run_lengths(h, pid)) > len(held)


async def test_an_aborted_update_is_not_said_unchanged() -> None:
    """After the client's patience an aborted update may have been taken: the person is told
    to reload and check, not that nothing was changed (as for a server that refused)."""
    from services.errors import TemporalTimeout, TemporalUnavailable, temporal_errors

    with pytest.raises(TemporalTimeout):
        async with temporal_errors("the survey of 'p'"):
            raise ABORTED
    with pytest.raises(TemporalTimeout):
        async with temporal_errors("the survey of 'p'"):
            raise ActionNotConfirmed("the program took it, its outcome unread")
    with pytest.raises(TemporalUnavailable):
        async with temporal_errors("the survey of 'p'"):
            raise FULL


async def test_a_program_that_does_not_exist_is_said_at_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    programs = ProgramClient(cast(Client, None), "tq")
    server = _TurnedAway(RPCError("workflow not found for ID: p", RPCStatusCode.NOT_FOUND, b""))
    monkeypatch.setattr(programs, "_handle", lambda program_id: server)

    with pytest.raises(ActionRefused, match="does not exist or is no longer running"):
        await programs.act("p", c.SubmitSurvey(actor="t1", scores={"overall": 80.0}))
    assert server.sent == 1


async def test_an_operator_moves_a_program_to_a_new_run(harness: Harness) -> None:
    """``move_to_new_run`` (the Temporal CLI's ``workflow signal``): the program continues as
    new at once, with its state, and goes on; its reminders are still due."""
    h = harness
    pid = f"renew-{uuid4().hex[:8]}"
    start = await h.env.get_current_time() + timedelta(days=10)
    await h.programs.plan(one_session(pid, "Renew", start, ("t1", "t2")))
    assert await approve_and_publish(h.programs, pid) == "published"
    before = await h.programs.state(pid)
    handle = h.env.client.get_workflow_handle(pid)

    await handle.signal("move_to_new_run")
    for _ in range(100):  # the signal wakes the run; it moves on within a few tasks
        if len(await runs(h, pid)) == 2:
            break
        await asyncio.sleep(0.05)
    assert len(await runs(h, pid)) == 2

    assert await h.programs.state(pid) == before
    enrolled = await h.programs.act(pid, c.EnrollTrainee(actor="spec", trainee="t3"))
    assert enrolled.events == ("TraineeEnrolled",)
    await until(h.env, start)  # both reminders, from the new run
    reminders = [
        (r.payload["kind"], r.payload.get("recipient_count"))
        for r in h.db.store.read_stream(f"program-{pid}")
        if r.event_type == "ReminderSent"
    ]
    assert reminders == [("prepare_materials", 1), ("attend_session", 3)]
