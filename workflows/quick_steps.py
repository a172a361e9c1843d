"""The program workflow's quick steps — the look-ups an action needs (roster facts, approval
route, exam grading, settings, the plan's proof) — and in which kind of activity they run.

They ran as local activities for a while (patch ``quick-steps-as-local-activities``): in the
worker, inside the workflow task that asked, with only their result in history, so an action
waited for one round trip through the server instead of about three. Under a long burst of
actions on one program (hundreds of answers on Temporal's dev server, more than the ten updates
it admits in flight) the server drops workflow tasks that carry updates, and a worker whose
dropped task had a local activity under way failed every later task of the run with
"Nondeterminism error: Missing associated machine for LocalActivity": the program stopped
answering and the waiting actions were aborted. New runs (patch
``quick-steps-as-ordinary-activities``) run them as ordinary activities again, scheduled in
history before they run, as the appends already are (``workflows.recording``); an action waits
about twice as long, and actions that arrive together still share one roster look-up and one
append (``workflows.group_commit``). Runs recorded with local quick steps replay them as such
until they continue as new.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, TypeVar

from temporalio import workflow
from temporalio.common import RetryPolicy

#: Patch marker: the quick steps run as local activities (runs recorded from 5 December on).
LOCAL_QUICK_STEPS = "quick-steps-as-local-activities"
#: Patch marker: the quick steps run as ordinary activities again (runs begun from 6 December).
ORDINARY_QUICK_STEPS = "quick-steps-as-ordinary-activities"

Result = TypeVar("Result")


async def quick_step(
    name: str,
    argument: Any,
    *,
    result_type: type[Result],
    timeout: timedelta,
    retry_policy: RetryPolicy,
) -> Result:
    """Run the activity ``name``: an ordinary activity, or a local one in runs recorded with
    local quick steps (asked in this order, a new run records only the newer marker)."""
    result: Result
    if not workflow.patched(ORDINARY_QUICK_STEPS) and workflow.patched(LOCAL_QUICK_STEPS):
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
