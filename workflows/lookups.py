"""What the program workflow looks up before it decides an action: the approval route a
submission follows, an online exam's grading, and whether a reported score is refused because
the course has an online exam. Each look-up comes after a dry run of the decision with stand-ins,
so an action the rules refuse anyway looks nothing up."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from temporalio import workflow
from temporalio.common import RetryPolicy
from temporalio.exceptions import ApplicationError

with workflow.unsafe.imports_passed_through():
    from activities.contracts import (
        GRADE_EXAM,
        HAS_ONLINE_EXAM,
        INVALID_INPUT,
        POLICY_ERROR,
        RESOLVE_APPROVAL_ROUTE,
        GradeExamInput,
    )
    from domain.approval import ApprovalRoute
    from domain.commands import ProgramCommand, SubmitExam, SubmitProgram
    from domain.events import ExamGrading
    from domain.state import ProgramState
    from workflows.quick_steps import quick_step

#: Patch marker: score submissions look up whether the course has an online exam (histories
#: recorded before it replay without the lookup).
ONLINE_EXAM_CHECK = "score-refused-when-online-exam"

LOOKUP_RETRY = RetryPolicy(
    maximum_interval=timedelta(seconds=30),
    non_retryable_error_types=[POLICY_ERROR, INVALID_INPUT],
)

#: Stand in for the real route and grading while an action is only being validated.
VALIDATION_ROUTE = ApprovalRoute(policy="(validating)", steps=())
VALIDATION_GRADING = ExamGrading(course_id="(validating)", score=0, items=())


async def look_ups(
    state: ProgramState, command: ProgramCommand, dry_run: Callable[..., Any]
) -> tuple[ApprovalRoute | None, ExamGrading | None]:
    """The route and grading ``command`` needs (None where it needs none); ``dry_run`` decides
    with the stand-ins given as keywords, raising the refusal."""
    if (
        isinstance(command, SubmitExam)
        and command.answers is None
        and workflow.patched(ONLINE_EXAM_CHECK)
    ):
        dry_run(grading=VALIDATION_GRADING)  # refuse before looking up
        online = await quick_step(
            HAS_ONLINE_EXAM,
            state.program_id,
            result_type=bool,
            timeout=timedelta(seconds=30),
            retry_policy=LOOKUP_RETRY,
        )
        if online:
            raise ApplicationError(
                "this program's course has an online exam: answer its questions;"
                " a score cannot be reported instead",
                type="DomainError",
                non_retryable=True,
            )
    if isinstance(command, SubmitExam) and command.answers is not None:
        dry_run(grading=VALIDATION_GRADING)  # refuse before grading
        grading: ExamGrading = await quick_step(
            GRADE_EXAM,
            GradeExamInput(program_id=state.program_id, answers=command.answers),
            result_type=ExamGrading,
            timeout=timedelta(seconds=30),
            retry_policy=LOOKUP_RETRY,
        )
        return None, grading
    if isinstance(command, SubmitProgram):
        dry_run(route=VALIDATION_ROUTE)  # refuse before looking anything up
        route: ApprovalRoute = await quick_step(
            RESOLVE_APPROVAL_ROUTE,
            state.facts,
            result_type=ApprovalRoute,
            timeout=timedelta(seconds=30),
            retry_policy=LOOKUP_RETRY,
        )
        return route, None
    return None, None
