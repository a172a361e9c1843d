"""Workflow replay: recorded histories replay against today's code, a non-deterministic change
is caught, and every history matches the events its activities appended to the log."""

from __future__ import annotations

import asyncio

import pytest
import structlog
from typer.testing import CliRunner

from domain import commands as c
from runtime.settings import get_settings
from services.workflow_replay import program_ids, replay_workflows
from tests.api.live import live_api
from tests.audit.changed_workflow import ChangedProgramWorkflow
from tests.conftest import Harness
from tests.workflows.test_paths import approve_and_publish, plan
from trainops import render
from trainops.audit_cli import audit_app


async def test_histories_replay_and_match_the_log(harness: Harness) -> None:
    h = harness
    first = await plan(h)
    await approve_and_publish(h, first)
    second = await plan(h)
    await h.programs.act(second, c.SubmitProgram(actor="spec"))
    assert {first, second} <= set(program_ids(h.db.store))

    runs = [
        run
        async for run in replay_workflows(
            h.env.client, h.db.store, programs=[first, second], details=True
        )
    ]
    assert [(r.program_id, r.status) for r in runs] == [(first, "ok"), (second, "ok")]
    for run in runs:
        assert run.ok, run
        logged = [r.position for r in h.db.store.read_stream(f"program-{run.program_id}")]
        assert run.log_events == len(logged)
        # Side by side: each append in the history (an activity scheduled in history first;
        # the roster's enrolment too) carries the rows it wrote. (Runs that appended as a local
        # activity, 5 and 6 December, are matched by their markers instead.)
        beside = [p for line in run.lines for p in line.log_positions]
        assert sorted(beside) == logged
        appends = [line for line in run.lines if line.log_positions]
        kinds = {line.event_type for line in appends}
        assert kinds == {"ActivityTaskScheduled"}, kinds
        assert not any("(local activity" in line.detail for line in appends)
        assert run.lines[0].event_type == "WorkflowExecutionStarted"


async def test_a_non_deterministic_change_is_caught(harness: Harness) -> None:
    h = harness
    pid = await plan(h)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    [run] = [
        run
        async for run in replay_workflows(
            h.env.client, h.db.store, programs=[pid], workflows=[ChangedProgramWorkflow]
        )
    ]
    assert run.status == "failed" and not run.ok
    assert run.failure is not None and "nondetermin" in run.failure.lower()


async def test_a_workflow_temporal_does_not_know_is_reported(harness: Harness) -> None:
    [run] = [
        run
        async for run in replay_workflows(harness.env.client, harness.db.store, programs=["nope"])
    ]
    assert run.status == "not_found" and run.run_id is None


async def test_the_command_shows_histories_beside_the_log(
    harness: Harness, monkeypatch: pytest.MonkeyPatch
) -> None:
    h = harness
    pid = await plan(h)
    await h.programs.act(pid, c.SubmitProgram(actor="spec"))
    get_settings.cache_clear()
    # room for the side-by-side table; restored to "follow the terminal" afterwards (setting the
    # public ``width`` would pin the shared console at the old width for every later test)
    monkeypatch.setattr(render.console, "_width", 200)
    saved = structlog.get_config()
    try:  # the server asks Temporal; the command asks the server (in a thread, off this loop)
        with live_api(h.db, h.programs) as live:
            live.users.create_user("aud", "a long auditor password", ["auditor"])
            monkeypatch.setenv("TRAINOPS_SERVER", live.url)
            monkeypatch.setenv("TRAINOPS_TOKEN", live.users.issue_token("aud", "cli")[1])
            shown = await asyncio.to_thread(
                CliRunner().invoke, audit_app, ["workflows", "--program", pid, "--details"]
            )
    finally:
        structlog.configure(**saved)
        get_settings.cache_clear()
    assert shown.exit_code == 0, shown.output
    assert f"{pid} run" in shown.stdout and "replay ok" in shown.stdout
    assert "MarkerRecorded" in shown.stdout and "ProgramPlanned" in shown.stdout
    assert "(local activity" not in shown.stdout  # look-ups and appends are scheduled
    assert "ActivityTaskScheduled" in shown.stdout and "append_events" in shown.stdout
    assert "1 runs replayed, 0 failed" in shown.stdout
