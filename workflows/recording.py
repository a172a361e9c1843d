"""How the program workflow appends what it decided: one activity per chunk of envelopes, a
person's proof kept on the first event, the stream version and log position taken from the
result. A mixin of ``TrainingProgramWorkflow`` (and of its timers, which record too)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.contracts import (
        APPEND_EVENTS,
        DUPLICATE_EVENT,
        STREAM_VERSION_CONFLICT,
        AppendEventsInput,
        AppendEventsOutput,
    )
    from domain import events as e
    from domain.program import fold as fold_events
    from domain.roster import lean
    from domain.state import ProgramState
    from workflows.inputs import stream_id_for
    from workflows.quick_steps import quick_step

APPEND_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=1),
    maximum_interval=timedelta(minutes=1),
    non_retryable_error_types=[STREAM_VERSION_CONFLICT, DUPLICATE_EVENT],
)
#: Patch marker: a decision of many events (publishing to thousands of trainees) is appended in
#: chunks of ``APPEND_CHUNK``, each activity payload far below Temporal's 2 MB limit.
APPEND_IN_CHUNKS = "append-in-chunks"
APPEND_CHUNK = 500
#: Patch marker: the append is an ordinary activity again (the look-ups stay local). A local
#: activity runs before its workflow task is recorded; under a burst of updates the server
#: drops workflow tasks ("Workflow task not found"), and the append of a dropped task was in
#: the log while history never held it: the retried task decided the waiting actions in
#: another order and appended other events under the same ids (refused as duplicates), or
#: refused an action as "already submitted" that the log held but no one was answered for.
#: An ordinary activity is scheduled in history first: a dropped task appends nothing.
APPEND_SCHEDULED_FIRST = "append-scheduled-in-history-first"


class Recorder:
    """Needs the workflow's folded state; keeps its stream version and last log position.

    With ``_lean`` (runs that took ``workflows.roster.ROSTER_OUT_OF_STATE``) the state keeps
    no per-trainee lists: what was folded is stripped of them, and only ``_enrolled``, how many
    are enrolled, is kept."""

    _state: ProgramState
    _version: int
    _last_position: int
    _lean: bool = False
    _enrolled: int = 0

    def _keep(self, state: ProgramState) -> None:
        """Make ``state`` the workflow's, stripped of the roster in a lean run."""
        self._state = lean(state) if self._lean else state

    async def _record(
        self,
        decided: list[Any],
        actor: str,
        role: str,
        *,
        fold: bool = True,
        command: BaseModel | None = None,
    ) -> list[UUID]:
        """Append ``decided``; a person's action carries its proof (the signed assertion and
        the command it covers) on its first event, and a pointer to it on the others. Returns
        the events' ids."""
        if not decided:
            return []
        envelopes = self._envelopes(decided, actor, role, command)
        await self._append(envelopes)
        self._enrolled += sum(isinstance(event, e.TraineeEnrolled) for event in decided)
        if fold:
            self._keep(fold_events(decided, self._state) or self._state)
        return [envelope.event_id for envelope in envelopes]

    def _envelopes(
        self, decided: list[Any], actor: str, role: str, command: BaseModel | None
    ) -> tuple[e.EventEnvelope, ...]:
        """``decided`` as envelopes with new ids, the proof of ``command`` on the first."""
        now = workflow.now()
        ids = [workflow.uuid4() for _ in decided]
        proof = getattr(command, "proof", None)
        kept = None
        if command is not None and proof is not None:
            kept = {
                "assertion": proof.model_dump(mode="json"),
                "command": command.model_dump(mode="json", exclude={"proof"}),
            }
        return tuple(
            e.EventEnvelope.wrap(
                event,
                event_id=event_id,
                actor=actor,
                role=role,
                occurred_at=now,
                proof=kept if index == 0 else None,
                proved_by=ids[0] if kept is not None and index > 0 else None,
            )
            for index, (event, event_id) in enumerate(zip(decided, ids, strict=True))
        )

    async def _append(self, envelopes: tuple[e.EventEnvelope, ...]) -> None:
        """Append ``envelopes`` after the workflow's stream version, in chunks when many."""
        chunks = [envelopes]
        if len(envelopes) > APPEND_CHUNK and workflow.patched(APPEND_IN_CHUNKS):
            chunks = [
                envelopes[n : n + APPEND_CHUNK] for n in range(0, len(envelopes), APPEND_CHUNK)
            ]
        scheduled_first = workflow.patched(APPEND_SCHEDULED_FIRST)
        for chunk in chunks:  # each payload stays far below Temporal's 2 MB limit
            request = AppendEventsInput(
                stream_id=stream_id_for(self._state.program_id),
                expected_version=self._version,
                envelopes=chunk,
            )
            if scheduled_first:
                outcome = await workflow.execute_activity(
                    APPEND_EVENTS,
                    request,
                    result_type=AppendEventsOutput,
                    start_to_close_timeout=timedelta(seconds=30),
                    retry_policy=APPEND_RETRY,
                )
            else:  # runs recorded between the two markers appended as a local activity
                outcome = await quick_step(
                    APPEND_EVENTS,
                    request,
                    result_type=AppendEventsOutput,
                    timeout=timedelta(seconds=30),
                    retry_policy=APPEND_RETRY,
                )
            self._version = outcome.stream_version
            self._last_position = outcome.last_position
