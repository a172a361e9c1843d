"""``trainops program …``, ``trainops inbox``, ``trainops notifications``: through the HTTP API,
as the signed-in person (``trainops login``). Nobody acts in another's name from here: the
server decides who you are, checks your role and signs the action for the workflow."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from trainops.api_client import api
from trainops.render import OutputOption, console, fail, print_json, rows_table, show_rows, when

program_app = typer.Typer(no_args_is_help=True, help="Plan and run training programs.")
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
InUtc = Annotated[
    bool, typer.Option("--utc", help="Times in UTC instead of the program's time zone.")
]
LateReason = Annotated[
    str | None,
    typer.Option(help="Why this is entered after the entry window (it is marked late-entered)."),
]
TaskOption = Annotated[
    str | None, typer.Option("--task", help="Task id (default: your only open task).")
]


def _session(spec: str, timezone: str) -> dict[str, Any]:
    """``ID@WHEN[/HOURS]``; a time without an offset is read in the program's time zone."""
    try:
        session_id, rest = spec.split("@", 1)
        when, _, hours = rest.partition("/")
        starts_at = datetime.fromisoformat(when)
        duration = float(hours or 2)
    except ValueError as exc:
        raise fail(f"session {spec!r} is not ID@WHEN[/HOURS], e.g. s1@2026-12-10T09:00/3") from exc
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=ZoneInfo(timezone))
    return {
        "session_id": session_id,
        "starts_at": starts_at.isoformat(),
        "duration_hours": duration,
    }


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise fail(f"unknown IANA time zone {name!r}") from exc
    return name


def recorded(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The events an action recorded, each by its id in the log: its stream and version (an
    action appends its events together, so they are the stream's last versions)."""
    events = list(result.get("events", []))
    first = int(result["stream_version"]) - len(events) + 1
    stream = f"program-{result['program_id']}"
    return [
        {
            "event_type": kind,
            "stream_id": stream,
            "stream_version": first + i,
            "id": f"{stream}@{first + i}",
        }
        for i, kind in enumerate(events)
    ]


def _done(result: dict[str, Any], as_json: bool) -> None:
    """An action's answer: the events it recorded (ids) and the program's new state."""
    events = recorded(result)
    if as_json:
        print_json({**result, "recorded": events})
        return
    listed = ", ".join(f"{e['event_type']} {e['id']}" for e in events) or "nothing new"
    console.print(
        f"ok {result['program_id']}: {listed} -> {result['status']}"
        f" (log position {result['last_position']})",
        markup=False,
        highlight=False,
    )


def _act(program_id: str, segment: str, body: dict[str, Any] | None, as_json: bool) -> None:
    fields = {k: v for k, v in (body or {}).items() if v is not None}
    with api() as client:
        result = client.post(f"/api/v1/programs/{program_id}/{segment}", fields)
    _done(result, as_json)


def _program(program_id: str) -> dict[str, Any]:
    with api() as client:
        detail: dict[str, Any] = client.get(f"/api/v1/programs/{program_id}")
    return detail


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
    zone = _zone(timezone)
    body = {
        "program_id": program_id,
        "title": title,
        "planned_date": planned_date,
        "sessions": [_session(spec, zone) for spec in session],
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
    _done(result, as_json)


@program_app.command()
def submit(program_id: str, as_json: AsJson = False) -> None:
    """Submit a draft for approval."""
    _act(program_id, "submit", None, as_json)


@program_app.command()
def approve(
    program_id: str, task: TaskOption = None, comment: str = "", as_json: AsJson = False
) -> None:
    """Approve through one of your tasks (never your own submission; one step per person)."""
    _act(program_id, "approve", {"task_id": task, "comment": comment}, as_json)


@program_app.command()
def reject(
    program_id: str,
    reason: Annotated[str, typer.Option()],
    task: TaskOption = None,
    as_json: AsJson = False,
) -> None:
    """Reject a submitted program; this ends it."""
    _act(program_id, "reject", {"task_id": task, "reason": reason}, as_json)


@program_app.command("request-changes")
def request_changes(
    program_id: str,
    reason: Annotated[str, typer.Option()],
    task: TaskOption = None,
    as_json: AsJson = False,
) -> None:
    """Send a submitted program back to its specialist; the policy runs again on resubmission."""
    _act(program_id, "request-changes", {"task_id": task, "reason": reason}, as_json)


@program_app.command()
def withdraw(program_id: str, reason: str = "", as_json: AsJson = False) -> None:
    """Withdraw your submission (back to draft); open approval tasks are withdrawn."""
    _act(program_id, "withdraw", {"reason": reason}, as_json)


@program_app.command()
def claim(program_id: str, task: TaskOption = None, as_json: AsJson = False) -> None:
    """Take a task offered to your group."""
    _act(program_id, "claim", {"task_id": task}, as_json)


@program_app.command()
def unclaim(program_id: str, task: TaskOption = None, as_json: AsJson = False) -> None:
    """Give a claimed task back to its group."""
    _act(program_id, "unclaim", {"task_id": task}, as_json)


@program_app.command()
def delegate(
    program_id: str,
    to: Annotated[str, typer.Option(help="Who should look at it.")],
    task: TaskOption = None,
    comment: str = "",
    as_json: AsJson = False,
) -> None:
    """Delegate your task; it comes back to you when the delegate resolves it."""
    _act(program_id, "delegate", {"task_id": task, "to": to, "comment": comment}, as_json)


@program_app.command()
def resolve(
    program_id: str, task: TaskOption = None, comment: str = "", as_json: AsJson = False
) -> None:
    """As a delegate: hand the task back to its owner with your view."""
    _act(program_id, "resolve", {"task_id": task, "comment": comment}, as_json)


@program_app.command()
def reassign(
    program_id: str,
    task: Annotated[str, typer.Option("--task")],
    to: Annotated[str, typer.Option()],
    comment: str = "",
    as_json: AsJson = False,
) -> None:
    """As an admin: give a task to someone else."""
    _act(program_id, "reassign", {"task_id": task, "to": to, "comment": comment}, as_json)


@program_app.command()
def revise(
    program_id: str,
    title: Annotated[str | None, typer.Option()] = None,
    planned_date: Annotated[str | None, typer.Option()] = None,
    session: Annotated[list[str] | None, typer.Option(help="Replaces all sessions.")] = None,
    trainee: Annotated[list[str] | None, typer.Option(help="Replaces all trainees.")] = None,
    comment: str = "",
    as_json: AsJson = False,
) -> None:
    """Revise a draft or a program sent back for changes; unspecified parts stay as they are."""
    state = _program(program_id)["state"]
    zone = str(state.get("timezone", "UTC"))
    sessions = [_session(s, zone) for s in session] if session else list(state["sessions"].values())
    body = {
        "title": title or state["title"],
        "planned_date": planned_date or state["planned_date"],
        "sessions": sessions,
        "trainees": trainee or state["trainees"],
        "budget": state.get("budget"),
        "external_instructor": state.get("external_instructor"),
        "comment": comment,
    }
    _act(program_id, "revise", body, as_json)


@program_app.command()
def publish(program_id: str, as_json: AsJson = False) -> None:
    """Publish an approved program: trainees are enrolled and reminders scheduled."""
    _act(program_id, "publish", None, as_json)


@program_app.command()
def enroll(program_id: str, trainee: str, as_json: AsJson = False) -> None:
    """Enrol one more trainee in a published program."""
    _act(program_id, "enroll", {"trainee": trainee}, as_json)


@program_app.command()
def reschedule(program_id: str, session_id: str, starts_at: str, as_json: AsJson = False) -> None:
    """Move a session (its reminders move with it); a time without offset is program-local."""
    zone = str(_program(program_id)["state"].get("timezone", "UTC"))
    moved = _session(f"{session_id}@{starts_at}", zone)
    _act(
        program_id,
        "reschedule",
        {"session_id": session_id, "starts_at": moved["starts_at"]},
        as_json,
    )


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
    _act(program_id, "attendance", body, as_json)


@program_app.command("complete-session")
def complete_session(
    program_id: str, session_id: str, late_reason: LateReason = None, as_json: AsJson = False
) -> None:
    """Mark a session as held (from its start on)."""
    body = {"session_id": session_id, "late_reason": late_reason}
    _act(program_id, "complete-session", body, as_json)


@program_app.command()
def complete(program_id: str, as_json: AsJson = False) -> None:
    """Finish execution (all sessions held); the evaluation window opens."""
    _act(program_id, "complete-execution", None, as_json)


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
        raise fail("scores look like overall=90 content=80") from exc
    _act(program_id, "survey", {"scores": scores, "comment": comment}, as_json)


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
        raise fail("answers look like q1=B q2=A") from exc
    _act(program_id, "exam", {"answers": answers}, as_json)


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
    _act(program_id, "exam-score", body, as_json)


@program_app.command("confirm-exam-score")
def confirm_exam_score(
    program_id: str,
    trainee: Annotated[str, typer.Option(help="Whose score.")],
    as_json: AsJson = False,
) -> None:
    """A second person confirms a recorded exam score, so that it counts (four-eyes)."""
    _act(program_id, "confirm-exam-score", {"trainee": trainee}, as_json)


@program_app.command("close-evaluation")
def close_evaluation(program_id: str, as_json: AsJson = False) -> None:
    """Close the evaluation window early (it also closes by itself)."""
    _act(program_id, "close-evaluation", None, as_json)


@program_app.command()
def feedback(
    program_id: str, summary: Annotated[str, typer.Option()], as_json: AsJson = False
) -> None:
    """Write the specialist's feedback; this closes the program."""
    _act(program_id, "feedback", {"summary": summary}, as_json)


@program_app.command()
def cancel(
    program_id: str, reason: Annotated[str, typer.Option()], as_json: AsJson = False
) -> None:
    """Cancel a program that has not finished execution; its reminders stop."""
    _act(program_id, "cancel", {"reason": reason}, as_json)


@program_app.command()
def show(program_id: str, as_json: AsJson = False, utc: InUtc = False) -> None:
    """A program's status and timeline, as you may see it; times in the program's zone."""
    detail = _program(program_id)
    if as_json:
        print_json({"program": detail["program"], "timeline": detail["timeline"]})
        return
    summary = detail["program"]
    rows_table(
        f"{summary['program_id']}: {summary['title']} - {summary['status']}",
        [summary],
        ["specialist", "planned_date", "session_count", "enrolled", "attended", "on_time"],
    )
    zone = summary.get("timezone")
    entries = [{**t, "when": when(t["occurred_at"], zone, utc=utc)} for t in detail["timeline"]]
    rows_table("timeline", entries, ["position", "when", "actor", "event_type", "summary"])


@program_app.command("list")
def list_programs(
    specialist: Annotated[str | None, typer.Option()] = None,
    as_json: AsJson = False,
    output: OutputOption = None,
) -> None:
    """The programs you may see (or one specialist's)."""
    with api() as client:
        rows = client.get("/api/v1/programs", specialist=specialist)
    columns = ["program_id", "title", "specialist", "status", "planned_date", "enrolled"]
    show_rows("programs", rows, columns, output=output, as_json=as_json)


def inbox(as_json: AsJson = False, utc: InUtc = False, output: OutputOption = None) -> None:
    """Your approval tasks: assigned to you, offered to your groups, or delegated to you."""
    with api() as client:
        tasks = client.get("/api/v1/inbox")
    if as_json or output not in (None, "table"):
        show_rows("your inbox", tasks, [], output=output, as_json=as_json)
        return
    for task in tasks:
        due = when(task.get("due_at"), task.get("timezone"), utc=utc) if task.get("due_at") else ""
        task["due"] = f"OVERDUE (was {due})" if task.get("overdue") else (due or "no due date")
    columns = ["task_id", "program_id", "title", "step_name", "specialist", "budget", "due"]
    rows_table("your inbox", tasks, columns)


def notifications(
    recipient: Annotated[str | None, typer.Option(help="Whose (admins; default: yours).")] = None,
    as_json: AsJson = False,
    output: OutputOption = None,
) -> None:
    """Notifications in the outbox, newest first."""
    with api() as client:
        rows = client.get("/api/v1/notifications", recipient=recipient)
    columns = ["id", "created_at", "recipient", "subject"]
    show_rows("notifications", rows, columns, output=output, as_json=as_json)
