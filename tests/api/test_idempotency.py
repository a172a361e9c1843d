"""A retried request with the same Idempotency-Key returns the first outcome and acts once."""

from __future__ import annotations

from tests.api.conftest import World, plan_body


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
