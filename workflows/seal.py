"""The sealing workflow: started by a Temporal Schedule (``services.sealing``), it runs the one
activity that verifies the log, seals its head with the seal key and hands the seals to the
witnesses. A workflow, not a timer in some process, so a run survives worker restarts, shows
in the Temporal UI with its outcome, and overlapping runs are skipped by the schedule."""

from __future__ import annotations

from datetime import timedelta

from temporalio import workflow
from temporalio.common import RetryPolicy

with workflow.unsafe.imports_passed_through():
    from activities.contracts import LOG_NOT_INTACT, SEAL_LOG, SealLogOutput

#: A witness that is down is retried for a while; a log that does not verify is not.
SEAL_RETRY = RetryPolicy(
    initial_interval=timedelta(seconds=10),
    backoff_coefficient=2.0,
    maximum_interval=timedelta(minutes=5),
    maximum_attempts=6,
    non_retryable_error_types=[LOG_NOT_INTACT],
)


@workflow.defn(name="SealLog")
class SealLogWorkflow:
    @workflow.run
    async def run(self) -> SealLogOutput:
        outcome: SealLogOutput = await workflow.execute_activity(
            SEAL_LOG,
            start_to_close_timeout=timedelta(minutes=30),
            retry_policy=SEAL_RETRY,
            result_type=SealLogOutput,
        )
        return outcome
