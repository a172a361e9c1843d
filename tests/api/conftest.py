"""The API wired to the time-skipping Temporal server: a worker (``harness``), a projector thread,
and a few people with their roles and API tokens."""

from __future__ import annotations

import contextlib
import re
import threading
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest_asyncio
from argon2 import PasswordHasher
from fastapi import FastAPI
from temporalio.client import Client

from accounts.users import UserStore
from api.app import create_app
from domain.commands import PlanProgram
from projections import queries
from runtime.settings import Settings
from services.program_client import Clock, ProgramClient
from tests.conftest import TEST_SIGNER, Harness
from tests.conftest import until as wait_until
from tests.plans import TZ, plan_json
from tests.services.test_programs_bulk import employees
from workflows.program import ActionResult

PASSWORD = "correct horse battery staple"

#: username -> roles
PEOPLE: dict[str, tuple[str, ...]] = {
    "spec.li": ("specialist",),
    "spec.zhao": ("specialist",),
    "mgr.wang": ("approver",),
    "mgr.chen": ("approver",),
    "lead.ma": ("specialist", "approver"),
    "aud.sun": ("auditor",),
    "adm.qian": ("admin",),
    "emp.1": ("trainee",),
}

#: Trainees known as employees (reference data) only, without an account: emp.2 is planned
#: beside emp.1 in every test program (a plan may only name known people).
EMPLOYEES = ("emp.2", "emp.3")


class TrackingClient(ProgramClient):
    """Remembers every program it starts, so the test can terminate them: workflows left open on
    the shared time-skipping server would keep it from skipping time for later tests."""

    def __init__(self, client: Client, task_queue: str, clock: Clock) -> None:
        super().__init__(client, task_queue, TEST_SIGNER, clock)
        self.started: list[str] = []

    async def plan(self, command: PlanProgram, **options: Any) -> ActionResult:
        self.started.append(command.program_id)
        return await super().plan(command, **options)

    async def terminate_all(self) -> None:
        for program_id in self.started:
            with contextlib.suppress(Exception):
                await self.client.get_workflow_handle(program_id).terminate("test finished")


@dataclass
class World:
    app: FastAPI
    h: Harness
    users: UserStore
    settings: Settings
    programs: TrackingClient
    tokens: dict[str, str] = field(default_factory=dict)
    stop_projector: threading.Event = field(default_factory=threading.Event)

    def pause_projector(self) -> None:
        """Stop the projector thread: the read models lag from here on."""
        self.stop_projector.set()
        time.sleep(0.1)

    def client(self, username: str | None = None) -> httpx.AsyncClient:
        headers = {"Authorization": f"Bearer {self.tokens[username]}"} if username else {}
        return httpx.AsyncClient(
            transport=httpx.ASGITransport(app=self.app),
            base_url="http://testserver",
            headers=headers,
        )

    @asynccontextmanager
    async def browser(self, username: str) -> AsyncIterator[httpx.AsyncClient]:
        """A client signed in through the sign-in form, holding the session cookie."""
        async with self.client() as client:
            page = await client.get("/login")
            token = csrf_of(page.text)
            done = await client.post(
                "/login", data={"username": username, "password": PASSWORD, "csrf_token": token}
            )
            assert done.status_code == 303, done.text
            yield client

    def head(self) -> int:
        return self.h.db.store.head()[0]

    def inbox(self, approver: str) -> list[dict[str, Any]]:
        return queries.approver_inbox(self.h.db.engine, approver)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


async def post_form(
    browser: httpx.AsyncClient, path: str, page: str, **fields: str | list[str]
) -> httpx.Response:
    """Post ``fields`` to ``path`` as a form of ``page`` does: with the page's CSRF token."""
    return await browser.post(path, data={"csrf_token": csrf_of(page), **fields})


async def emp_1_attended(
    browser: httpx.AsyncClient, program_id: str, page: str, **more: str
) -> httpx.Response:
    """Enter, through the form on the program's ``page``, that emp.1 attended session s1."""
    return await post_form(
        browser,
        f"/programs/{program_id}/attendance",
        page,
        session_id="s1",
        attendees="emp.1",
        **more,
    )


async def attendance_refused(
    browser: httpx.AsyncClient, program_id: str, page: str, reason: str
) -> None:
    """emp.1's attendance, entered through the form on the program's ``page``, is refused
    (403), saying ``reason``."""
    refused = await emp_1_attended(browser, program_id, page)
    assert refused.status_code == 403 and reason in refused.text, refused.text


def fast_hasher() -> PasswordHasher:
    """Tests only: cheap argon2 parameters (the app uses argon2-cffi's defaults)."""
    return PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@asynccontextmanager
async def world_on(harness: Harness) -> AsyncIterator[World]:
    """The API over ``harness``, a projector thread, and the people of ``PEOPLE``."""
    settings = Settings(
        database_url=str(harness.db.engine.url),
        task_queue=harness.task_queue,
        api_cookie_secure=False,
    )
    users = UserStore(harness.db.engine, hasher=fast_hasher())
    programs = TrackingClient(harness.env.client, harness.task_queue, harness.env.get_current_time)
    app = create_app(settings, database=harness.db, programs=programs, users=users)
    stop = threading.Event()
    projector = threading.Thread(
        target=harness.db.projector.run_forever, args=(stop, 0.02), daemon=True
    )
    projector.start()
    world = World(app, harness, users, settings, programs, stop_projector=stop)
    for username, roles in PEOPLE.items():
        users.create_user(username, PASSWORD, roles)
        world.tokens[username] = users.issue_token(username, "test")[1]
    employees(harness.db, list(EMPLOYEES))
    try:
        yield world
    finally:
        await programs.terminate_all()
        stop.set()
        projector.join(timeout=10)


@pytest_asyncio.fixture
async def world(harness: Harness) -> AsyncIterator[World]:
    async with world_on(harness) as world:
        yield world


async def plan_body(h: Harness, program_id: str, **changes: Any) -> dict[str, Any]:
    """A valid plan (as JSON) with its session 20 days after the test server's 'now'."""
    now = await h.env.get_current_time()
    local = now.astimezone(ZoneInfo(TZ))
    start = datetime.combine(
        (local + timedelta(days=20)).date(), datetime.min.time(), ZoneInfo(TZ)
    ).replace(hour=10)
    return plan_json(program_id, start, **changes)


async def session_started(world: World, plan: dict[str, Any]) -> None:
    """Skip the test server's clock to the plan's first session start: its attendance is
    accepted from then on."""
    await wait_until(world.h.env, datetime.fromisoformat(plan["sessions"][0]["starts_at"]))


def quarter(day: str) -> str:
    d = date.fromisoformat(day)
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


async def run(world: World, program_id: str, until: str, **plan: Any) -> dict[str, Any]:
    """Plan a program of spec.li's and take it through the API up to ``until`` (approved,
    published, executing or evaluating); emp.1 and emp.2 are enrolled, only emp.1 attends.
    Returns the plan as sent."""
    steps = [
        ("spec.li", "submit", {}),
        ("mgr.wang", "approve", {}),
        ("spec.li", "publish", {}),
        ("spec.li", "attendance", {"session_id": "s1", "attendees": ["emp.1"]}),
        ("spec.li", "complete-session", {"session_id": "s1"}),
        ("spec.li", "complete-execution", {}),
    ]
    stop = {"approved": 2, "published": 3, "executing": 4, "evaluating": 6}[until]
    plan_json = await plan_body(world.h, program_id, **plan)
    async with world.client("spec.li") as li:
        planned = await li.post("/api/v1/programs", json=plan_json)
        assert planned.status_code == 201, planned.text
    for who, segment, body in steps[:stop]:
        if segment == "attendance":
            await session_started(world, plan_json)
        async with world.client(who) as client:
            done = await client.post(f"/api/v1/programs/{program_id}/{segment}", json=body)
            assert done.status_code == 200, done.text
            assert done.json()["projected"]
    return plan_json
