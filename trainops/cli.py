"""The ``trainops`` command line: run the stack, act on programs, read inboxes and KPIs, audit."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from typing import Annotated, Any, TypeVar
from zoneinfo import ZoneInfo

import typer
from pydantic import ValidationError
from temporalio.service import RPCError

from domain import commands as c
from domain.events import Session
from projections import queries
from trainops.audit_cli import audit_app
from trainops.client import ActionRefused, ProgramClient
from trainops.config_cli import config_app
from trainops.data_cli import data_app
from trainops.database import Database, open_database
from trainops.logging import configure_logging
from trainops.render import console, fail, print_json, rows_table
from trainops.settings import get_settings
from trainops.users_cli import users_app
from workflows.program import ActionResult

app = typer.Typer(no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False)
program_app = typer.Typer(no_args_is_help=True, help="Plan and run training programs.")
kpi_app = typer.Typer(no_args_is_help=True, help="KPI reports from the read models.")
log_app = typer.Typer(no_args_is_help=True, help="Audit the event log.")
projections_app = typer.Typer(no_args_is_help=True, help="Maintain the read models.")
app.add_typer(program_app, name="program")
app.add_typer(kpi_app, name="kpi")
app.add_typer(log_app, name="log")
app.add_typer(projections_app, name="projections")
app.add_typer(config_app, name="config")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
app.add_typer(data_app, name="data")

T = TypeVar("T")
Actor = Annotated[str, typer.Option("--as", help="Who is acting (person id).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _database() -> Database:
    return open_database(get_settings().database_url)


def _run(action: Callable[[ProgramClient], Awaitable[T]]) -> T:
    """Connect to Temporal, run ``action``, and turn failures into clear messages."""
    from worker import connect

    settings = get_settings()

    async def go() -> T:
        try:
            client = await connect(settings.temporal_address, settings.temporal_namespace)
        except (RPCError, RuntimeError) as exc:
            raise fail(
                f"cannot reach Temporal at {settings.temporal_address} ({exc}); "
                "start the stack first with `make run` (or `trainops up`)"
            ) from exc
        return await action(ProgramClient(client, settings.task_queue))

    try:
        return asyncio.run(go())
    except ActionRefused as exc:
        raise fail(f"refused: {exc}") from exc


def _command(build: Callable[[], T]) -> T:
    try:
        return build()
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc']) or 'input'}: {err['msg']}"
            for err in exc.errors()
        )
        raise fail(f"invalid input: {problems}") from exc


def _wait_for_projection(position: int, timeout: float = 5.0) -> None:
    """Read-your-writes for the next command: wait until the projector has seen ``position``."""
    database = _database()
    try:
        deadline = time.monotonic() + timeout
        while database.projector.position() < position and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        database.close()


def _act(program_id: str, build: Callable[[], Any]) -> None:
    command = _command(build)
    result: ActionResult = _run(lambda programs: programs.act(program_id, command))
    console.print(
        f"[green]ok[/green] {program_id}: {', '.join(result.events)} → [bold]{result.status}[/bold]"
        f" (log position {result.last_position})"
    )
    _wait_for_projection(result.last_position)


def _parse_session(spec: str, timezone: str) -> Session:
    """``ID@WHEN[/HOURS]``; a time without an offset is read in the program's time zone."""
    try:
        session_id, rest = spec.split("@", 1)
        when, _, hours = rest.partition("/")
        starts_at = datetime.fromisoformat(when)
    except ValueError as exc:
        raise fail(f"session {spec!r} is not ID@WHEN[/HOURS], e.g. s1@2026-12-10T09:00/3") from exc
    if starts_at.tzinfo is None:
        starts_at = starts_at.replace(tzinfo=ZoneInfo(timezone))
    return _command(
        lambda: Session(
            session_id=session_id, starts_at=starts_at, duration_hours=float(hours or 2)
        )
    )


# ---------------------------------------------------------------------- running


@app.command()
def up(ui: Annotated[bool, typer.Option(help="Serve the Temporal Web UI.")] = True) -> None:
    """Start the embedded stack: Temporal dev server + worker + projector (Ctrl-C stops all)."""
    from trainops.stack import run_stack

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    asyncio.run(run_stack(settings, ui=ui))


@app.command()
def worker() -> None:
    """Run only the Temporal worker (against TRAINOPS_TEMPORAL_ADDRESS)."""
    from worker import main

    asyncio.run(main())


@app.command()
def projector() -> None:
    """Run only the projector that keeps the read models up to date."""
    import threading

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    database = _database()
    stop = threading.Event()
    try:
        database.projector.run_forever(stop, settings.projector_poll_seconds)
    except KeyboardInterrupt:
        stop.set()
    finally:
        database.close()


@app.command()
def demo(
    as_json: AsJson = False,
    database_url: Annotated[
        str | None, typer.Option(help="Where to keep the demo's log (default: a temp file).")
    ] = None,
) -> None:
    """Drive a realistic quarter of programs on the time-skipping server and print the KPIs."""
    from trainops.demo import run_demo

    configure_logging("console", "warning")
    asyncio.run(run_demo(database_url=database_url, as_json=as_json))


# ---------------------------------------------------------------------- programs


@program_app.command("create")
def create(
    program_id: Annotated[str, typer.Option("--id", help="A unique program id.")],
    title: Annotated[str, typer.Option()],
    specialist: Annotated[str, typer.Option(help="The specialist who owns the program.")],
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
) -> None:
    """Plan a new program (it starts as a draft)."""
    try:
        ZoneInfo(timezone)
        day = date.fromisoformat(planned_date)
    except (ValueError, KeyError) as exc:
        raise fail(f"bad time zone or date: {exc}") from exc
    sessions = tuple(_parse_session(spec, timezone) for spec in session)
    plan = _command(
        lambda: c.PlanProgram(
            program_id=program_id,
            actor=specialist,
            approvers=tuple(approver or ()),
            title=title,
            planned_date=day,
            sessions=sessions,
            trainees=tuple(trainee),
            timezone=timezone,
            region=region,
            department=department,
            budget=budget,
            external_instructor=external_instructor,
            evaluation_window_days=evaluation_days,
        )
    )

    result = _run(lambda programs: programs.plan(plan))
    console.print(
        f"[green]ok[/green] program {program_id} planned as a draft"
        f" (log position {result.last_position})"
    )
    _wait_for_projection(result.last_position)


@program_app.command()
def submit(program_id: str, actor: Actor) -> None:
    """Submit a draft for approval."""
    _act(program_id, lambda: c.SubmitProgram(actor=actor))


TaskOption = Annotated[
    str | None, typer.Option("--task", help="Task id (default: your only open task).")
]


@program_app.command()
def approve(program_id: str, actor: Actor, task: TaskOption = None, comment: str = "") -> None:
    """Approve through one of your tasks (never your own submission; one step per person)."""
    _act(program_id, lambda: c.ApproveProgram(actor=actor, task_id=task, comment=comment))


@program_app.command()
def reject(
    program_id: str, actor: Actor, reason: Annotated[str, typer.Option()], task: TaskOption = None
) -> None:
    """Reject a submitted program; this ends it."""
    _act(program_id, lambda: c.RejectProgram(actor=actor, task_id=task, reason=reason))


@program_app.command("request-changes")
def request_changes(
    program_id: str, actor: Actor, reason: Annotated[str, typer.Option()], task: TaskOption = None
) -> None:
    """Send a submitted program back to its specialist; the policy runs again on resubmission."""
    _act(program_id, lambda: c.RequestChanges(actor=actor, task_id=task, reason=reason))


@program_app.command()
def withdraw(program_id: str, actor: Actor, reason: str = "") -> None:
    """Withdraw your submission (back to draft); open approval tasks are withdrawn."""
    _act(program_id, lambda: c.WithdrawSubmission(actor=actor, reason=reason))


@program_app.command()
def claim(program_id: str, actor: Actor, task: TaskOption = None) -> None:
    """Take a task offered to your group."""
    _act(program_id, lambda: c.ClaimTask(actor=actor, task_id=task))


@program_app.command()
def unclaim(program_id: str, actor: Actor, task: TaskOption = None) -> None:
    """Give a claimed task back to its group."""
    _act(program_id, lambda: c.UnclaimTask(actor=actor, task_id=task))


@program_app.command()
def delegate(
    program_id: str,
    actor: Actor,
    to: Annotated[str, typer.Option(help="Who should look at it.")],
    task: TaskOption = None,
    comment: str = "",
) -> None:
    """Delegate your task; it comes back to you when the delegate resolves it."""
    _act(program_id, lambda: c.DelegateTask(actor=actor, task_id=task, to=to, comment=comment))


@program_app.command()
def resolve(program_id: str, actor: Actor, task: TaskOption = None, comment: str = "") -> None:
    """As a delegate: hand the task back to its owner with your view."""
    _act(program_id, lambda: c.ResolveTask(actor=actor, task_id=task, comment=comment))


@program_app.command()
def reassign(
    program_id: str,
    actor: Actor,
    task: Annotated[str, typer.Option("--task")],
    to: Annotated[str, typer.Option()],
    comment: str = "",
) -> None:
    """As an admin of the approval policy: give a task to someone else."""
    _act(program_id, lambda: c.ReassignTask(actor=actor, task_id=task, to=to, comment=comment))


@program_app.command()
def revise(
    program_id: str,
    actor: Actor,
    title: Annotated[str | None, typer.Option()] = None,
    planned_date: Annotated[str | None, typer.Option()] = None,
    session: Annotated[list[str] | None, typer.Option(help="Replaces all sessions.")] = None,
    trainee: Annotated[list[str] | None, typer.Option(help="Replaces all trainees.")] = None,
    comment: str = "",
) -> None:
    """Revise a draft or a program sent back for changes; unspecified parts stay as they are."""
    current = _run(lambda programs: programs.state(program_id))
    sessions = (
        tuple(_parse_session(s, current.timezone) for s in session)
        if session
        else tuple(current.sessions.values())
    )
    _act(
        program_id,
        lambda: c.ReviseProgram(
            actor=actor,
            title=title or current.title,
            planned_date=date.fromisoformat(planned_date) if planned_date else current.planned_date,
            sessions=sessions,
            trainees=tuple(trainee) if trainee else current.trainees,
            comment=comment,
        ),
    )


@program_app.command()
def publish(program_id: str, actor: Actor) -> None:
    """Publish an approved program: trainees are enrolled and reminders scheduled."""
    _act(program_id, lambda: c.PublishProgram(actor=actor))


@program_app.command()
def enroll(program_id: str, trainee: str, actor: Actor) -> None:
    """Enrol one more trainee in a published program."""
    _act(program_id, lambda: c.EnrollTrainee(actor=actor, trainee=trainee))


@program_app.command()
def reschedule(program_id: str, session_id: str, starts_at: str, actor: Actor) -> None:
    """Move a session (its reminders move with it)."""
    current = _run(lambda programs: programs.state(program_id))
    moved = _parse_session(f"{session_id}@{starts_at}", current.timezone)
    _act(
        program_id,
        lambda: c.RescheduleSession(actor=actor, session_id=session_id, starts_at=moved.starts_at),
    )


LateReason = Annotated[
    str | None,
    typer.Option(help="Why it is entered after the session's entry window (then required)."),
]


@program_app.command()
def attend(
    program_id: str,
    session_id: str,
    actor: Actor,
    attendee: Annotated[list[str], typer.Option(help="A trainee who attended, repeatable.")],
    late_reason: LateReason = None,
) -> None:
    """Record who attended a session (everyone else enrolled is recorded absent), from its
    start on."""
    _act(
        program_id,
        lambda: c.RecordAttendance(
            actor=actor, session_id=session_id, attendees=tuple(attendee), late_reason=late_reason
        ),
    )


@program_app.command("complete-session")
def complete_session(
    program_id: str, session_id: str, actor: Actor, late_reason: LateReason = None
) -> None:
    """Mark a session as held, from its start on."""
    _act(
        program_id,
        lambda: c.CompleteSession(actor=actor, session_id=session_id, late_reason=late_reason),
    )


@program_app.command()
def complete(program_id: str, actor: Actor) -> None:
    """Finish execution (all sessions held); the evaluation window opens."""
    _act(program_id, lambda: c.CompleteExecution(actor=actor))


@program_app.command()
def survey(
    program_id: str,
    actor: Actor,
    score: Annotated[list[str], typer.Option(help="DIMENSION=0..100, e.g. overall=90.")],
    comment: str = "",
) -> None:
    """A trainee's reaction survey (needs at least overall=…)."""
    try:
        scores = {k: float(v) for k, v in (s.split("=", 1) for s in score)}
    except ValueError as exc:
        raise fail("scores look like overall=90 content=80") from exc
    _act(program_id, lambda: c.SubmitSurvey(actor=actor, scores=scores, comment=comment))


@program_app.command()
def exam(
    program_id: str,
    actor: Actor,
    score: Annotated[float | None, typer.Option(help="A score (0-100) from elsewhere.")] = None,
    answer: Annotated[
        list[str] | None,
        typer.Option(help="QUESTION=ANSWER of the online exam, repeatable; graded from the key."),
    ] = None,
) -> None:
    """A trainee's online exam: the answers, graded from the answer key. (A score from an exam
    taken elsewhere is the specialist's to record: ``exam-score``.)"""
    try:
        answers = dict(a.split("=", 1) for a in answer) if answer else None
    except ValueError as exc:
        raise fail("answers look like q1=B q2=A") from exc
    _act(program_id, lambda: c.SubmitExam(actor=actor, score=score, answers=answers))


@program_app.command("exam-score")
def exam_score(
    program_id: str,
    actor: Actor,
    trainee: Annotated[str, typer.Option(help="Whose exam it was.")],
    score: Annotated[float, typer.Option(help="The score, 0-100.")],
    evidence: Annotated[str, typer.Option(help="The result's document id or SHA-256 hash.")],
) -> None:
    """The specialist records a score from an exam taken elsewhere, with its evidence."""
    _act(
        program_id,
        lambda: c.RecordExamScore(actor=actor, trainee=trainee, score=score, evidence=evidence),
    )


@program_app.command("confirm-exam-score")
def confirm_exam_score(
    program_id: str, actor: Actor, trainee: Annotated[str, typer.Option(help="Whose score.")]
) -> None:
    """A second person confirms a recorded exam score, so that it counts (four-eyes)."""
    _act(program_id, lambda: c.ConfirmExamScore(actor=actor, trainee=trainee))


@program_app.command("close-evaluation")
def close_evaluation(program_id: str, actor: Actor) -> None:
    """Close the evaluation window early (it also closes by itself)."""
    _act(program_id, lambda: c.CloseEvaluation(actor=actor))


@program_app.command()
def feedback(program_id: str, actor: Actor, summary: Annotated[str, typer.Option()]) -> None:
    """Write the specialist's feedback; this closes the program."""
    _act(program_id, lambda: c.SubmitFeedback(actor=actor, summary=summary))


@program_app.command()
def cancel(program_id: str, actor: Actor, reason: Annotated[str, typer.Option()]) -> None:
    """Cancel a program that has not finished execution; its reminders stop."""
    _act(program_id, lambda: c.CancelProgram(actor=actor, reason=reason))


@program_app.command()
def show(program_id: str, as_json: AsJson = False) -> None:
    """A program's status and timeline, from the read models."""
    database = _database()
    try:
        summary = queries.program_summary(database.engine, program_id)
        if summary is None:
            raise fail(f"no program {program_id!r} in the read models (yet)", code=1)
        events = queries.program_timeline(database.engine, program_id)
    finally:
        database.close()
    if as_json:
        print_json({"program": summary, "timeline": events})
        return
    rows_table(
        f"{summary['program_id']}: {summary['title']} — {summary['status']}",
        [summary],
        ["specialist", "planned_date", "session_count", "enrolled", "attended", "on_time"],
    )
    rows_table("timeline", events, ["position", "occurred_at", "actor", "event_type", "summary"])


@program_app.command("list")
def list_programs(
    specialist: Annotated[str | None, typer.Option()] = None, as_json: AsJson = False
) -> None:
    """All programs (or one specialist's), from the read models."""
    database = _database()
    try:
        rows = queries.list_programs(database.engine, specialist)
    finally:
        database.close()
    if as_json:
        print_json(rows)
        return
    rows_table(
        "programs",
        rows,
        ["program_id", "title", "specialist", "status", "planned_date", "enrolled", "attended"],
    )


# ---------------------------------------------------------------------- reads


@app.command()
def inbox(person: str, as_json: AsJson = False) -> None:
    """Approval tasks for ``person``: assigned, offered to their groups, or delegated to them."""
    database = _database()
    try:
        tasks = queries.approver_inbox(database.engine, person)
    finally:
        database.close()
    if as_json:
        print_json(tasks)
        return
    for task in tasks:
        task["due"] = (
            "OVERDUE" if task["overdue"] else ("due soon" if task["due_soon"] else task["due_at"])
        )
        task["task"] = task["task_id"][:8]
    rows_table(
        f"inbox of {person}",
        tasks,
        ["task", "relation", "program_id", "title", "step_name", "specialist", "budget", "due"],
    )


def _register_kpi_commands() -> None:
    """`kpi report` (every KPI, rated), `kpi execution`, `kpi explain`: see trainops/kpi_cli.py."""
    from trainops.kpi_cli import register

    register(kpi_app)


_register_kpi_commands()


@app.command()
def notifications(
    recipient: Annotated[str | None, typer.Option()] = None, as_json: AsJson = False
) -> None:
    """Notifications in the outbox (newest first)."""
    database = _database()
    try:
        rows = database.outbox.list(recipient)
    finally:
        database.close()
    if as_json:
        print_json(rows)
        return
    rows_table("notifications", rows, ["id", "created_at", "recipient", "subject"])


@log_app.command("verify")
def verify(as_json: AsJson = False) -> None:
    """Check the whole hash chain; exit 1 and name the first problem if anything was altered."""
    from eventlog.verify import verify_log

    database = _database()
    try:
        report = verify_log(database.store)
    finally:
        database.close()
    if as_json:
        print_json(
            {
                "ok": report.ok,
                "checked": report.checked,
                "last_position": report.last_position,
                "last_hash": report.last_hash,
                "problems": [p.__dict__ for p in report.problems],
            }
        )
    elif report.ok:
        console.print(
            f"[green]log intact[/green]: {report.checked} events, head {report.last_position} "
            f"{report.last_hash}"
        )
    else:
        for problem in report.problems:
            console.print(
                f"[red]{problem.kind}[/red] at position {problem.position}: {problem.detail}"
            )
    if not report.ok:
        raise typer.Exit(1)


@projections_app.command("rebuild")
def rebuild() -> None:
    """Empty the read models and replay the whole log into them."""
    database = _database()
    try:
        count = database.projector.rebuild()
    finally:
        database.close()
    console.print(f"[green]rebuilt[/green] read models from {count} events")


if __name__ == "__main__":
    app()
