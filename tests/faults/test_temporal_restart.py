"""Temporal's server killed (SIGKILL) and started again on its database file while clients
plan and submit programs through the API: the worker and the API reconnect by themselves, the
programs in flight carry on, and each action is in the log exactly once."""

from __future__ import annotations

import threading
import time

import httpx
import pytest

from eventlog.verify import verify_log
from tests.faults.conftest import Backend, plan_body
from tests.faults.processes import eventually
from tests.faults.stack import Stack, running_stack

pytestmark = pytest.mark.postgres

PROGRAMS = 8


def _until_done(
    stack: Stack, path: str, key: str, body: object, ok: int, user: str = "spec.li"
) -> int:
    """Send until answered ``ok``, with the same key each time; the answer's log position."""
    for _ in range(120):
        try:
            sent = stack.post(path, key, body, user)
        except httpx.HTTPError:
            time.sleep(0.5)
            continue
        if sent.status_code == ok:
            return int(sent.json()["last_position"])
        assert sent.status_code in (502, 503, 504), sent.text  # unavailable, never a 500
        time.sleep(0.5)
    raise AssertionError(f"{path} never succeeded")


def test_a_temporal_restart_under_load_loses_and_duplicates_nothing(backend: Backend) -> None:
    with running_stack(backend) as stack:
        done: list[str] = []

        def load() -> None:
            for n in range(PROGRAMS):
                pid = f"tr-{n}"
                _until_done(stack, "/api/v1/programs", f"plan-{pid}", plan_body(pid), 201)
                _until_done(stack, f"/api/v1/programs/{pid}/submit", f"submit-{pid}", None, 200)
                done.append(pid)

        client = threading.Thread(target=load)
        client.start()
        eventually(lambda: len(done) >= 2, "load under way")
        stack.temporal.kill()
        time.sleep(2)  # clients and the worker meet a dead server for a while
        stack.temporal.start()
        client.join(timeout=240)
        assert not client.is_alive()

        assert done == [f"tr-{n}" for n in range(PROGRAMS)]
        for pid in done:
            recorded = backend.events(pid)
            assert recorded.count("ProgramPlanned") == 1, recorded
            assert recorded.count("ProgramSubmitted") == 1, recorded
            assert recorded.count("ApprovalRequested") == 1, recorded
        # The programs that were waiting for approval while the server was down go on.
        for pid in done[:2]:
            path = f"/api/v1/programs/{pid}/approve"
            _until_done(stack, path, f"approve-{pid}", {"comment": "go"}, 200, "mgr.wang")
            assert backend.events(pid).count("ProgramApproved") == 1
        assert verify_log(backend.database.store).ok
        eventually(lambda: backend.database.projector.status().lag == 0, "projector caught up")
        for service in stack.services.values():
            assert service.process.poll() is None, service.output()[-2000:]
