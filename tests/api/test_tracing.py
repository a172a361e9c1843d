"""Tracing: one request to the API is one trace that reaches into the program's workflow and its
activities (FastAPI instrumentation plus Temporal's tracing interceptor), and tracing is off
unless an endpoint is configured."""

from __future__ import annotations

from uuid import uuid4

import httpx
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from accounts.users import UserStore
from activities.config_versions import ConfigSource
from activities.outbox import NotificationService
from api.app import create_app
from audit.signing_keys import publish_key
from runtime.settings import Settings
from runtime.tracing import configure_tracing, instrument_api, temporal_interceptors
from services.database import Database
from services.program_client import ProgramClient
from tests.api.conftest import PASSWORD, fast_hasher, plan_body
from tests.conftest import TEST_SIGNER, Harness
from trainops.worker import build_worker


async def test_a_request_is_one_trace_through_the_workflow_and_its_activities(
    time_env: WorkflowEnvironment, database: Database
) -> None:
    provider = TracerProvider()
    spans = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(spans))
    client = Client(
        time_env.client.service_client,
        data_converter=pydantic_data_converter,
        interceptors=temporal_interceptors(provider),
    )
    task_queue = f"tq-{uuid4()}"
    publish_key(database.store, TEST_SIGNER.trusted_key())
    programs = ProgramClient(client, task_queue, TEST_SIGNER, clock=time_env.get_current_time)
    settings = Settings(database_url=str(database.engine.url), task_queue=task_queue)
    users = UserStore(database.engine, hasher=fast_hasher())
    users.create_user("spec.li", PASSWORD, ("specialist",))
    users.create_user("mgr.wang", PASSWORD, ("approver",))  # the plan names them
    for trainee in ("emp.1", "emp.2"):  # and its trainees
        users.create_user(trainee, PASSWORD, ("trainee",))
    token = users.issue_token("spec.li", "test")[1]
    app = create_app(settings, database=database, programs=programs, users=users)
    instrument_api(app, provider)
    notifier = NotificationService(database.engine, None, database.store)
    config = ConfigSource(database.store, None)
    body = await plan_body(Harness(time_env, database, programs, task_queue), "traced-1")
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app),
        base_url="http://testserver",
        headers={"Authorization": f"Bearer {token}"},
    )
    async with build_worker(client, task_queue, database.store, notifier, config=config), http:
        planned = await http.post("/api/v1/programs", json=body)
    assert planned.status_code in (201, 202), planned.text
    finished = spans.get_finished_spans()
    (request,) = [s for s in finished if s.name == "POST /api/v1/programs"]
    trace = [s for s in finished if s.context.trace_id == request.context.trace_id]
    names = {s.name for s in trace}
    assert "StartWorkflow:TrainingProgramWorkflow" in names, names
    assert any(n.startswith("RunActivity:") for n in names), names


def test_tracing_is_off_without_an_endpoint() -> None:
    assert configure_tracing(Settings(), "trainops-test") is None
    assert temporal_interceptors() == []
