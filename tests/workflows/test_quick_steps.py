"""A program's look-ups and appends are ordinary activities, scheduled in history before they
run (``workflows.quick_steps``, ``APPEND_SCHEDULED_FIRST``): a workflow task the server drops
under a burst of updates leaves nothing running that history does not know of. No local
activity marker; the log holds every event once."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from typing import Any, cast
from uuid import uuid4

from temporalio.api.enums.v1 import EventType
from temporalio.testing import WorkflowEnvironment

from activities.contracts import (
    APPEND_EVENTS,
    PROGRAM_SETTINGS,
    RESOLVE_APPROVAL_ROUTE,
    ROSTER_FACTS,
    VERIFY_PLAN_PROOF,
)
from audit.signing_keys import publish_key
from domain import commands as c
from eventlog import EventStore
from services.database import Database
from services.program_client import ProgramClient
from tests.conftest import TEST_SIGNER, Harness
from tests.plans import one_session
from tests.workflows.support import approve_and_publish, event_types
from trainops.worker import build_worker

QUICK = {PROGRAM_SETTINGS, RESOLVE_APPROVAL_ROUTE, ROSTER_FACTS, VERIFY_PLAN_PROOF}


async def test_look_ups_and_appends_are_scheduled_in_history(harness: Harness) -> None:
    h = harness
    pid = f"q-{uuid4().hex[:8]}"
    start = await h.env.get_current_time() + timedelta(days=5)
    await h.programs.plan(one_session(pid, "Quick", start, ("t1", "t2")))
    await approve_and_publish(h.programs, pid)
    await h.programs.act(pid, c.EnrollTrainee(actor="spec", trainee="t3"))

    history = await h.env.client.get_workflow_handle(pid).fetch_history()
    scheduled = Counter(
        e.activity_task_scheduled_event_attributes.activity_type.name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED
    )
    # the plan's proof and settings; the route; the enrolment's roster facts
    assert scheduled.keys() >= QUICK, scheduled
    # the plan's, the submission's, approval's, publication's and the enrolment's appends
    assert scheduled[APPEND_EVENTS] == 5, scheduled
    markers = [
        e.marker_recorded_event_attributes.marker_name
        for e in history.events
        if e.event_type == EventType.EVENT_TYPE_MARKER_RECORDED
    ]
    assert "core_local_activity" not in markers, markers
    # each event once in the log, in the order decided
    types = event_types(h, pid)
    assert types[0] == "ProgramPlanned"
    assert types.count("TraineeEnrolled") == 3
    assert len({r.event_id for r in h.db.store.read_stream(f"program-{pid}")}) == len(types)


class LosesTheFirstAnswer:
    """The event store, but the first append's answer is lost after its commit (the worker
    died, or the connection dropped, between the commit and the reply)."""

    def __init__(self, store: EventStore) -> None:
        self._store = store
        self.lost = 0

    def __getattr__(self, name: str) -> Any:
        return getattr(self._store, name)

    def append(self, *args: Any, **kwargs: Any) -> Any:
        result = self._store.append(*args, **kwargs)
        if not self.lost:
            self.lost += 1
            raise ConnectionError("the answer was lost after the commit")
        return result


async def test_an_append_whose_answer_was_lost_records_nothing_twice(
    time_env: WorkflowEnvironment, database: Database
) -> None:
    store = LosesTheFirstAnswer(database.store)
    publish_key(database.store, TEST_SIGNER.trusted_key())
    queue = f"tq-{uuid4()}"
    programs = ProgramClient(time_env.client, queue, TEST_SIGNER, clock=time_env.get_current_time)
    pid = f"q-{uuid4().hex[:8]}"
    start = await time_env.get_current_time() + timedelta(days=5)
    async with build_worker(time_env.client, queue, cast(EventStore, store), database.outbox):
        await programs.plan(one_session(pid, "Lost answer", start, ("t1",)))
        await programs.act(pid, c.SubmitProgram(actor="spec"))
    assert store.lost == 1  # the plan's append was run again, and answered the second time
    events = database.store.read_stream(f"program-{pid}")
    types = [r.event_type for r in events]
    assert types[:2] == ["ProgramPlanned", "ProgramSubmitted"]
    assert types.count("ProgramPlanned") == types.count("ProgramSubmitted") == 1
    assert [r.stream_version for r in events] == list(range(1, len(events) + 1))
