"""A whole trainops on real processes for fault tests: Temporal's dev server, a worker, the
projector and the API, on the test's PostgreSQL schema."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx

from tests.faults.conftest import Backend
from tests.faults.processes import Service, TemporalDev, eventually, service_env
from tests.ports import free_port


@dataclass
class Stack:
    backend: Backend
    temporal: TemporalDev
    env: dict[str, str]
    api_port: int
    services: dict[str, Service] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    def start(self, name: str) -> Service:
        service = Service(name, self.env, self.backend.tmp_path)
        self.services[name] = service
        if name == "worker":
            service.wait_for("worker started")
        elif name == "projector":
            service.wait_for("projector started")
        else:
            eventually(
                lambda: httpx.get(f"{self.api_url}/healthz", timeout=5).status_code == 200,
                "the API answers",
            )
        return service

    def post(self, path: str, key: str, body: Any = None, user: str = "spec.li") -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.backend.tokens[user]}", "Idempotency-Key": key}
        return httpx.post(f"{self.api_url}{path}", json=body, headers=headers, timeout=60)

    def stop_all(self) -> None:
        for service in self.services.values():
            service.stop()
        self.temporal.kill()


@contextlib.contextmanager
def running_stack(backend: Backend, *, database_port: int = 5432) -> Iterator[Stack]:
    temporal = TemporalDev(backend.tmp_path)
    temporal.start()
    api_port = free_port()
    env = service_env(
        backend.tmp_path,
        backend.url(database_port),
        temporal.address,
        backend.task_queue,
        TRAINOPS_API_PORT=str(api_port),
    )
    stack = Stack(backend, temporal, env, api_port)
    try:
        for name in ("worker", "projector", "api"):
            stack.start(name)
        yield stack
    finally:
        stack.stop_all()
