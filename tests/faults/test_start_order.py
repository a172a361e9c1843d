"""Start order shuffled: the API, a worker and the projector start before PostgreSQL answers
and before Temporal exists. They wait, saying why, and come up by themselves when each
dependency appears; then a plan sent to the API is recorded and projected."""

from __future__ import annotations

import httpx
import pytest

from tests.faults.conftest import Backend, plan_body
from tests.faults.processes import (
    LateProxy,
    Service,
    TemporalDev,
    eventually,
    service_env,
    services_stopped,
)
from tests.ports import free_port

pytestmark = pytest.mark.postgres


def test_services_started_first_wait_for_the_database_and_temporal(backend: Backend) -> None:
    tmp = backend.tmp_path
    database, temporal = LateProxy(5432), TemporalDev(tmp)  # neither reachable yet
    port = free_port()
    env = service_env(
        tmp,
        backend.url(database.port),
        temporal.address,
        backend.task_queue,
        TRAINOPS_API_PORT=str(port),
        TRAINOPS_HEARTBEAT_FILE=str(tmp / "worker-alive"),
    )
    api = Service("api", env, tmp)
    worker = Service("worker", {**env, "TRAINOPS_HEARTBEAT_FILE": str(tmp / "worker-alive")}, tmp)
    projector = Service("projector", {**env, "TRAINOPS_HEARTBEAT_FILE": str(tmp / "proj")}, tmp)
    with services_stopped(api, worker, projector):
        try:
            for service in (api, worker, projector):
                service.wait_for("waiting for the database")
            database.open()
            worker.wait_for("waiting for Temporal")
            projector.wait_for("projector started")
            api_url = f"http://127.0.0.1:{port}"
            eventually(lambda: httpx.get(f"{api_url}/healthz").status_code == 200, "API alive")
            ready = httpx.get(f"{api_url}/readyz", timeout=30)
            assert ready.status_code == 503 and "Temporal" in ready.text

            temporal.start()
            worker.wait_for("worker started")
            eventually(
                lambda: httpx.get(f"{api_url}/readyz", timeout=30).status_code == 200, "API ready"
            )

            token = backend.tokens["spec.li"]
            planned = httpx.post(
                f"{api_url}/api/v1/programs",
                json=plan_body("late-1"),
                headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "late-1"},
                timeout=60,
            )
            assert planned.status_code == 201, planned.text
            assert planned.json()["projected"] is True  # the projector folded it
            assert backend.events("late-1") == ["ProgramPlanned"]
            for service in (api, worker, projector):
                assert service.process.poll() is None, service.output()[-2000:]
                assert "Traceback" not in service.output()
        finally:
            temporal.kill()
            database.close()
