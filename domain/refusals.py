"""Why the program's rules refuse a command: a code, its parameters and the English text.

The domain raises ``refused(code, **params)``; the message (``str()``) is the English text, and
``code`` and ``params`` travel with it so that whoever shows the refusal can say it in the
reader's language (the pages' catalog has every code in English and Simplified Chinese; a test
keeps both complete). Parameters are plain strings, already quoted where the text quotes them.
"""

from __future__ import annotations

from domain.state import DomainError

#: Every refusal's English text by code ({name} is a parameter).
REFUSALS: dict[str, str] = {
    "approval_flow.has_no_open_approval": "{actor} has no open approval task on this program",
    "approval_flow.unknown_task_command": "unknown task command {command}",
    "approval_flow.submitted_program_and_cannot": (
        "{subject} submitted this program and cannot decide on it (four-eyes rule)"
    ),
    "approval_flow.already_approved_step": "{subject} already approved this step",
    "approval_flow.already_approved_step_one": (
        "{subject} already approved step {p0}; one person cannot approve two steps"
    ),
    "approval_flow.task_delegated_comes_back": (
        "task {task_id} is delegated to {assignee}; it comes back to {owner} once resolved"
    ),
    "approval_flow.not_candidate_for_task": (
        "{actor} is not a candidate for task {task_id} ({group})"
    ),
    "approval_flow.no_open_approval_task": "no open approval task {task_id} on this program",
    "approval_flow.you_hold_task_as": (
        "you hold task {task_id} as a delegate: resolve it back to {owner}"
    ),
    "approval_flow.task_assigned_not": "task {task_id} is assigned to {assignee}, not {actor}",
    "approval_flow.submitted_program_and_cannot2": (
        "{actor} submitted this program and cannot decide on it (four-eyes rule)"
    ),
    "approval_flow.task_assigned_person_not": "task {task_id} is assigned to a person, not a group",
    "approval_flow.task_already_claimed_by": "task {task_id} is already claimed by {assignee}",
    "approval_flow.not_candidate_for_task2": "{actor} is not a candidate for task {task_id}",
    "approval_flow.already_holds_task_step": "{actor} already holds a task of this step",
    "approval_flow.has_not_claimed_task": "{actor} has not claimed task {task_id}",
    "approval_flow.task_delegated_wait_until": (
        "task {task_id} is delegated; wait until it is resolved"
    ),
    "approval_flow.only_holder_task_may": "only the holder of task {task_id} may delegate it{hint}",
    "approval_flow.task_already_delegated": "task {task_id} is already delegated to {assignee}",
    "approval_flow.task_cannot_be_delegated": "a task cannot be delegated to oneself",
    "approval_flow.task_not_delegated": "task {task_id} is not delegated to {actor}",
    "approval_flow.only_admin_approval_policy": (
        "only an admin of the approval policy may reassign, not {actor}"
    ),
    "approval_flow.task_already_assigned": "task {task_id} is already assigned to {to}",
    "facts.trainees_do_not_report": (
        "trainees do not report their own exam score: the program's specialist records "
        "the score of an exam taken elsewhere, with its evidence (exam_score)"
    ),
    "facts.session_starts_at_cannot": (
        "session {session_id} starts at {when}: its {what} cannot be recorded before it has started"
    ),
    "facts.session_ended_at_more": (
        "session {session_id} ended at {when}, more than {days} days ago: its {what} is "
        "entered late, give the reason (late_reason)"
    ),
    "facts.evaluation_window_closed_at": "the evaluation window closed at {when}",
    "facts.already_has_exam_result": "{trainee} already has an exam result",
    "facts.exam_score_already_awaiting": (
        "an exam score of {trainee} is already awaiting confirmation"
    ),
    "facts.did_not_attend_program": "{trainee} did not attend this program: no exam to score",
    "facts.no_exam_score_awaiting": "no exam score of {trainee} is awaiting confirmation",
    "facts.recorded_score_second_person": (
        "{actor} recorded this score: a second person must confirm it"
    ),
    "facts.program_s_specialist_cannot": "the program's specialist cannot confirm its exam scores",
    "facts.trainee_program_and_cannot": (
        "{actor} is a trainee of this program and cannot confirm scores"
    ),
    "program.unknown_command": "unknown command {command}",
    "program.unknown_event": "unknown event {command}",
    "program.session_s_start_in": (
        "session(s) {p0} start in the past (now {now}): plan sessions ahead; history is "
        "imported with `trainops data migrate`"
    ),
    "program.cannot_program_that_allowed": (
        "cannot {action} a program that is {value} (allowed when: {names})"
    ),
    "program.no_session_in_program": "no session {session_id} in this program (sessions: {known})",
    "program.session_already_completed": "session {session_id} is already completed",
    "program.only_program_s_specialist": (
        "only the program's specialist {specialist} may do this, not {actor}"
    ),
    "program.did_not_attend_program": "{actor} did not attend this program and cannot evaluate it",
    "program.program_stream_must_start": (
        "a program stream must start with ProgramPlanned, not {type}"
    ),
    "program.already_enrolled": "{trainee} is already enrolled",
    "program.session_can_only_be": "a session can only be moved to a time in the future",
    "program.not_enrolled_in_program": "not enrolled in this program: {p0}",
    "program.attendance_session_already_recorded": (
        "attendance of session {session_id} already recorded"
    ),
    "program.record_attendance_session_before": (
        "record the attendance of session {session_id} before completing it"
    ),
    "program.sessions_not_completed_yet": "sessions not completed yet: {p0}",
    "program.already_submitted_survey": "{actor} already submitted a survey",
    "program.already_submitted_exam": "{actor} already submitted an exam",
    "program.exam_answers_must_be": "exam answers must be graded against the course's answer key",
}


def refused(code: str, /, **params: object) -> DomainError:
    """The ``DomainError`` for ``code`` with its parameters (raise it)."""
    values = {name: str(value) for name, value in params.items()}
    return DomainError(REFUSALS[code].format_map(values), code=code, params=values)
