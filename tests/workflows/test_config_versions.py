"""A configuration version saved while the worker runs applies to the next submission, with no
restart; a submission already routed keeps the route recorded in its log."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from uuid import uuid4
from zoneinfo import ZoneInfo

from temporalio.testing import WorkflowEnvironment

from activities.config_versions import ConfigSource, save_version
from domain import commands as c
from services.database import Database
from tests.conftest import Harness, running_worker
from tests.plans import one_session

TZ = "Asia/Shanghai"
POLICY = """\
approval:
  name: {name}
  department_managers: {{sales: {manager}}}
  steps:
    - id: manager
      name: Manager
      approvers: {{department_manager: true}}
"""


async def submit(h: Harness) -> list[str]:
    """Plan and submit a program; the approvers its recorded route names."""
    pid = f"cfg-{uuid4().hex[:8]}"
    now = await h.env.get_current_time()
    start = (now + timedelta(days=30)).astimezone(ZoneInfo(TZ)).replace(hour=10, minute=0)
    await h.programs.plan(
        one_session(
            pid, "Negotiation", start, ("t1",), approvers=(), timezone=TZ, department="sales"
        )
    )
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    [submitted] = [
        r for r in h.db.store.read_stream(f"program-{pid}") if r.event_type == "ProgramSubmitted"
    ]
    return [person for step in submitted.payload["route"]["steps"] for person in step["candidates"]]


async def test_a_saved_version_routes_the_next_submission(
    time_env: WorkflowEnvironment, database: Database, tmp_path: Path
) -> None:
    config_file = tmp_path / "trainops.yaml"
    config_file.write_text(POLICY.format(name="file", manager="mgr.file"), encoding="utf-8")
    source = ConfigSource(database.store, config_file)
    async with running_worker(time_env, database, source) as h:
        assert await submit(h) == ["mgr.file"]
        save_version(
            database.store,
            POLICY.format(name="saved", manager="mgr.saved"),
            actor="admin.zhou",
            expected_version=0,
        )
        assert await submit(h) == ["mgr.saved"]
        assert [
            r.payload["route"]["policy"]
            for r in h.db.store.read_all()
            if r.event_type == "ProgramSubmitted"
        ] == ["file", "saved"]
