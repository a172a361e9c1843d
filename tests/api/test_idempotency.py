"""A retried request with the same Idempotency-Key returns the first outcome and acts once."""

from __future__ import annotations

from functools import partial

import pytest

from projections import queries
from tests.api.conftest import World, plan_body
from tests.workflows.support import runs


def _types(world: World, program_id: str) -> list[str]:
    return [r.event_type for r in world.h.db.store.read_stream(f"program-{program_id}")]


async def test_a_retried_action_is_recorded_once(world: World) -> None:
    async with world.client("spec.li") as li:
        body = await plan_body(world.h, "idem-1")
        key = {"Idempotency-Key": "plan-7f3c"}
        first = await li.post("/api/v1/programs", json=body, headers=key)
        assert first.status_code == 201, first.text
        again = await li.post("/api/v1/programs", json=body, headers=key)
        assert again.status_code == 201, again.text
        assert again.json()["last_position"] == first.json()["last_position"]
        unkeyed = await li.post("/api/v1/programs", json=body)
        assert unkeyed.status_code == 409  # without a key, a second plan is a conflict
        other = await li.post("/api/v1/programs", json={**body, "title": "Another"}, headers=key)
        assert other.status_code == 409  # a different plan under the same id is not a retry

        submit_key = {"Idempotency-Key": "submit-1"}
        submitted = await li.post("/api/v1/programs/idem-1/submit", headers=submit_key)
        assert submitted.status_code == 200, submitted.text
        resent = await li.post("/api/v1/programs/idem-1/submit", headers=submit_key)
        assert resent.status_code == 200, resent.text
        assert resent.json()["last_position"] == submitted.json()["last_position"]
        assert _types(world, "idem-1").count("ProgramSubmitted") == 1
        refused = await li.post("/api/v1/programs/idem-1/submit")
        assert refused.status_code == 403  # a new request (no key) is a second submission
        # The submit's key sent with a withdraw is the withdraw's own request: it happens.
        withdrawn = await li.post("/api/v1/programs/idem-1/withdraw", headers=submit_key)
        assert withdrawn.status_code == 200, withdrawn.text
        assert withdrawn.json()["status"] == "draft"
        assert _types(world, "idem-1").count("SubmissionWithdrawn") == 1

        bad = await li.post("/api/v1/programs/idem-1/withdraw", headers={"Idempotency-Key": ""})
        assert bad.status_code == 422


async def test_a_retry_after_the_program_continued_as_new_gets_the_first_answer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Temporal answers a retried update by its id only within one run; after the program
    continued as new, the retry is recognised by its key's nonce (spent, and in the first
    answer's proof in the log) and answered as the first time, recording nothing."""
    plan = world.programs.plan
    monkeypatch.setattr(world.programs, "plan", partial(plan, history_soft_limit=20))
    body = await plan_body(world.h, "idem-can")
    revise = {k: body[k] for k in ("planned_date", "trainees", "sessions")}
    key = {"Idempotency-Key": "revise-1"}
    async with world.client("spec.li") as li:
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        first = await li.post(
            "/api/v1/programs/idem-can/revise", json=revise | {"title": "First"}, headers=key
        )
        assert first.status_code == 200, first.text
        for n in range(6):  # enough history for the run to continue as new
            taken = await li.post(
                "/api/v1/programs/idem-can/revise", json=revise | {"title": f"Take {n}"}
            )
            assert taken.status_code == 200, taken.text
        assert len(await runs(world.h, "idem-can")) > 1
        recorded = _types(world, "idem-can")

        again = await li.post(
            "/api/v1/programs/idem-can/revise", json=revise | {"title": "First"}, headers=key
        )

    assert again.status_code == 200, again.text
    assert _types(world, "idem-can") == recorded  # nothing recorded twice
    same = ("stream_version", "last_position", "events")
    assert {k: again.json()[k] for k in same} == {k: first.json()[k] for k in same}


async def test_a_retry_of_the_action_that_ended_the_program_gets_the_first_answer(
    world: World,
) -> None:
    """A cancel whose answer was lost is sent again: the program has ended (its workflow is
    gone), and the retry is answered from the log as the first time, recording nothing; a new
    cancel (another key, or none) is refused as the rules say."""
    async with world.client("spec.li") as li:
        assert (
            await li.post("/api/v1/programs", json=await plan_body(world.h, "idem-end"))
        ).status_code == 201
        key = {"Idempotency-Key": "cancel-1"}
        reason = {"reason": "room flooded"}
        first = await li.post("/api/v1/programs/idem-end/cancel", json=reason, headers=key)
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "cancelled"
        recorded = _types(world, "idem-end")

        again = await li.post("/api/v1/programs/idem-end/cancel", json=reason, headers=key)
        other = await li.post(
            "/api/v1/programs/idem-end/cancel", json=reason, headers={"Idempotency-Key": "c-2"}
        )
        unkeyed = await li.post("/api/v1/programs/idem-end/cancel", json=reason)
        withdraw = await li.post("/api/v1/programs/idem-end/withdraw", headers=key)

    assert again.status_code == 200, again.text
    same = ("status", "stream_version", "last_position", "events")
    assert {k: again.json()[k] for k in same} == {k: first.json()[k] for k in same}
    assert other.status_code == unkeyed.status_code == 403, (other.text, unkeyed.text)
    assert withdraw.status_code == 403, withdraw.text  # the key names the cancel, not this
    assert _types(world, "idem-end") == recorded


async def test_a_retry_of_the_ending_action_before_its_ending_is_projected_gets_the_first_answer(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The read models still show the program open (the projector lags), so the retry reaches
    Temporal, whose workflow has ended: Temporal answers an update id it has completed in a
    closed run with that outcome, so the retry is answered as the first time all the same."""
    async with world.client("spec.li") as li:
        body = await plan_body(world.h, "idem-lag")
        assert (await li.post("/api/v1/programs", json=body)).status_code == 201
        open_summary = queries.program_summary(world.h.db.engine, "idem-lag")
        key = {"Idempotency-Key": "cancel-lag"}
        reason = {"reason": "venue closed"}
        first = await li.post("/api/v1/programs/idem-lag/cancel", json=reason, headers=key)
        assert first.status_code == 200, first.text
        recorded = _types(world, "idem-lag")
        # its workflow finishes the cancellation (notices) and ends
        await world.h.env.client.get_workflow_handle("idem-lag").result()

        lagging = queries.program_summary
        monkeypatch.setattr(
            queries,
            "program_summary",
            lambda engine, pid: open_summary if pid == "idem-lag" else lagging(engine, pid),
        )
        again = await li.post("/api/v1/programs/idem-lag/cancel", json=reason, headers=key)
        other = await li.post(
            "/api/v1/programs/idem-lag/cancel", json=reason, headers={"Idempotency-Key": "c-9"}
        )

    assert again.status_code == 200, again.text
    same = ("stream_version", "last_position", "events")
    assert {k: again.json()[k] for k in same} == {k: first.json()[k] for k in same}
    assert other.status_code == 403 and "no longer running" in other.text, other.text
    assert _types(world, "idem-lag") == recorded
