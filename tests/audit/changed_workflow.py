"""A deliberately non-deterministic change of the program workflow, for the replay check.

Same workflow name, but it now sleeps on a timer before doing anything: histories recorded by
the real workflow start with an activity, so replaying them with this code must fail.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from temporalio import workflow

with workflow.unsafe.imports_passed_through():
    from workflows.program import ProgramWorkflowInput, TrainingProgramWorkflow


@workflow.defn(name="TrainingProgramWorkflow")
class ChangedProgramWorkflow(TrainingProgramWorkflow):
    @workflow.run
    async def run(self, params: ProgramWorkflowInput) -> Any:
        await workflow.sleep(timedelta(minutes=5))  # new: a timer the recorded history lacks
        return await super().run(params)
