"""Session reminders fanned out by reference: the workflow names the audience (the specialist,
or the trainees enrolled as of a version of the program's stream); this activity reads who
that is from the log a page at a time, delivers page by page and heartbeats how far it got,
so a retry after a crash resumes there. Its payloads stay the same size for 5 or 50,000
people; the ledger's per-recipient keys make every delivery at most once."""

from __future__ import annotations

from typing import Any

import structlog
from temporalio import activity
from temporalio.exceptions import ApplicationError

from activities.contracts import DELIVER_REMINDER, FanoutDone, ReminderFanout
from activities.metrics import count_deliveries
from activities.outbox import Notification, NotificationService
from domain.events import TraineeEnrolled, load_event
from domain.reminders import recipients_digest
from eventlog import EventStore

log = structlog.get_logger(__name__)

#: People per page: one read of the log, one statement into the outbox, one heartbeat.
PAGE_SIZE = 1000


def enrolled_as_of(
    store: EventStore, stream_id: str, version: int, page_size: int = PAGE_SIZE
) -> list[str]:
    """The trainees enrolled in the stream up to ``version``, sorted; read a page at a time."""
    people: list[str] = []
    after = 0
    while True:
        page = store.read_stream(
            stream_id,
            after,
            up_to_version=version,
            event_types=("TraineeEnrolled",),
            limit=page_size,
        )
        for row in page:
            event = load_event(row.event_type, row.schema_version, row.payload)
            assert isinstance(event, TraineeEnrolled)
            people.append(event.trainee)
        if len(page) < page_size:
            return sorted(people)
        after = page[-1].stream_version


def _resume_after(details: Any) -> str | None:
    """The last recipient of the delivered prefix an earlier attempt heartbeat (None: none)."""
    if details and isinstance(details[0], str):
        return details[0]
    return None


class ReminderFanoutActivities:
    """The fan-out activity with what the worker wires in: the log and the notifier."""

    def __init__(
        self, store: EventStore, notifier: NotificationService, page_size: int = PAGE_SIZE
    ) -> None:
        self.store = store
        self.notifier = notifier
        self.page_size = page_size

    def audience(self, request: ReminderFanout) -> list[str]:
        if request.audience == "specialist":
            return [request.specialist]
        return enrolled_as_of(self.store, request.stream_id, request.roster_version, self.page_size)

    @activity.defn(name=DELIVER_REMINDER)
    def deliver_reminder(self, request: ReminderFanout) -> FanoutDone:
        info = activity.info()
        people = self.audience(request)
        resume = _resume_after(info.heartbeat_details)
        todo = people if resume is None else [p for p in people if p > resume]
        failures: list[str] = []
        done = resume
        for start in range(0, len(todo), self.page_size):
            page = todo[start : start + self.page_size]
            failed = self.notifier.send_many(
                [Notification.copy_for(request, person) for person in page],
                attempt=info.attempt,
            )
            count_deliveries("delivered", len(page) - len(failed))
            count_deliveries("failed", len(failed))
            failures += failed
            if not failures:  # everyone up to here is delivered: a retry starts after them
                done = page[-1]
            activity.heartbeat(*([done] if done is not None else []))
        log.bind(workflow_id=info.workflow_id).info(
            "reminder delivered",
            kind=request.kind,
            audience=request.audience,
            people=len(people),
            resumed=resume is not None,
            failed=len(failures),
        )
        if failures:
            # Delivered recipients are skipped on the retry (their ledger rows are delivered).
            raise ApplicationError(
                f"{len(failures)} of {len(people)} deliveries failed: {failures[0]}",
                type="DeliveryFailed",
            )
        return FanoutDone(delivered=len(people), digest=recipients_digest(people))
