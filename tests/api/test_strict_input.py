"""Strict request types: 0 is not false, an empty program id is not a program; a clear 422."""

from __future__ import annotations

from tests.api.conftest import World, plan_body


async def test_numbers_are_not_booleans_and_empty_ids_are_refused(world: World) -> None:
    before = world.head()
    async with world.client("adm.qian") as admin, world.client("spec.li") as li:
        patched = await admin.patch("/api/v1/users/emp.1", json={"active": 0})
        assert patched.status_code == 422, patched.text
        assert world.users.get("emp.1").active is True  # type: ignore[union-attr]
        body = {**(await plan_body(world.h, "strict-1")), "external_instructor": 0}
        planned = await li.post("/api/v1/programs", json=body)
        assert planned.status_code == 422 and "external_instructor" in planned.text
    async with world.client("aud.sun") as auditor:
        empty = await auditor.get("/api/v1/audit/workflows", params={"program": ""})
        assert empty.status_code == 422, empty.text
    assert world.head() == before


async def test_allow_names_every_method_the_path_serves(world: World) -> None:
    async with world.client("spec.li") as li:
        wrong = await li.delete("/api/v1/programs")
        plain = await li.put("/healthz")
    assert wrong.status_code == 405 and wrong.headers["allow"] == "GET, POST"
    assert "allowed: GET, POST" in wrong.json()["detail"]
    assert plain.status_code == 405 and plain.headers["allow"] == "GET"


async def test_every_json_error_names_a_code_and_its_params(world: World) -> None:
    """A client switches on ``code``, not on English ``detail``: 401, 404, 405, 413 and 422
    carry one as refusals and service errors do."""
    async with world.client() as anonymous, world.client("spec.li") as li:
        unauthorised = await anonymous.get("/api/v1/programs")
        missing = await li.get("/api/v1/no-such-thing")
        wrong = await li.delete("/api/v1/programs")
        invalid = await li.patch("/api/v1/users/emp.1", json={"active": 0})
        too_large = await li.post("/api/v1/programs", content=b"x" * (9 << 20))
        not_json = await li.post(
            "/api/v1/programs", content=b"{bad", headers={"Content-Type": "application/json"}
        )
    assert unauthorised.status_code == 401
    assert unauthorised.json()["code"] == "http.unauthorized"
    assert missing.status_code == 404 and missing.json()["code"] == "http.not_found"
    assert wrong.json()["code"] == "http.method_not_allowed"
    assert wrong.json()["params"] == {"method": "DELETE", "allowed": "GET, POST"}
    assert invalid.status_code == 422 and invalid.json()["code"] == "request.invalid"
    assert "active" in invalid.json()["params"]["fields"]
    assert not_json.status_code == 422 and not_json.json()["params"] == {"fields": "body"}
    assert too_large.status_code == 413, too_large.text
    assert too_large.json()["code"] == "http.content_too_large"
