"""The program workflow's activities: append its decided events, deliver its reminders."""

from __future__ import annotations

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.contracts import (
    APPEND_EVENTS,
    DUPLICATE_EVENT,
    SEND_REMINDER,
    STREAM_VERSION_CONFLICT,
    AppendEventsInput,
    AppendEventsOutput,
    ReminderDelivery,
    ReminderNotice,
)
from activities.outbox import Notification, Notifier
from eventlog import DuplicateEventError, EventStore, NewEvent, StreamVersionConflict

log = structlog.get_logger(__name__)

_SUBJECTS = {
    "prepare_materials": "Prepare materials: {title} — session {session} on {start}",
    "attend_session": "Today: {title} — session {session} at {start}",
}


class ProgramActivities:
    """Holds the store and notifier the worker wires in (one instance per worker)."""

    def __init__(self, store: EventStore, notifier: Notifier) -> None:
        self.store = store
        self.notifier = notifier

    @activity.defn(name=APPEND_EVENTS)
    def append_events(self, request: AppendEventsInput) -> AppendEventsOutput:
        info = activity.info()
        new_events = [
            NewEvent(
                event_id=envelope.event_id,
                event_type=envelope.event_type,
                schema_version=envelope.schema_version,
                payload=envelope.payload,
                occurred_at=envelope.occurred_at,
                metadata={
                    "actor": envelope.actor,
                    "role": envelope.role,
                    "workflow_id": info.workflow_id,
                    "run_id": info.workflow_run_id,
                    "activity_id": info.activity_id,
                },
            )
            for envelope in request.envelopes
        ]
        bound = log.bind(workflow_id=info.workflow_id, actor=request.envelopes[0].actor)
        try:
            result = self.store.append(request.stream_id, request.expected_version, new_events)
        except StreamVersionConflict as exc:
            bound.warning("append refused", reason="version conflict")
            raise ApplicationError(
                str(exc), type=STREAM_VERSION_CONFLICT, non_retryable=True
            ) from exc
        except DuplicateEventError as exc:
            bound.warning("append refused", reason="duplicate event ids")
            raise ApplicationError(str(exc), type=DUPLICATE_EVENT, non_retryable=True) from exc
        bound.info(
            "events appended",
            events=[e.event_type for e in new_events],
            position=result.last_position,
            replayed=result.replayed,
        )
        return AppendEventsOutput(
            stream_version=result.stream_version,
            last_position=result.last_position,
            replayed=result.replayed,
        )

    @activity.defn(name=SEND_REMINDER)
    def send_reminder(self, notice: ReminderNotice) -> ReminderDelivery:
        subject = _SUBJECTS.get(notice.kind, "{title}").format(
            title=notice.program_title,
            session=notice.session_id,
            start=notice.session_starts_at.isoformat(),
        )
        ids = tuple(
            self.notifier.send(
                Notification(
                    idempotency_key=f"{notice.idempotency_key}:{recipient}",
                    recipient=recipient,
                    subject=subject,
                    body=f"{subject}\nProgram {notice.program_id}.",
                    program_id=notice.program_id,
                )
            )
            for recipient in notice.recipients
        )
        log.bind(workflow_id=activity.info().workflow_id).info(
            "reminder delivered", kind=notice.kind, recipients=len(ids)
        )
        return ReminderDelivery(notification_ids=ids)
