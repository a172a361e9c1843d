"""Session reminders fanned out by reference (patch ``reminder-fanout-by-reference``).

The workflow names the audience (the specialist, or the trainees enrolled as of its stream
version) and one heartbeating activity reads and delivers it page by page; the recorded
``ReminderSent`` holds the count, the digest of the sorted recipients and that roster version,
never the list. Payloads and history stay the same size for 5 or 50,000 trainees.
"""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.contracts import DELIVER_REMINDER, FanoutDone, ReminderFanout
    from domain import events as e
    from domain.instants import instant_text
    from domain.notices import compose, with_program
    from domain.reminders import Reminder
    from domain.state import ProgramState
    from domain.streams import program_stream

#: Patch marker: session reminders go out by reference (histories recorded before it replay
#: the notice with every recipient and the event that lists them).
REMINDER_BY_REFERENCE = "reminder-fanout-by-reference"

FANOUT_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=2),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=10),
)
#: A worker that dies mid-fan-out is noticed this soon; the retry resumes from its heartbeat.
FANOUT_HEARTBEAT = timedelta(minutes=2)


def reminder_text(state: ProgramState, reminder: Reminder) -> tuple[str, str]:
    """The reminder's subject and body (the same words whichever way it is delivered)."""
    session = state.sessions[reminder.session_id]
    return compose(
        reminder.kind,
        title=state.title,
        session_id=session.session_id,
        starts_at=instant_text(session.starts_at, state.timezone),
    )


async def send_by_reference(
    state: ProgramState, reminder: Reminder, roster_version: int
) -> e.ReminderSent:
    """Deliver ``reminder`` to its audience as of ``roster_version``; the event to record."""
    subject, body = reminder_text(state, reminder)
    done = await workflow.execute_activity(
        DELIVER_REMINDER,
        ReminderFanout(
            idempotency_key=f"{workflow.info().workflow_id}:{reminder.reminder_id}",
            program_id=state.program_id,
            stream_id=program_stream(state.program_id),
            roster_version=roster_version,
            audience=reminder.audience,
            specialist=state.specialist,
            kind=reminder.kind,
            subject=subject,
            body=with_program(body, state.program_id),
        ),
        result_type=FanoutDone,
        start_to_close_timeout=timedelta(hours=2),
        heartbeat_timeout=FANOUT_HEARTBEAT,
        retry_policy=FANOUT_RETRY,
    )
    return e.ReminderSent(
        reminder_id=reminder.reminder_id,
        kind=reminder.kind,
        session_id=reminder.session_id,
        due_at=reminder.due_at,
        recipient_count=done.delivered,
        recipients_digest=done.digest,
        roster_version=roster_version,
    )
