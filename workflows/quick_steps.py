"""The program workflow's quick steps — appending to the event log and the look-ups an action
needs (roster facts, approval route, exam grading, settings, the plan's proof) — run as local
activities: in the worker, inside the workflow task that asked, with only their result in
history.

Why: as ordinary activities each step cost two more round trips through the Temporal server
(schedule, poll, complete, a new workflow task), so an action (look up, then append) waited
for about five; now it waits for one. The log appends idempotently (the same event ids
appended again return what the first append returned), so a local activity run again after a
worker crash records nothing twice. Long or outward steps — notices, the reminder fan-out,
enrolling thousands of trainees with heartbeats — stay ordinary activities.

Runs that began before this (histories without the marker) keep ordinary activities on replay.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

#: Patch marker: the quick steps run as local activities.
LOCAL_QUICK_STEPS = "quick-steps-as-local-activities"

Result = TypeVar("Result")


async def quick_step(
    name: str,
    argument: Any,
    *,
    result_type: type[Result],
    timeout: timedelta,
    retry_policy: RetryPolicy,
) -> Result:
    """Run the activity ``name`` as a local activity (an ordinary one in older runs)."""
    result: Result
    if workflow.patched(LOCAL_QUICK_STEPS):
        result = await workflow.execute_local_activity(
            name,
            argument,
            result_type=result_type,
            start_to_close_timeout=timeout,
            retry_policy=retry_policy,
        )
    else:
        result = await workflow.execute_activity(
            name,
            argument,
            result_type=result_type,
            start_to_close_timeout=timeout,
            retry_policy=retry_policy,
        )
    return result
