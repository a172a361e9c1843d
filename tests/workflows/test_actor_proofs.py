"""Nobody acts in someone else's name through the Temporal port: every update and every plan
needs an actor assertion signed by a key published in the log, and a refusal records nothing."""

from __future__ import annotations

import base64
from datetime import datetime, timedelta
from uuid import UUID
from zoneinfo import ZoneInfo

import pytest
from temporalio.client import WorkflowUpdateFailedError

from domain import commands as c
from domain.proofs import ActorAssertion, TrustedKey, signed_bytes, verify_signature
from services.program_client import ActionRefused, ProgramClient
from services.signing import Signer
from tests.conftest import TEST_SIGNER, Harness
from tests.plans import TZ
from tests.workflows.support import runs, safety_basics
from workflows.program import TrainingProgramWorkflow


async def _plan_command(h: Harness, program_id: str) -> c.PlanProgram:
    now = (await h.env.get_current_time()).astimezone(ZoneInfo(TZ))
    start = datetime.combine((now + timedelta(days=20)).date(), datetime.min.time(), now.tzinfo)
    return safety_basics(program_id, start.replace(hour=10), ("emp.1", "emp.2"))


async def _submitted(h: Harness, program_id: str) -> int:
    """Plan and submit the program: its stream's version then."""
    await h.programs.plan(await _plan_command(h, program_id))
    await h.programs.act(program_id, c.SubmitProgram(actor="spec.li"))
    return _version(h, program_id)


def _version(h: Harness, program_id: str) -> int:
    return h.db.store.stream_version(f"program-{program_id}")


async def _refused(h: Harness, program_id: str, payload: object) -> str:
    """Send ``payload`` as a raw ``act`` update, as anyone with the Temporal port could."""
    handle = h.env.client.get_workflow_handle(program_id)
    with pytest.raises(WorkflowUpdateFailedError) as caught:
        await handle.execute_update("act", payload)
    cause = caught.value.cause
    return str(getattr(cause, "message", cause))


async def test_a_raw_update_without_an_assertion_is_refused_and_records_nothing(
    harness: Harness,
) -> None:
    h = harness
    before = await _submitted(h, "p-raw")
    reason = await _refused(h, "p-raw", {"kind": "approve", "actor": "mgr.wang"})
    assert "unauthenticated" in reason and "no actor assertion" in reason
    assert _version(h, "p-raw") == before
    state = await h.programs.state("p-raw")
    assert state.status.value == "submitted"


async def test_an_assertion_for_someone_else_another_program_or_content_is_refused(
    harness: Harness,
) -> None:
    h = harness
    before = await _submitted(h, "p-forge")
    now = await h.env.get_current_time()
    approve = c.ApproveProgram(actor="mgr.wang", comment="fine")
    genuine = TEST_SIGNER.assertion("mgr.wang", "p-forge", approve, now=now)

    # A signed approval by someone else, relabelled with the approver's name.
    by_other = TEST_SIGNER.assertion("intruder", "p-forge", approve, now=now)
    reason = await _refused(h, "p-forge", {**approve.model_dump(mode="json"), "proof": by_other})
    assert "is for 'intruder'" in reason
    # The approver's assertion for another program.
    elsewhere = TEST_SIGNER.assertion("mgr.wang", "p-other", approve, now=now)
    reason = await _refused(h, "p-forge", {**approve.model_dump(mode="json"), "proof": elsewhere})
    assert "for program 'p-other'" in reason
    # The genuine assertion with a changed comment (payload digest no longer matches).
    changed = {**approve.model_dump(mode="json"), "comment": "rubber stamp", "proof": genuine}
    reason = await _refused(h, "p-forge", changed)
    assert "differs from what was signed" in reason
    # A forged signature.
    forged = genuine.model_copy(update={"actor": "mgr.wang", "signature": "A" * 86})
    reason = await _refused(h, "p-forge", {**approve.model_dump(mode="json"), "proof": forged})
    assert "signature does not verify" in reason
    # A key the log never published.
    rogue = Signer.generate().assertion("mgr.wang", "p-forge", approve, now=now)
    reason = await _refused(h, "p-forge", {**approve.model_dump(mode="json"), "proof": rogue})
    assert "unknown signing key" in reason
    assert _version(h, "p-forge") == before


async def test_expired_and_replayed_assertions_are_refused(harness: Harness) -> None:
    h = harness
    await h.programs.plan(await _plan_command(h, "p-replay"))
    now = await h.env.get_current_time()
    revise = c.ReviseProgram(
        actor="spec.li",
        **(await _plan_command(h, "p-replay")).model_dump(
            include={"title", "planned_date", "sessions", "trainees"}
        ),
    )
    stale = TEST_SIGNER.assertion("spec.li", "p-replay", revise, now=now - timedelta(minutes=6))
    reason = await _refused(h, "p-replay", {**revise.model_dump(mode="json"), "proof": stale})
    assert "expired" in reason

    fresh = TEST_SIGNER.assertion("spec.li", "p-replay", revise, now=now)
    payload = {**revise.model_dump(mode="json"), "proof": fresh.model_dump(mode="json")}
    handle = h.env.client.get_workflow_handle("p-replay")
    await handle.execute_update(TrainingProgramWorkflow.act, payload)
    version = _version(h, "p-replay")
    reason = await _refused(h, "p-replay", payload)  # the same request, captured and resent
    assert "used already" in reason
    assert _version(h, "p-replay") == version


async def test_a_replayed_assertion_is_refused_after_the_program_continued_as_new(
    harness: Harness,
) -> None:
    """Spent nonces are carried to the next run (as digests, ``domain.nonces``): a request
    captured before the run continued as new is refused after it, and records nothing."""
    h = harness
    plan = await _plan_command(h, "p-later")
    await h.programs.plan(plan, history_soft_limit=20)
    content = plan.model_dump(include={"planned_date", "sessions", "trainees"})
    revise = c.ReviseProgram(actor="spec.li", title="First", **content)
    fresh = TEST_SIGNER.assertion("spec.li", "p-later", revise, now=await h.env.get_current_time())
    payload = {**revise.model_dump(mode="json"), "proof": fresh.model_dump(mode="json")}
    handle = h.env.client.get_workflow_handle("p-later")
    await handle.execute_update(TrainingProgramWorkflow.act, payload)
    for n in range(6):  # enough history for the run to continue as new
        await h.programs.act("p-later", revise.model_copy(update={"title": f"Take {n}"}))
    assert len(await runs(h, "p-later")) > 1
    version = _version(h, "p-later")

    reason = await _refused(h, "p-later", payload)  # captured in the first run, resent now

    assert "used already" in reason
    assert _version(h, "p-later") == version
    # what a client asks when the server's answers left unknown whether its action was taken
    assert await handle.query(TrainingProgramWorkflow.nonce_spent, fresh.nonce) is True
    unused = TEST_SIGNER.assertion("spec.li", "p-later", revise, now=fresh.issued_at)
    assert await handle.query(TrainingProgramWorkflow.nonce_spent, unused.nonce) is False


async def test_an_assertion_without_a_time_zone_is_refused_and_the_program_goes_on(
    harness: Harness,
) -> None:
    """A review found that a captured assertion with its ``Z`` removed still verified on a
    UTC host (the time is signed as read in the host's zone), and a naive time among the
    spent nonces failed every later workflow task of the program."""
    h = harness
    await _submitted(h, "p-naive")
    approve = c.ApproveProgram(actor="mgr.wang")
    fresh = TEST_SIGNER.assertion(
        "mgr.wang", "p-naive", approve, now=await h.env.get_current_time()
    )
    proof = fresh.model_dump(mode="json")
    naive = {**proof, "issued_at": proof["issued_at"].removesuffix("Z")}
    version = _version(h, "p-naive")

    reason = await _refused(h, "p-naive", {**approve.model_dump(mode="json"), "proof": naive})

    assert "timezone" in reason.lower() or "time zone" in reason.lower(), reason
    assert _version(h, "p-naive") == version
    approved = await h.programs.act("p-naive", approve)
    assert approved.status == "approved"


async def test_a_plan_without_a_valid_assertion_starts_nothing(harness: Harness) -> None:
    h = harness
    unsigned = ProgramClient(h.env.client, h.task_queue)  # anyone with the Temporal port
    with pytest.raises(ActionRefused, match="unauthenticated: no actor assertion"):
        await unsigned.plan(await _plan_command(h, "p-unsigned"))
    assert _version(h, "p-unsigned") == 0

    rogue = ProgramClient(h.env.client, h.task_queue, Signer.generate(), h.env.get_current_time)
    with pytest.raises(ActionRefused, match="unknown signing key"):
        await rogue.plan(await _plan_command(h, "p-rogue"))
    assert _version(h, "p-rogue") == 0


async def test_every_recorded_action_keeps_a_proof_an_auditor_can_check(harness: Harness) -> None:
    h = harness
    await _submitted(h, "p-kept")
    await h.programs.act("p-kept", c.ApproveProgram(actor="mgr.wang", comment="ok"))
    published = [r.payload for r in h.db.store.read_stream("signing-keys")]
    keys = {
        p["key_id"]: TrustedKey(p["key_id"], base64.b64decode(p["public_key"])) for p in published
    }
    events = h.db.store.read_stream("program-p-kept")
    carriers = {r.event_id: r for r in events if "proof" in r.metadata}
    assert {r.metadata["proof"]["command"].get("kind", "plan") for r in carriers.values()} == {
        "plan",
        "submit",
        "approve",
    }
    for row in events:
        if row.metadata["role"] == "system":
            continue
        carrier = row if "proof" in row.metadata else carriers[_uuid(row.metadata["proved_by"])]
        assertion = ActorAssertion.model_validate(carrier.metadata["proof"]["assertion"])
        verify_signature(assertion, keys)  # raises if the proof does not hold
        assert assertion.actor == row.metadata["actor"] == carrier.metadata["actor"]
        assert signed_bytes(assertion).startswith(b"trainops-actor-assertion-v1\n")


def _uuid(text: str) -> UUID:
    return UUID(text)
