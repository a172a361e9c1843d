"""PostgreSQL connections cut under load (``pg_terminate_backend`` on every connection of the
services; the shared server itself is never restarted): the API, the worker and the projector
recover by themselves; every plan, retried with its Idempotency-Key when a request fails, is in
the log once and in the read models."""

from __future__ import annotations

import threading
import time
from functools import partial

import httpx
import pytest

from eventlog.verify import verify_log
from tests.faults.conftest import Backend, plan_body
from tests.faults.processes import eventually
from tests.faults.stack import running_stack

pytestmark = pytest.mark.postgres

PROGRAMS = 12
CUTS = 4


def _more_than(answers: dict[str, int], count: int) -> bool:
    return len(answers) > count


def test_cut_connections_under_load_lose_and_duplicate_nothing(backend: Backend) -> None:
    with running_stack(backend) as stack:
        answers: dict[str, int] = {}
        failures: list[str] = []

        def load() -> None:
            for n in range(PROGRAMS):
                program_id = f"cut-db-{n}"
                for _ in range(30):  # a client that retries with the same key
                    try:
                        sent = stack.post("/api/v1/programs", program_id, plan_body(program_id))
                    except httpx.HTTPError as exc:
                        failures.append(type(exc).__name__)
                        time.sleep(0.5)
                        continue
                    if sent.status_code == 201:
                        answers[program_id] = sent.json()["last_position"]
                        break
                    assert sent.status_code in (502, 503, 504), sent.text  # never a 500
                    failures.append(str(sent.status_code))
                    time.sleep(0.5)

        client = threading.Thread(target=load)
        client.start()
        cut = 0
        for round_ in range(CUTS):
            eventually(partial(_more_than, answers, len(answers)), f"progress {round_}", 60)
            cut += backend.terminate_connections() > 0
        client.join(timeout=180)
        assert not client.is_alive()
        assert cut == CUTS  # the services held connections each time, and lost them

        assert sorted(answers) == sorted(f"cut-db-{n}" for n in range(PROGRAMS))
        for n in range(PROGRAMS):
            assert backend.events(f"cut-db-{n}") == ["ProgramPlanned"]
        assert verify_log(backend.database.store).ok
        status = eventually(
            lambda: (s := backend.database.projector.status()).lag == 0 and s,
            "the projector caught up",
        )
        assert status.quarantined == 0  # type: ignore[attr-defined]
        token = backend.tokens["spec.li"]
        listed = httpx.get(
            f"{stack.api_url}/api/v1/programs/cut-db-{PROGRAMS - 1}",
            headers={"Authorization": f"Bearer {token}"},
            timeout=30,
        )
        assert listed.status_code == 200, listed.text
        for service in stack.services.values():
            assert service.process.poll() is None, service.output()[-2000:]
