"""A company-wide program goes through its whole lifecycle by the real code paths: 50,000
trainees on PostgreSQL (5,000 on SQLite, to keep the suite's time), the time-skipping Temporal
server, the event log, the roster index and the projections.

Employees come in through the reference import; the plan names 800 of them (the most it may;
enrolled at publishing, in chunks), the rest are enrolled from a roster file; both reminders go to
everyone by reference; attendance comes from a sign-in file; a sample of trainees answer the
survey and get exam scores; the window closes by itself; the KPIs count everyone. A codec on the
client and the worker checks every payload against 256 KiB, and the history stays short.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from pathlib import Path
from uuid import uuid4

from temporalio.api.common.v1 import Payload
from temporalio.client import Client
from temporalio.converter import DataConverter, PayloadCodec
from temporalio.testing import WorkflowEnvironment

from activities.outbox import NotificationService
from audit.signing_keys import publish_key
from domain import commands as c
from domain.events import Session
from imports.reference import load_reference
from projections.queries import program_outcomes
from services.database import Database
from services.program_client import ProgramClient
from services.programs_bulk import attendance_from_file, enrol_from_file
from services.reads import program_state
from services.roster_reads import MAX_PEOPLE_PAGE, bounded_state, trainee_page
from tests.conftest import TEST_SIGNER, until
from tests.plans import one_session
from tests.services.bulk_context import Context, Specialist
from tests.workflows.support import approve_and_publish
from trainops.worker import build_worker

LIMIT = 256 * 1024
IN_THE_PLAN = 800  # domain.commands.MAX_TRAINEES: the most a plan names inline
SAMPLE = 30


class SizeCheckingCodec(PayloadCodec):
    """Passes payloads through unchanged, remembering the largest it saw either way."""

    def __init__(self) -> None:
        self.largest = 0

    def _see(self, payloads: Sequence[Payload]) -> list[Payload]:
        for payload in payloads:
            self.largest = max(self.largest, payload.ByteSize())
        return list(payloads)

    async def encode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return self._see(payloads)

    async def decode(self, payloads: Sequence[Payload]) -> list[Payload]:
        return self._see(payloads)


def size_for(database: Database) -> int:
    return 50_000 if database.engine.dialect.name == "postgresql" else 5_000


async def test_a_company_wide_program_goes_through_its_lifecycle(
    time_env: WorkflowEnvironment, database: Database, tmp_path: Path
) -> None:
    env = time_env
    size = size_for(database)
    people = [f"employee.{n:05d}@example.com" for n in range(size)]
    roster = tmp_path / "employees.csv"
    roster.write_text("employee_id,department\n" + "".join(f"{p},ops\n" for p in people))
    imported = load_reference(database.store, "employees", roster)
    assert not imported.rejected

    codec = SizeCheckingCodec()
    config = env.client.config()
    converter: DataConverter = config["data_converter"]
    config["data_converter"] = DataConverter(
        payload_converter_class=converter.payload_converter_class,
        failure_converter_class=converter.failure_converter_class,
        payload_codec=codec,
    )
    client = Client(**config)
    task_queue = f"tq-{uuid4()}"
    notifier = NotificationService(database.engine, None, database.store)
    publish_key(database.store, TEST_SIGNER.trusted_key())
    programs = ProgramClient(client, task_queue, TEST_SIGNER, clock=env.get_current_time)
    ctx = Context(database, programs)
    progress: list[tuple[int, int]] = []
    spec = Specialist()
    pid = "company-wide"
    start = await env.get_current_time() + timedelta(days=10)
    async with build_worker(client, task_queue, database.store, notifier):
        await programs.plan(
            one_session(
                pid,
                "Code of conduct",
                start,
                tuple(people[:IN_THE_PLAN]),
                planned_date=(start + timedelta(days=5)).date(),
                sessions=(Session(session_id="all-hands", starts_at=start),),
                evaluation_window_days=14,
            )
        )
        await approve_and_publish(programs, pid)
        everyone = "\n".join(people).encode()
        enrolled = await enrol_from_file(
            ctx, spec, pid, everyone, lambda done, total: progress.append((done, total))
        )
        assert (enrolled.total, enrolled.skipped) == (size, IN_THE_PLAN)
        assert progress[-1] == (size, size)

        await until(env, start + timedelta(minutes=30))  # both reminders went out
        attendees = people[: size * 9 // 10]
        attended = await attendance_from_file(
            ctx, spec, pid, "all-hands", "\n".join(attendees).encode()
        )
        assert attended.recorded == len(attendees)
        await programs.act(pid, c.CompleteSession(actor="spec", session_id="all-hands"))
        await programs.act(pid, c.CompleteExecution(actor="spec"))
        for trainee in attendees[:SAMPLE]:
            await programs.act(pid, c.SubmitSurvey(actor=trainee, scores={"overall": 80}))
            await programs.act(
                pid, c.RecordExamScore(actor="spec", trainee=trainee, score=75, evidence="sheet")
            )
        await until(env, start + timedelta(days=15))  # the window closes by itself
        await programs.act(pid, c.SubmitFeedback(actor="spec", summary="done"))
        handle = client.get_workflow_handle(pid)
        await handle.result()
        history = await handle.fetch_history()

    stream = database.store.read_stream(f"program-{pid}")
    types = [r.event_type for r in stream]
    assert types.count("TraineeEnrolled") == size
    reminders = [r.payload for r in stream if r.event_type == "ReminderSent"]
    assert sorted(r["recipient_count"] for r in reminders) == [1, size]
    assert types.count("SurveySubmitted") == types.count("ExamSubmitted") == SAMPLE
    assert types[-1] == "ProgramClosed"

    assert 0 < codec.largest <= LIMIT, codec.largest
    assert len(history.events) < 2_000, len(history.events)

    database.projector.catch_up()
    [outcome] = [o for o in program_outcomes(database.engine) if o.program_id == pid]
    assert (outcome.enrolled, outcome.attended, outcome.executed) == (size, len(attendees), True)

    # Its read leaves the people out (counted in the summary); they come a page at a time.
    state = program_state(database.engine, pid)
    shown, listed = bounded_state(state)
    assert not listed and len(json.dumps(shown)) < LIMIT
    page = trainee_page(state, after=people[IN_THE_PLAN], limit=MAX_PEOPLE_PAGE)
    assert [r["trainee"] for r in page.trainees] == people[IN_THE_PLAN + 1 :][:MAX_PEOPLE_PAGE]
    assert page.total == size and all(r["attended"] == ["all-hands"] for r in page.trainees)
    assert sum(r["surveyed"] and r["examined"] for r in trainee_page(state).trainees) == SAMPLE
