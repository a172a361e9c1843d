"""Why the program's rules refuse a command: a code, its parameters and the English text.

The domain raises ``refused(code, **params)``; the message (``str()``) is the English text, and
``code`` and ``params`` travel with it so that whoever shows the refusal can say it in the
reader's language (the pages' catalog has every code in English and Simplified Chinese; a test
keeps both complete). Parameters are plain strings, raw data: a text that quotes one says so
itself (``{trainee!r}``), so ``params`` carry ``emp.1``, not ``'emp.1'``.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A command the program's rules refuse; the message is meant for the person who asked.
    ``code`` and ``params`` say the same for a catalog (``domain.refusals``)."""

    def __init__(self, message: str, *, code: str = "", params: dict[str, str] | None = None):
        super().__init__(message)
        self.code = code
        self.params = dict(params or {})


#: Every refusal's English text by code ({name} is a parameter).
REFUSALS: dict[str, str] = {
    "day.not_a_date": "{name} {value!r} is not a date: write YYYY-MM-DD, e.g. 2027-03-20",
    "day.not_in_calendar": "{name} {value!r} is not a day of the calendar",
    "day.out_of_range": "{name} {day} is out of range: years {first} to {last}",
    "task.none_open_for_actor": "{actor!r} has no open approval task on this program",
    "task.unknown_command": "unknown task command {command}",
    "task.four_eyes_submitter": (
        "{subject} submitted this program and cannot decide on it (four-eyes rule)"
    ),
    "task.four_eyes_same_step": "{subject} already approved this step",
    "task.four_eyes_other_step": (
        "{subject} already approved step {p0!r}; one person cannot approve two steps"
    ),
    "task.delegated_elsewhere": (
        "task {task_id} is delegated to {assignee!r}; it comes back to {owner!r} once resolved"
    ),
    "task.not_candidate_of_group": ("{actor!r} is not a candidate for task {task_id} ({group})"),
    "task.not_open": "no open approval task {task_id!r} on this program",
    "task.held_as_delegate": (
        "you hold task {task_id} as a delegate: resolve it back to {owner!r}"
    ),
    "task.assigned_to_another": "task {task_id} is assigned to {assignee!r}, not {actor!r}",
    "task.four_eyes_own_submission": (
        "{actor!r} submitted this program and cannot decide on it (four-eyes rule)"
    ),
    "task.claim_not_group_task": "task {task_id} is assigned to a person, not a group",
    "task.claim_already_claimed": "task {task_id} is already claimed by {assignee!r}",
    "task.claim_not_candidate": "{actor!r} is not a candidate for task {task_id}",
    "task.claim_holds_step": "{actor!r} already holds a task of this step",
    "task.unclaim_not_claimed": "{actor!r} has not claimed task {task_id}",
    "task.unclaim_delegated": ("task {task_id} is delegated; wait until it is resolved"),
    "task.delegate_not_holder": "only the holder of task {task_id} may delegate it{hint}",
    "task.delegate_already_delegated": "task {task_id} is already delegated to {assignee!r}",
    "task.delegate_to_oneself": "a task cannot be delegated to oneself",
    "task.resolve_not_delegated": "task {task_id} is not delegated to {actor!r}",
    "task.reassign_not_admin": (
        "only an admin named by the program's approval route ({admins}: the approval.admins of "
        "the policy in force when it was submitted) may reassign its tasks, not {actor!r}; "
        "with none named there, the specialist withdraws the program and submits it again"
    ),
    "task.reassign_same_person": "task {task_id} is already assigned to {to!r}",
    "facts.trainee_reports_score": (
        "trainees do not report their own exam score: the program's specialist records "
        "the score of an exam taken elsewhere, with its evidence (exam_score)"
    ),
    "facts.before_session_start": (
        "session {session_id!r} starts at {when}: its {what} cannot be recorded "
        "before it has started"
    ),
    "facts.late_without_reason": (
        "session {session_id!r} ended at {when}, more than {days} days ago: its {what} is "
        "entered late, give the reason (late_reason)"
    ),
    "facts.evaluation_closed": "the evaluation window closed at {when}",
    "facts.already_examined": "{trainee!r} already has an exam result",
    "facts.score_already_pending": (
        "an exam score of {trainee!r} is already awaiting confirmation"
    ),
    "facts.score_without_attendance": "{trainee!r} did not attend this program: no exam to score",
    "facts.no_pending_score": "no exam score of {trainee!r} is awaiting confirmation",
    "facts.confirm_own_score": ("{actor!r} recorded this score: a second person must confirm it"),
    "facts.confirm_by_specialist": "the program's specialist cannot confirm its exam scores",
    "facts.confirm_by_trainee": (
        "{actor!r} is a trainee of this program and cannot confirm scores"
    ),
    "program.unknown_command": "unknown command {command}",
    "program.unknown_event": "unknown event {command}",
    "program.sessions_in_past": (
        "session(s) {p0} start in the past (now {now}): plan sessions ahead; history is "
        "imported with `trainops data migrate`"
    ),
    "program.not_allowed_in_status": (
        "cannot {action} a program that is {value} (allowed when: {names})"
    ),
    "program.no_such_session": "no session {session_id!r} in this program (sessions: {known})",
    "program.session_already_completed": "session {session_id!r} is already completed",
    "program.not_the_specialist": (
        "only the program's specialist {specialist!r} may do this, not {actor!r}"
    ),
    "program.evaluate_without_attendance": (
        "{actor!r} did not attend this program and cannot evaluate it"
    ),
    "program.stream_without_plan": ("a program stream must start with ProgramPlanned, not {type}"),
    "program.already_enrolled": "{trainee!r} is already enrolled",
    "program.already_enrolled_many": "{trainees} is already enrolled",
    "program.reschedule_to_past": "a session can only be moved to a time in the future",
    "program.session_started": (
        "session {session_id} has started: it is no longer moved (record its attendance, or "
        "revise the plan before it starts)"
    ),
    "program.attendees_not_enrolled": "not enrolled in this program: {p0}",
    "program.attendees_already_recorded": "already recorded as attending this session: {p0}",
    "program.attendance_already_recorded": (
        "attendance of session {session_id!r} already recorded"
    ),
    "program.complete_without_attendance": (
        "record the attendance of session {session_id!r} before completing it"
    ),
    "program.sessions_not_completed": "sessions not completed yet: {p0}",
    "program.survey_already_submitted": "{actor!r} already submitted a survey",
    "program.exam_already_submitted": (
        "{actor!r} already has an exam result on this program (taken online or recorded by the "
        "specialist from a paper exam); an exam counts once"
    ),
    "exam.no_course": (
        "program {program_id!r} has no course to grade an online exam against: an admin "
        "assigns one (reference data, kind 'assignments') first"
    ),
    "exam.course_not_defined": "course {course_id!r} is not defined in the reference data",
    "exam.no_answer_key": "course {course_id!r} has no answer key to grade an exam against",
    "exam.unknown_questions": "answers to questions the course does not have: {questions}",
    "program.exam_without_grading": "exam answers must be graded against the course's answer key",
    "policy.no_department": (
        "step {step!r} needs the department manager, but the plan names no department: give the "
        "program one"
    ),
    "policy.no_manager": (
        "step {step!r} needs the department manager, but no manager is configured for department "
        "{department!r}"
    ),
    "policy.no_plan_approvers": "step {step!r} needs approvers named in the plan",
    "policy.quorum_short": "step {step!r}: quorum {quorum} but only {approvers} approvers",
    "policy.cannot_staff": (
        "step {step!r} needs {quorum} approver(s) who neither submitted this program nor approve "
        "another step, and its {eligible} candidate(s) cannot provide them (four-eyes rule); "
        "an admin widens the step's approvers or lowers its quorum in the approval policy"
    ),
}


#: How an action (a command's ``kind``, the ``action`` parameter) reads in an English
#: sentence, "cannot {action} a program that is …", where the kind itself is not a verb.
ACTION_WORDS_EN: dict[str, str] = {
    "request_changes": "request changes to",
    "claim": "claim a task of",
    "unclaim": "return a task of",
    "delegate": "delegate a task of",
    "resolve": "resolve a task of",
    "reassign": "reassign a task of",
    "enroll": "enrol a trainee in",
    "enroll_many": "enrol trainees in",
    "reschedule": "reschedule a session of",
    "attendance": "record attendance for",
    "attendance_batch": "record attendance for",
    "complete_session": "complete a session of",
    "complete_execution": "complete the execution of",
    "survey": "submit a survey for",
    "exam": "take the exam of",
    "exam_score": "record an exam score for",
    "confirm_exam_score": "confirm an exam score for",
    "close_evaluation": "close the evaluation of",
    "feedback": "give feedback on",
}


def in_english(template: str, params: dict[str, str]) -> str:
    """``template`` filled with ``params``, an action in words (the params keep its kind)."""
    action = params.get("action")
    shown = params if action is None else {**params, "action": ACTION_WORDS_EN.get(action, action)}
    return template.format_map(shown)


def param_text(value: object) -> str:
    """A parameter as text: several values as ``a, b`` (a set in order), never Python's
    ``['a', 'b']`` with each item quoted, which a person reads as code (issue 16)."""
    if isinstance(value, set | frozenset):
        value = sorted(value, key=str)
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return str(value)


def param_items(text: str) -> list[str]:
    """The values ``param_text`` joined, again (ids and names in refusals hold no ", ")."""
    return [item for item in text.split(", ") if item]


def params_data(params: Mapping[str, object]) -> dict[str, object]:
    """Parameters as data a client or a stored report reads: numbers stay numbers (a template
    formats them itself, ``{enrolled:,}``), anything else is its text (``param_text``). Never
    words or numbers already formatted in one language."""
    return {
        name: value
        if isinstance(value, int | float) and not isinstance(value, bool)
        else param_text(value)
        for name, value in params.items()
    }


def refused(code: str, /, **params: object) -> DomainError:
    """The ``DomainError`` for ``code`` with its parameters (raise it)."""
    values = {name: param_text(value) for name, value in params.items()}
    return DomainError(in_english(REFUSALS[code], values), code=code, params=values)


#: Refusals that name something the program does not have: answered as not found (404, the
#: command line's exit 4), not as a rule that forbids (403).
NOT_FOUND_CODES = frozenset({"program.no_such_session", "task.not_open"})
