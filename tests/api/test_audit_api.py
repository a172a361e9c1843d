"""Auditors over HTTP: read, replay and verify the history; everyone else is refused."""

from __future__ import annotations

import io
import json
import pathlib
import tarfile

from sqlalchemy import text

from tests.api.conftest import World, plan_body
from tests.eventlog.support import tamper


async def make_history(world: World, program_id: str) -> None:
    async with world.client("spec.li") as li, world.client("mgr.wang") as wang:
        assert (
            await li.post("/api/v1/programs", json=await plan_body(world.h, program_id))
        ).is_success
        assert (await li.post(f"/api/v1/programs/{program_id}/submit")).is_success
        assert (await wang.post(f"/api/v1/programs/{program_id}/approve", json={})).is_success


async def test_only_auditors_read_the_audit_routes(world: World) -> None:
    await make_history(world, "aud-1")
    async with world.client("spec.li") as li, world.client("adm.qian") as admin:
        for client in (li, admin):
            refused = await client.get("/api/v1/audit/history")
            assert refused.status_code == 403
            assert "needs the auditor role" in refused.text
            assert (await client.post("/api/v1/audit/verify")).status_code == 403
    async with world.client() as anonymous:
        assert (await anonymous.get("/api/v1/audit/digest")).status_code == 401


async def test_history_in_three_formats(world: World) -> None:
    await make_history(world, "aud-2")
    async with world.client("aud.sun") as auditor:
        rows = (await auditor.get("/api/v1/audit/history", params={"program": "aud-2"})).json()
        assert [r["event_type"] for r in rows][:2] == ["ProgramPlanned", "ProgramSubmitted"]
        mine = (await auditor.get("/api/v1/audit/history", params={"person": "mgr.wang"})).json()
        assert {r["event_type"] for r in mine} >= {"ApprovalGranted", "ApprovalRequested"}
        lines = (
            await auditor.get(
                "/api/v1/audit/history", params={"program": "aud-2", "format": "jsonl"}
            )
        ).text.splitlines()
        assert len(lines) == len(rows) and json.loads(lines[0])["event_type"] == "ProgramPlanned"
        csv = await auditor.get("/api/v1/audit/history", params={"format": "csv", "limit": 3})
        assert csv.headers["content-type"].startswith("text/csv")
        assert len(csv.text.strip().splitlines()) == 4  # header + 3 rows
        naive = await auditor.get("/api/v1/audit/history", params={"since": "2027-01-01T00:00:00"})
        assert naive.status_code == 422 and "time zone" in naive.text


async def test_digest_verify_and_tamper(world: World) -> None:
    await make_history(world, "aud-3")
    async with world.client("aud.sun") as auditor:
        digest = (await auditor.get("/api/v1/audit/digest")).json()
        assert digest["position"] == world.head()
        await make_history(world, "aud-3b")
        later = (await auditor.post("/api/v1/audit/verify", json={"digests": [digest]})).json()
        assert later["ok"] is True and later["checked"] == world.head()
        tamper(
            world.h.db.engine,
            text("UPDATE events SET payload = '{\"forged\": true}' WHERE position = 2"),
        )
        tampered = (await auditor.post("/api/v1/audit/verify", json={"digests": [digest]})).json()
        assert tampered["ok"] is False
        assert tampered["problems"][0]["position"] == 2
        refused = await auditor.get("/api/v1/audit/digest")
        assert refused.status_code == 409
        assert refused.json()["code"] == "error.log_not_intact"
        assert refused.json()["detail"].startswith("the log does not verify (")
        chinese = await auditor.get("/api/v1/audit/digest", headers={"Accept-Language": "zh-CN"})
        assert chinese.status_code == 409 and chinese.json()["code"] == "error.log_not_intact"
        assert chinese.json()["detail"].startswith("日志未通过校验(共 "), chinese.text
        assert chinese.json()["params"]["position"] == 2


async def test_replay_as_of_workflows_and_export(world: World) -> None:
    await make_history(world, "aud-4")
    world.h.db.projector.catch_up()
    async with world.client("aud.sun") as auditor:
        comparison = (await auditor.get("/api/v1/audit/replay")).json()
        assert comparison["ok"] is True, comparison["differences"]
        planned = world.h.db.store.read_stream("program-aud-4")[0].position
        early = (await auditor.get("/api/v1/audit/as-of", params={"position": planned})).json()
        assert early["position"] == planned
        assert [p["status"] for p in early["programs"]] == ["draft"]
        runs = (await auditor.get("/api/v1/audit/workflows", params={"program": "aud-4"})).json()
        assert [r["status"] for r in runs] == ["ok"]
        bundle = await auditor.get("/api/v1/audit/export")
        assert bundle.status_code == 200
        with tarfile.open(fileobj=io.BytesIO(bundle.content), mode="r:gz") as archive:
            names = archive.getnames()
            events = next(n for n in names if n.endswith("events.jsonl"))
            content = archive.extractfile(events)
            assert content is not None
            assert len(content.read().decode().splitlines()) == world.head()


async def test_sealing_without_a_seal_key_is_a_keyed_503(
    world: World, tmp_path: pathlib.Path
) -> None:
    """A server that has no seal key (and may not make one) says so, in the reader's language,
    and seals nothing: the worker seals on its schedule."""
    world.settings.seal_key_file = tmp_path / "no-such-key.pem"
    before = world.head()
    async with world.client("aud.sun") as auditor:
        refused = await auditor.post("/api/v1/audit/seals", json={})
        chinese = await auditor.post(
            "/api/v1/audit/seals", json={}, headers={"Accept-Language": "zh-CN"}
        )
    assert refused.status_code == 503, refused.text
    assert refused.json()["code"] == "error.cannot_seal"
    assert "the worker seals on its schedule" in refused.json()["detail"]
    assert chinese.status_code == 503 and chinese.json()["code"] == "error.cannot_seal"
    assert world.head() == before
