"""Over HTTP: each action is signed for the signed-in person, the proof is kept with its events,
the public keys are readable, and a retired key proves nothing new."""

from __future__ import annotations

from pathlib import Path

from audit.proofs import check_proofs
from domain.proofs import ActorAssertion
from tests.api.conftest import World, plan_body
from tests.api.test_data_api import finished
from tests.conftest import TEST_SIGNER
from trainops.worker import refresh_keyring

ROOT = Path(__file__).resolve().parents[2]


async def test_an_action_over_http_is_proven_as_the_signed_in_person(world: World) -> None:
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        assert (await li.post("/api/v1/programs", json=await plan_body(world.h, "pr-1"))).is_success
        assert (await li.post("/api/v1/programs/pr-1/submit")).is_success
        approved = await wang.post("/api/v1/programs/pr-1/approve", json={"comment": "fine"})
        assert approved.status_code == 200, approved.text
    rows = world.h.db.store.read_stream("program-pr-1")
    carriers = [r for r in rows if "proof" in r.metadata]
    by_action = {r.metadata["proof"]["command"].get("kind", "plan"): r for r in carriers}
    assert set(by_action) == {"plan", "submit", "approve"}
    approval = ActorAssertion.model_validate(by_action["approve"].metadata["proof"]["assertion"])
    assert approval.actor == "mgr.wang" == by_action["approve"].metadata["actor"]
    assert approval.key_id == TEST_SIGNER.key_id
    assert by_action["approve"].metadata["proof"]["command"]["comment"] == "fine"


async def test_keys_are_readable_and_only_an_admin_retires_one(world: World) -> None:
    async with world.client("emp.1") as trainee, world.client("adm.qian") as admin:
        keys = (await trainee.get("/api/v1/signing-keys")).json()
        assert [k["key_id"] for k in keys] == [TEST_SIGNER.key_id]
        assert keys[0]["retired_at"] is None
        body = {"reason": "rotation"}
        refused = await trainee.post(f"/api/v1/signing-keys/{TEST_SIGNER.key_id}/retire", json=body)
        assert refused.status_code == 403
        unknown = await admin.post("/api/v1/signing-keys/0123456789abcdef/retire", json=body)
        assert unknown.status_code == 404
        retired = await admin.post(f"/api/v1/signing-keys/{TEST_SIGNER.key_id}/retire", json=body)
        assert retired.status_code == 200, retired.text
        assert retired.json()[0]["retired_at"] is not None
    events = world.h.db.store.read_stream("signing-keys")
    assert events[-1].event_type == "SigningKeyRetired"
    assert events[-1].metadata["actor"] == "adm.qian"

    refresh_keyring(world.h.db.store)  # what the worker does every few seconds
    before = world.head()
    async with world.client("spec.li") as li:
        answer = await li.post("/api/v1/programs", json=await plan_body(world.h, "pr-2"))
    assert answer.status_code == 403 and "retired" in answer.json()["detail"]
    assert world.h.db.store.stream_version("program-pr-2") == 0
    assert world.head() == before


async def test_configuration_and_reference_data_carry_the_admins_proof(world: World) -> None:
    document = (
        Path(__file__).resolve().parents[2] / "config" / "trainops.example.yaml"
    ).read_text()
    employees = "employee_id,department\ne1,sales\ne2,ops\n"
    async with world.client("adm.qian") as admin:
        saved = await admin.put(
            "/api/v1/config", json={"document": document, "expected_version": 0, "comment": "q1"}
        )
        assert saved.status_code == 200, saved.text
        loaded = await admin.post(
            "/api/v1/data/employees", files={"file": ("e.csv", employees, "text/csv")}
        )
        assert (await finished(admin, loaded))["status"] == "succeeded"
    rows = list(world.h.db.store.read_all())
    config = next(r for r in rows if r.stream_id == "configuration")
    assert config.metadata["proof"]["command"]["kind"] == "configure"
    assert config.metadata["proof"]["command"]["comment"] == "q1"
    imported = [r for r in rows if r.metadata.get("role") == "import"]
    assert len(imported) == 2
    assert {r.metadata["proof"]["command"]["data_kind"] for r in imported} == {"employees"}
    report = check_proofs(rows)
    assert report.ok, report.problems
    assert report.proven_events >= 3 and report.unproven == {}
