"""A realistic quarter on the time-skipping server: plans, approvals, reminders, late and
rejected programs, attendance and evaluation, then the KPIs those events produce.

Everything runs through the real parts (workflow updates, activities, the event log, the
projector); only the clock is the test server's, so a quarter passes in seconds.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from itertools import groupby
from pathlib import Path
from time import monotonic
from typing import Any
from zoneinfo import ZoneInfo

from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from audit.signing_keys import publish_key
from domain import commands as c
from domain.events import Session
from eventlog.verify import verify_log
from projections import kpi_queries, queries
from runtime.settings import get_settings
from runtime.temporal_bins import test_server_path
from services.database import open_database
from services.kpi_reports import kpi_json, scorecard_json, thresholds_in_force
from services.program_client import ProgramClient
from services.signing import Signer
from trainops.demo_evaluation import DEPARTMENTS, load_demo_evaluation
from trainops.kpi_cli import print_report
from trainops.language import t
from trainops.render import console, kpi_table, print_json, rows_table
from trainops.worker import build_worker

TZ = ZoneInfo("Asia/Shanghai")
SPECIALISTS = ("spec.li", "spec.zhao", "spec.chen")
APPROVERS = ("mgr.wang", "mgr.liu", "dir.sun")
EMPLOYEES = tuple(f"emp.{n:03d}" for n in range(1, 61))
TITLES = (
    "Onboarding essentials",
    "Workplace safety",
    "Customer complaint handling",
    "Consultative selling",
    "Data privacy basics",
    "Leading a first team",
    "Negotiation skills",
    "Product knowledge: Series X",
    "Effective feedback",
    "Time management",
    "Anti-bribery compliance",
    "Presentation skills",
)

Action = Callable[[], Awaitable[Any]]


@dataclass(order=True)
class Step:
    at: datetime
    label: str = field(compare=False)
    run: Action = field(compare=False)


class SkippedClock:
    """The time-skipping server's clock, read once a round and followed here in between: while
    time skipping is locked the server's clock runs at the wall clock's pace, so each signed
    action takes its time from here instead of asking the server (one round trip an action)."""

    def __init__(self, env: WorkflowEnvironment) -> None:
        self._env = env
        self._read: datetime | None = None
        self._since = 0.0

    async def read(self) -> datetime:
        """The server's time now, asked."""
        self._read = await self._env.get_current_time()
        self._since = monotonic()
        return self._read

    async def __call__(self) -> datetime:
        if self._read is None:
            return await self.read()
        return self._read + timedelta(seconds=monotonic() - self._since)


def _next_quarter_start(now: datetime) -> datetime:
    local = now.astimezone(TZ)
    month = ((local.month - 1) // 3 + 1) * 3 + 1
    year = local.year + (month > 12)
    return datetime(year, (month - 1) % 12 + 1, 1, 8, 0, tzinfo=TZ)


def _workday(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class Quarter:
    """Builds the quarter's schedule of actions, program by program."""

    def __init__(self, programs: ProgramClient, start: datetime, seed: int = 7) -> None:
        self.programs = programs
        self.start = start
        self.rng = random.Random(seed)
        self.steps: list[Step] = []

    def at(self, when: datetime, label: str, run: Action) -> None:
        self.steps.append(Step(when, label, run))

    def act(self, when: datetime, program_id: str, command: Any) -> None:
        self.at(
            when, f"{program_id}: {command.kind}", lambda: self.programs.act(program_id, command)
        )

    def program(self, index: int) -> None:
        rng = self.rng
        pid = f"{self.start:%Y}Q{(self.start.month - 1) // 3 + 1}-{index + 1:02d}"
        specialist = SPECIALISTS[index % len(SPECIALISTS)]
        approver = APPROVERS[index % len(APPROVERS)]
        first_day = _workday(self.start.date() + timedelta(days=8 + index * 6))
        sessions = tuple(
            Session(
                session_id=f"s{n + 1}",
                starts_at=datetime.combine(
                    _workday(first_day + timedelta(days=n * 2)),
                    time(9, 30) if n % 2 == 0 else time(14, 0),
                    TZ,
                ),
                duration_hours=3,
            )
            for n in range(rng.randint(1, 3))
        )
        last = max(s.starts_at for s in sessions)
        planned = (last + timedelta(days=rng.randint(3, 6))).date()
        trainees = tuple(sorted(rng.sample(EMPLOYEES, rng.randint(8, 18))))
        plan = c.PlanProgram(
            program_id=pid,
            actor=specialist,
            approvers=(approver,),
            title=TITLES[index % len(TITLES)],
            planned_date=planned,
            sessions=sessions,
            trainees=trainees,
            timezone=str(TZ),
            department=DEPARTMENTS[index % len(DEPARTMENTS)],
            evaluation_window_days=7,
        )
        day0 = self.start + timedelta(hours=1)  # the quarter is planned on its first morning
        self.at(day0, f"{pid}: plan", lambda: self.programs.plan(plan))
        self.act(day0 + timedelta(minutes=30), pid, c.SubmitProgram(actor=specialist))
        review = day0 + timedelta(days=1)
        if index == 3:
            self.act(review, pid, c.RejectProgram(actor=approver, reason="overlaps Q2 program"))
            return
        if index == 5:
            self.act(review, pid, c.RequestChanges(actor=approver, reason="add a practice session"))
            extra = Session(
                session_id=f"s{len(sessions) + 1}",
                starts_at=last + timedelta(days=1),
                duration_hours=2,
            )
            sessions = (*sessions, extra)
            last = extra.starts_at
            revised = c.ReviseProgram(
                actor=specialist,
                title=plan.title,
                planned_date=planned,
                sessions=sessions,
                trainees=trainees,
                comment="added a practice session",
            )
            self.act(review + timedelta(hours=2), pid, revised)
            self.act(review + timedelta(hours=3), pid, c.SubmitProgram(actor=specialist))
            review += timedelta(days=1)
        self.act(review, pid, c.ApproveProgram(actor=approver, comment="approved"))
        self.act(review + timedelta(hours=1), pid, c.PublishProgram(actor=specialist))
        if index == 7:
            self.act(
                review + timedelta(days=3),
                pid,
                c.CancelProgram(actor=specialist, reason="trainer ill"),
            )
            return
        if index == 4:
            moved = sessions[0].starts_at + timedelta(days=2)
            self.act(
                review + timedelta(days=2),
                pid,
                c.RescheduleSession(actor=specialist, session_id="s1", starts_at=moved),
            )
            sessions = (sessions[0].model_copy(update={"starts_at": moved}), *sessions[1:])
            last = max(s.starts_at for s in sessions)
        self._execute(pid, specialist, sessions, trainees, planned, late=index in (2, 9), last=last)

    def _execute(
        self,
        pid: str,
        specialist: str,
        sessions: tuple[Session, ...],
        trainees: tuple[str, ...],
        planned: date,
        *,
        late: bool,
        last: datetime,
    ) -> None:
        rng = self.rng
        attended: set[str] = set()
        for session in sessions:
            end = session.starts_at + timedelta(hours=session.duration_hours)
            present = tuple(t for t in trainees if rng.random() < 0.85)
            attended.update(present)
            self.act(
                end,
                pid,
                c.RecordAttendance(
                    actor=specialist, session_id=session.session_id, attendees=present
                ),
            )
            self.act(
                end + timedelta(minutes=5),
                pid,
                c.CompleteSession(actor=specialist, session_id=session.session_id),
            )
        done = (
            datetime.combine(planned + timedelta(days=2), time(17, 0), TZ)
            if late
            else last + timedelta(hours=6)
        )
        self.act(done, pid, c.CompleteExecution(actor=specialist))
        for trainee in sorted(attended):
            if rng.random() < 0.8:
                scores = {
                    "overall": float(rng.randint(70, 100)),
                    "content": float(rng.randint(65, 100)),
                    "instructor": float(rng.randint(75, 100)),
                    "format": float(rng.randint(60, 100)),
                    "venue": float(rng.randint(70, 100)),
                }
                self.act(
                    done + timedelta(hours=2),
                    pid,
                    c.SubmitSurvey(actor=trainee, scores=scores),
                )
            self.act(  # a paper exam: the specialist records its score and the sheet's id
                done + timedelta(hours=3),
                pid,
                c.RecordExamScore(
                    actor=specialist,
                    trainee=trainee,
                    score=float(rng.randint(45, 100)),
                    evidence=f"exam-sheet/{pid}/{trainee}",
                ),
            )
        if rng.random() < 0.5:
            closed = done + timedelta(days=3)
            self.act(closed, pid, c.CloseEvaluation(actor=specialist))
        else:
            closed = done + timedelta(days=7)  # the window closes by itself
        self.act(
            closed + timedelta(hours=4),
            pid,
            c.SubmitFeedback(actor=specialist, summary="delivered; see evaluation"),
        )


async def run_demo(
    *, database_url: str | None = None, as_json: bool = False, programs: int = 12
) -> dict[str, Any]:
    workdir = Path(tempfile.mkdtemp(prefix="trainops-demo-"))
    url = database_url or f"sqlite:///{workdir / 'demo.db'}"
    database = open_database(url)
    env = await WorkflowEnvironment.start_time_skipping(
        data_converter=pydantic_data_converter, test_server_existing_path=test_server_path()
    )
    # The demo plays the API too: its own key, published in its own log, signs every action.
    signer = Signer.generate()
    publish_key(database.store, signer.trusted_key())
    try:
        async with build_worker(env.client, "trainops-demo", database.store, database.outbox):
            clock = SkippedClock(env)
            client = ProgramClient(env.client, "trainops-demo", signer, clock)
            start = _next_quarter_start(await clock.read())
            quarter = Quarter(client, start)
            for index in range(programs):
                quarter.program(index)
            # Steps due at the same instant (a program's trainees answering its survey, say)
            # go together, as people would: one round of the worker serves them all.
            for at, due in groupby(sorted(quarter.steps), key=lambda step: step.at):
                now = await clock()
                if at > now:
                    await env.sleep(at - now)
                    await clock.read()  # the sleep moved the server's clock
                await asyncio.gather(*(step.run() for step in due))
            await env.sleep(timedelta(days=1))
            # the KPIs as of the quarter's end on its own clock: the real today comes before it
            ended = (await clock.read()).date()
        database.projector.catch_up()
        records = kpi_queries.kpi_inputs(database.engine).programs
        titles = {p["program_id"]: p["title"] for p in queries.list_programs(database.engine)}
        loads = load_demo_evaluation(
            database.store, database.engine, workdir, records, titles, EMPLOYEES, TITLES
        )
        database.projector.catch_up()
        cards = kpi_queries.kpi_report(
            database.engine, thresholds_in_force(database.store, get_settings())[0], as_of=ended
        )
        report = queries.execution_report(database.engine, as_of=ended)
        listing = queries.list_programs(database.engine)
        chain = verify_log(database.store)
        summary = {
            "database": url,
            "quarter": f"{start:%Y}-Q{(start.month - 1) // 3 + 1}",
            "events": chain.checked,
            "log_intact": chain.ok,
            "reminders_sent": sum(int(p["reminders_sent"]) for p in listing),
            "notifications": len(database.outbox.list(limit=100_000)),
            "programs": {p["program_id"]: p["status"] for p in listing},
            "kpis": kpi_json(report),
            "evaluation_events": sum(r.events_appended for r in loads),
            "scorecards": [scorecard_json(card) for card in cards],
        }
        if as_json:
            print_json(summary)
        else:
            rows_table(
                t("{quarter}: {count} programs", quarter=summary["quarter"], count=len(listing)),
                listing,
                [
                    "program_id",
                    "specialist",
                    "status",
                    "planned_date",
                    "executed_on",
                    "attended",
                    "enrolled",
                ],
            )
            kpi_table(report)
            print_report(cards, database.projector.position())
            text = t(
                "{count} events in the log ({state}), {reminders} reminders, {notifications} "
                "notifications; log kept in {url}",
                count=chain.checked,
                state=t("intact") if chain.ok else t("NOT INTACT"),
                reminders=summary["reminders_sent"],
                notifications=summary["notifications"],
                url=url,
            )
            console.print(text, markup=False)
        return summary
    finally:
        await env.shutdown()
        database.close()
