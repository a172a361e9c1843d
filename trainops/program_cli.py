"""``trainops program …``, ``trainops inbox``, ``trainops notifications``: through the HTTP API,
as the signed-in person (``trainops login``). Nobody acts in another's name from here: the
server decides who you are, checks your role and signs the action for the workflow.

About 400 lines on purpose: one command group per daily job (plan, act, read); the
requests it builds are in ``trainops.program_requests``."""

from __future__ import annotations

from typing import Annotated

import typer

from trainops import program_reads as reads
from trainops.api_client import api
from trainops.language import t
from trainops.lazy import command_group
from trainops.options import AsJson, InUtc, LateReason, OutputOption, TaskOption
from trainops.program_files import FileOption, attendance_from_file, enrol_from_file
from trainops.program_requests import act, done, program_detail, session_spec, when_of, zone_named
from trainops.render import fail

program_app = command_group(no_args_is_help=True, help="Plan and run training programs.")


@program_app.command("create")
def create(
    program_id: Annotated[str, typer.Option("--id", help="A unique program id.")],
    title: Annotated[str, typer.Option()],
    planned_date: Annotated[str, typer.Option(help="Date it should be delivered by (YYYY-MM-DD).")],
    session: Annotated[list[str], typer.Option(help="ID@WHEN[/HOURS], repeatable.")],
    trainee: Annotated[list[str], typer.Option(help="A planned trainee, repeatable.")],
    approver: Annotated[
        list[str] | None, typer.Option(help="Approver the plan names (repeatable).")
    ] = None,
    timezone: Annotated[str, typer.Option(help="IANA time zone of the program.")] = "UTC",
    region: Annotated[
        str | None, typer.Option(help="Holiday calendar region, e.g. CN (ISO 3166).")
    ] = None,
    department: Annotated[str | None, typer.Option()] = None,
    budget: Annotated[str, typer.Option(help="Budget, e.g. 12000.00")] = "0",
    external_instructor: Annotated[bool, typer.Option()] = False,
    evaluation_days: Annotated[int, typer.Option(help="Evaluation window in days.")] = 14,
    as_json: AsJson = False,
) -> None:
    """Plan a new program as the signed-in specialist (it starts as a draft)."""
    zone = zone_named(timezone)
    body = {
        "program_id": program_id,
        "title": title,
        "planned_date": planned_date,
        "sessions": [session_spec(spec, zone) for spec in session],
        "trainees": trainee,
        "approvers": approver or [],
        "timezone": zone,
        "region": region,
        "department": department,
        "budget": budget,
        "external_instructor": external_instructor,
        "evaluation_window_days": evaluation_days,
    }
    with api() as client:
        result = client.post("/api/v1/programs", {k: v for k, v in body.items() if v is not None})
    done(result, as_json)


@program_app.command()
def submit(program_id: str, as_json: AsJson = False) -> None:
    """Submit a draft for approval."""
    act(program_id, "submit", None, as_json)


@program_app.command()
def approve(
    program_id: str, task: TaskOption = None, comment: str = "", as_json: AsJson = False
) -> None:
    """Approve through one of your tasks (never your own submission; one step per person)."""
    act(program_id, "approve", {"task_id": task, "comment": comment}, as_json)


@program_app.command()
def reject(
    program_id: str,
    reason: Annotated[str, typer.Option()],
    task: TaskOption = None,
    as_json: AsJson = False,
) -> None:
    """Reject a submitted program; this ends it."""
    act(program_id, "reject", {"task_id": task, "reason": reason}, as_json)


@program_app.command("request-changes")
def request_changes(
    program_id: str,
    reason: Annotated[str, typer.Option()],
    task: TaskOption = None,
    as_json: AsJson = False,
) -> None:
    """Send a submitted program back to its specialist; the policy runs again on resubmission."""
    act(program_id, "request-changes", {"task_id": task, "reason": reason}, as_json)


@program_app.command()
def withdraw(program_id: str, reason: str = "", as_json: AsJson = False) -> None:
    """Withdraw your submission (back to draft); open approval tasks are withdrawn."""
    act(program_id, "withdraw", {"reason": reason}, as_json)


@program_app.command()
def claim(program_id: str, task: TaskOption = None, as_json: AsJson = False) -> None:
    """Take a task offered to your group."""
    act(program_id, "claim", {"task_id": task}, as_json)


@program_app.command()
def unclaim(program_id: str, task: TaskOption = None, as_json: AsJson = False) -> None:
    """Give a claimed task back to its group."""
    act(program_id, "unclaim", {"task_id": task}, as_json)


@program_app.command()
def delegate(
    program_id: str,
    to: Annotated[str, typer.Option(help="Who should look at it.")],
    task: TaskOption = None,
    comment: str = "",
    as_json: AsJson = False,
) -> None:
    """Delegate your task; it comes back to you when the delegate resolves it."""
    act(program_id, "delegate", {"task_id": task, "to": to, "comment": comment}, as_json)


@program_app.command()
def resolve(
    program_id: str, task: TaskOption = None, comment: str = "", as_json: AsJson = False
) -> None:
    """As a delegate: hand the task back to its owner with your view."""
    act(program_id, "resolve", {"task_id": task, "comment": comment}, as_json)


@program_app.command()
def reassign(
    program_id: str,
    task: Annotated[
        str,
        typer.Option("--task", help="Task id, or its first 8 characters as timelines show it."),
    ],
    to: Annotated[str, typer.Option(help="The approver who takes the task over.")],
    comment: str = "",
    as_json: AsJson = False,
) -> None:
    """As an admin: give a task to someone else."""
    act(program_id, "reassign", {"task_id": task, "to": to, "comment": comment}, as_json)


@program_app.command()
def revise(
    program_id: str,
    title: Annotated[str | None, typer.Option()] = None,
    planned_date: Annotated[str | None, typer.Option()] = None,
    session: Annotated[list[str] | None, typer.Option(help="Replaces all sessions.")] = None,
    trainee: Annotated[list[str] | None, typer.Option(help="Replaces all trainees.")] = None,
    approver: Annotated[
        list[str] | None, typer.Option(help="Replaces the plan's approvers (repeatable).")
    ] = None,
    department: Annotated[str | None, typer.Option()] = None,
    budget: Annotated[str | None, typer.Option(help="Budget, e.g. 12000.00")] = None,
    external_instructor: Annotated[bool | None, typer.Option()] = None,
    comment: str = "",
    as_json: AsJson = False,
) -> None:
    """Revise a draft or a program sent back for changes; unspecified parts stay as they are."""
    state = program_detail(program_id)["state"]
    zone = str(state.get("timezone", "UTC"))
    sessions = (
        [session_spec(s, zone) for s in session] if session else list(state["sessions"].values())
    )
    body = {
        "title": state["title"] if title is None else title,
        "planned_date": planned_date or state["planned_date"],
        "sessions": sessions,
        "trainees": trainee or state["trainees"],
        "budget": state.get("budget") if budget is None else budget,
        "external_instructor": state.get("external_instructor")
        if external_instructor is None
        else external_instructor,
        "approvers": approver,
        "department": department,
        "comment": comment,
    }
    act(program_id, "revise", body, as_json)


@program_app.command()
def publish(program_id: str, as_json: AsJson = False) -> None:
    """Publish an approved program: trainees are enrolled and reminders scheduled."""
    act(program_id, "publish", None, as_json)


@program_app.command()
def enroll(program_id: str, trainee: str, as_json: AsJson = False) -> None:
    """Enrol one more trainee in a published program."""
    act(program_id, "enroll", {"trainee": trainee}, as_json)


@program_app.command()
def enrol(program_id: str, file: FileOption, as_json: AsJson = False) -> None:
    """Enrol everyone a roster file names (checked whole first; run again to resume)."""
    enrol_from_file(program_id, file, as_json)


@program_app.command()
def attendance(
    program_id: str,
    session_id: str,
    file: FileOption,
    late_reason: LateReason = None,
    as_json: AsJson = False,
) -> None:
    """Record everyone a sign-in sheet or a device export names as attending a session."""
    attendance_from_file(program_id, session_id, file, late_reason, as_json)


@program_app.command()
def reschedule(program_id: str, session_id: str, starts_at: str, as_json: AsJson = False) -> None:
    """Move a session (its reminders move with it); a time without offset is program-local."""
    zone = str(program_detail(program_id)["state"].get("timezone", "UTC"))
    moved = when_of(starts_at, zone)
    act(program_id, "reschedule", {"session_id": session_id, "starts_at": moved}, as_json)


@program_app.command()
def attend(
    program_id: str,
    session_id: str,
    attendee: Annotated[list[str], typer.Option(help="A trainee who attended, repeatable.")],
    late_reason: LateReason = None,
    as_json: AsJson = False,
) -> None:
    """Record who attended a session, from its start on (everyone else enrolled is absent)."""
    body = {"session_id": session_id, "attendees": attendee, "late_reason": late_reason}
    act(program_id, "attendance", body, as_json)


@program_app.command("complete-session")
def completesession_spec(
    program_id: str, session_id: str, late_reason: LateReason = None, as_json: AsJson = False
) -> None:
    """Mark a session as held (from its start on)."""
    body = {"session_id": session_id, "late_reason": late_reason}
    act(program_id, "complete-session", body, as_json)


@program_app.command()
def complete(program_id: str, as_json: AsJson = False) -> None:
    """Finish execution (all sessions held); the evaluation window opens."""
    act(program_id, "complete-execution", None, as_json)


@program_app.command()
def survey(
    program_id: str,
    score: Annotated[list[str], typer.Option(help="DIMENSION=0..100, e.g. overall=90.")],
    comment: str = "",
    as_json: AsJson = False,
) -> None:
    """Your reaction survey as a trainee (needs at least overall=…)."""
    try:
        scores = {k: float(v) for k, v in (s.split("=", 1) for s in score)}
    except ValueError as exc:
        raise fail(t("scores look like overall=90 content=80")) from exc
    act(program_id, "survey", {"scores": scores, "comment": comment}, as_json)


@program_app.command()
def exam(
    program_id: str,
    answer: Annotated[
        list[str], typer.Option(help="QUESTION=ANSWER of the online exam, repeatable.")
    ],
    as_json: AsJson = False,
) -> None:
    """Your online exam as a trainee: the answers are graded from the course's answer key."""
    try:
        answers = dict(a.split("=", 1) for a in answer)
    except ValueError as exc:
        raise fail(t("answers look like q1=B q2=A")) from exc
    act(program_id, "exam", {"answers": answers}, as_json)


@program_app.command("exam-score")
def exam_score(
    program_id: str,
    trainee: Annotated[str, typer.Option(help="Whose exam it was.")],
    score: Annotated[float, typer.Option(help="The score, 0-100.")],
    evidence: Annotated[str, typer.Option(help="The result's document id or SHA-256 hash.")],
    as_json: AsJson = False,
) -> None:
    """As the specialist: record a score from an exam taken elsewhere, with its evidence."""
    body = {"trainee": trainee, "score": score, "evidence": evidence}
    act(program_id, "exam-score", body, as_json)


@program_app.command("confirm-exam-score")
def confirm_exam_score(
    program_id: str,
    trainee: Annotated[str, typer.Option(help="Whose score.")],
    as_json: AsJson = False,
) -> None:
    """A second person confirms a recorded exam score, so that it counts (four-eyes)."""
    act(program_id, "confirm-exam-score", {"trainee": trainee}, as_json)


@program_app.command("close-evaluation")
def close_evaluation(program_id: str, as_json: AsJson = False) -> None:
    """Close the evaluation window early (it also closes by itself)."""
    act(program_id, "close-evaluation", None, as_json)


@program_app.command()
def feedback(
    program_id: str, summary: Annotated[str, typer.Option()], as_json: AsJson = False
) -> None:
    """Write the specialist's feedback; this closes the program."""
    act(program_id, "feedback", {"summary": summary}, as_json)


@program_app.command()
def cancel(
    program_id: str, reason: Annotated[str, typer.Option()], as_json: AsJson = False
) -> None:
    """Cancel a program that has not finished execution; its reminders stop."""
    act(program_id, "cancel", {"reason": reason}, as_json)


@program_app.command()
def show(
    program_id: str,
    as_json: AsJson = False,
    utc: InUtc = False,
    before: Annotated[
        int | None, typer.Option(min=1, help="Only timeline lines before this position.")
    ] = None,
) -> None:
    """A program's status and timeline, as you may see it; times in the program's zone."""
    reads.show(program_id, as_json=as_json, utc=utc, before=before)


@program_app.command()
def trainees(
    program_id: str,
    after: Annotated[
        str | None, typer.Option(help="Only people whose ids sort after this one.")
    ] = None,
    limit: Annotated[
        int | None, typer.Option(min=1, max=reads.MAX_PAGE, help="People a page.")
    ] = None,
    as_json: AsJson = False,
    output: OutputOption = None,
) -> None:
    """A program's people, a page at a time (200 unless --limit), and what each did."""
    reads.trainees(program_id, after=after, limit=limit, as_json=as_json, output=output)


@program_app.command("list")
def list_programs(
    specialist: Annotated[str | None, typer.Option()] = None,
    as_json: AsJson = False,
    output: OutputOption = None,
) -> None:
    """The programs you may see (or one specialist's)."""
    reads.list_programs(specialist, as_json=as_json, output=output)


def inbox(as_json: AsJson = False, utc: InUtc = False, output: OutputOption = None) -> None:
    """Your approval tasks: assigned to you, offered to your groups, or delegated to you."""
    reads.inbox(as_json=as_json, utc=utc, output=output)


def notifications(
    recipient: Annotated[str | None, typer.Option(help="Whose (admins; default: yours).")] = None,
    as_json: AsJson = False,
    output: OutputOption = None,
) -> None:
    """Notifications in the outbox, newest first."""
    reads.notifications(recipient, as_json=as_json, output=output)
