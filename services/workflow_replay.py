"""Replay every program workflow's recorded Temporal history against today's workflow code, and
set each history beside the events that workflow appended to the log.

Replay is the check that a code change has not broken running programs: a workflow whose code
no longer makes the decisions its history recorded fails with a non-determinism error. The
side-by-side view ties the two records together through the metadata every appended event
carries (workflow id, run id, activity id): each ``append_events`` activity in the history (an
ordinary one's scheduled event, or a local one's marker) is matched with the log rows it wrote,
and either side without the other is reported.

Program ids come from the log's stream ids, not from Temporal's visibility API, which the
time-skipping test server does not implement (and which an auditor should not have to trust).
A program that continued as new has several runs; every run that appended events is replayed.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

import structlog
from pydantic import BaseModel, ConfigDict
from sqlalchemy import select
from temporalio.api.enums.v1 import EventType
from temporalio.api.history.v1 import HistoryEvent
from temporalio.client import Client, WorkflowHistory
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.converter import DataConverter
from temporalio.service import RPCError, RPCStatusCode
from temporalio.worker import Replayer

from activities.contracts import APPEND_EVENTS, ENROL_PLANNED
from domain.streams import PROGRAM_PREFIX, program_stream
from eventlog import EventStore, RecordedEvent
from eventlog.engine import READ_ONLY
from eventlog.schema import events
from projections.program_views import program_id_of
from workflows.program import TrainingProgramWorkflow
from workflows.sandbox import sandbox_runner

log = structlog.get_logger(__name__)

Status = Literal["ok", "failed", "not_found"]


class HistoryLine(BaseModel):
    """One Temporal history event, with the log events it caused (for ``append_events``)."""

    model_config = ConfigDict(frozen=True)

    event_id: int
    time: datetime
    event_type: str
    detail: str
    log_positions: list[int] = []
    log_events: list[str] = []


class RunReplay(BaseModel):
    """One workflow run: did today's code replay its history, and do history and log agree."""

    program_id: str
    workflow_id: str
    run_id: str | None
    status: Status
    failure: str | None = None
    history_events: int = 0
    log_events: int = 0
    unmatched_log_positions: list[int] = []
    """Log events of this run that no ``append_events`` activity in its history wrote."""
    unmatched_activities: list[str] = []
    """Completed ``append_events`` activities whose events are not in the log."""
    lines: list[HistoryLine] = []

    @property
    def ok(self) -> bool:
        return (
            self.status == "ok"
            and not self.unmatched_log_positions
            and not self.unmatched_activities
        )


def program_ids(store: EventStore) -> list[str]:
    """Every program that has a stream in the log, in id order."""
    query = (
        select(events.c.stream_id)
        .distinct()
        .where(events.c.stream_id.startswith(PROGRAM_PREFIX))
        .order_by(events.c.stream_id)
    )
    with store.engine.connect().execution_options(**READ_ONLY) as conn:
        return [pid for (stream,) in conn.execute(query) if (pid := program_id_of(stream))]


def _type_name(event: HistoryEvent) -> str:
    name = EventType.Name(event.event_type).removeprefix("EVENT_TYPE_")
    return "".join(part.capitalize() for part in name.split("_"))


def _detail(event: HistoryEvent) -> str:
    kind = event.WhichOneof("attributes")
    if kind is None:
        return ""
    attrs: Any = getattr(event, kind)
    match kind:
        case "workflow_execution_started_event_attributes":
            return str(attrs.workflow_type.name)
        case "activity_task_scheduled_event_attributes":
            return f"{attrs.activity_type.name} (activity {attrs.activity_id})"
        case (
            "activity_task_completed_event_attributes"
            | "activity_task_failed_event_attributes"
            | "activity_task_started_event_attributes"
            | "activity_task_timed_out_event_attributes"
        ):
            return f"of event {attrs.scheduled_event_id}"
        case "timer_started_event_attributes":
            return f"timer {attrs.timer_id} for {attrs.start_to_fire_timeout.ToTimedelta()}"
        case "timer_fired_event_attributes":
            return f"timer {attrs.timer_id}"
        case "workflow_execution_update_accepted_event_attributes":
            return f"update {attrs.accepted_request.input.name}"
        case "workflow_execution_signaled_event_attributes":
            return f"signal {attrs.signal_name}"
        case "workflow_execution_continued_as_new_event_attributes":
            return f"continued as new in run {attrs.new_execution_run_id}"
        case "marker_recorded_event_attributes":
            local = _local_activity(event)
            if local is not None:
                return f"{local[0]} (local activity {local[1]})"
            return str(attrs.marker_name)
    return ""


@dataclass
class _Run:
    program_id: str
    workflow_id: str
    run_id: str
    rows: list[RecordedEvent] = field(default_factory=list)


#: The activities that write a run's events to the log (publishing enrols the plan's roster).
LOG_WRITERS = (APPEND_EVENTS, ENROL_PLANNED)


#: The marker a local activity's result is recorded under, and its ``data`` detail.
LOCAL_ACTIVITY_MARKER = "core_local_activity"


def _local_activity(event: HistoryEvent) -> tuple[str, str, bool] | None:
    """A local activity's (type, id, completed) from its marker; None for any other event."""
    if not event.HasField("marker_recorded_event_attributes"):
        return None
    attrs = event.marker_recorded_event_attributes
    if attrs.marker_name != LOCAL_ACTIVITY_MARKER or "data" not in attrs.details:
        return None
    [data] = pydantic_data_converter.payload_converter.from_payloads(attrs.details["data"].payloads)
    completed = "result" in attrs.details and not attrs.HasField("failure")
    return str(data["activity_type"]), str(data["activity_id"]), completed


def _activity_key(metadata: dict[str, Any]) -> str:
    """Which activity of its run wrote a log row: ordinary and local activities count apart."""
    local = "local " if metadata.get("local_activity") is True else ""
    return f"{local}{metadata.get('activity_id')}"


def _side_by_side(run: _Run, history: WorkflowHistory, details: bool) -> RunReplay:
    by_activity: dict[str, list[RecordedEvent]] = {}
    for row in run.rows:
        by_activity.setdefault(_activity_key(row.metadata), []).append(row)
    append_activities: dict[int, str] = {}  # scheduled event id -> activity key
    writers: set[str] = set()  # every log writer's key, local ones included
    completed: list[str] = []
    lines: list[HistoryLine] = []
    for event in history.events:
        written: list[RecordedEvent] = []
        local = _local_activity(event)
        if local is not None:
            kind, activity_id, done = local
            if kind in LOG_WRITERS:
                key = f"local {activity_id}"
                writers.add(key)
                written = by_activity.get(key, [])
                if done:
                    completed.append(key)
        elif event.HasField("activity_task_scheduled_event_attributes"):
            attrs = event.activity_task_scheduled_event_attributes
            if attrs.activity_type.name in LOG_WRITERS:
                append_activities[event.event_id] = attrs.activity_id
                writers.add(attrs.activity_id)
                written = by_activity.get(attrs.activity_id, [])
        elif event.HasField("activity_task_completed_event_attributes"):
            scheduled = event.activity_task_completed_event_attributes.scheduled_event_id
            if scheduled in append_activities:
                completed.append(append_activities[scheduled])
        if details:
            lines.append(
                HistoryLine(
                    event_id=event.event_id,
                    time=event.event_time.ToDatetime(tzinfo=UTC),
                    event_type=_type_name(event),
                    detail=_detail(event),
                    log_positions=[r.position for r in written],
                    log_events=[r.event_type for r in written],
                )
            )
    return RunReplay(
        program_id=run.program_id,
        workflow_id=run.workflow_id,
        run_id=run.run_id,
        status="ok",
        history_events=len(history.events),
        log_events=len(run.rows),
        unmatched_log_positions=[
            r.position for r in run.rows if _activity_key(r.metadata) not in writers
        ],
        unmatched_activities=[a for a in completed if a not in by_activity],
        lines=lines,
    )


async def _runs_of(client: Client, store: EventStore, program_id: str) -> list[_Run] | RunReplay:
    """The program's runs that appended events, plus its latest run; a RunReplay if Temporal
    does not know the workflow."""
    rows = store.read_stream(program_stream(program_id))
    workflow_id = next(
        (str(r.metadata["workflow_id"]) for r in rows if r.metadata.get("workflow_id")), program_id
    )
    runs: dict[str, _Run] = {}
    for row in rows:
        run_id = str(row.metadata.get("run_id") or "")
        runs.setdefault(run_id, _Run(program_id, workflow_id, run_id)).rows.append(row)
    try:
        latest = (await client.get_workflow_handle(workflow_id).describe()).run_id
    except RPCError as exc:
        if exc.status != RPCStatusCode.NOT_FOUND:
            raise
        return RunReplay(
            program_id=program_id,
            workflow_id=workflow_id,
            run_id=None,
            status="not_found",
            failure="Temporal has no such workflow (past its retention period?)",
            log_events=len(rows),
        )
    orphans = runs.pop("", None)
    ordered = list(runs.values())
    if latest not in runs:
        ordered.append(_Run(program_id, workflow_id, latest))
    if orphans is not None:  # events without a run id cannot be tied to any history
        ordered[-1].rows.extend(orphans.rows)
    return ordered


async def replay_workflows(
    client: Client,
    store: EventStore,
    *,
    programs: Iterable[str] | None = None,
    workflows: Sequence[type] = (TrainingProgramWorkflow,),
    data_converter: DataConverter = pydantic_data_converter,
    details: bool = False,
) -> AsyncIterator[RunReplay]:
    """Replay each run of each program (default: every program in the log) with ``workflows``
    and yield one result per run as it finishes; ``details`` adds the side-by-side lines."""
    replayer = Replayer(
        workflows=list(workflows), data_converter=data_converter, workflow_runner=sandbox_runner()
    )
    pending: deque[_Run] = deque()  # the replayer takes histories one at a time, in order
    skipped: list[RunReplay] = []
    chosen = list(programs) if programs is not None else program_ids(store)

    async def histories() -> AsyncIterator[WorkflowHistory]:
        for program_id in chosen:
            runs = await _runs_of(client, store, program_id)
            if isinstance(runs, RunReplay):
                skipped.append(runs)
                continue
            for run in runs:
                handle = client.get_workflow_handle(run.workflow_id, run_id=run.run_id)
                history = await handle.fetch_history()
                pending.append(run)
                yield history

    async with replayer.workflow_replay_iterator(histories()) as results:
        async for result in results:
            while skipped:
                yield skipped.pop(0)
            history = result.history
            run = pending.popleft()
            found = _side_by_side(run, history, details)
            if result.replay_failure is not None:
                message = re.sub(r"\s+", " ", str(result.replay_failure)).strip()
                found = found.model_copy(update={"status": "failed", "failure": message})
            log.info(
                "workflow replayed",
                workflow_id=found.workflow_id,
                run_id=found.run_id,
                status=found.status,
            )
            yield found
    for rest in skipped:
        yield rest
