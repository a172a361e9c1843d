"""The FastAPI application: ``create_app(settings, ...)`` wires the database, users and Temporal.

Run it inside the embedded stack (``trainops up``), alone (``python -m api``), or in tests with the
database and ``ProgramClient`` handed in.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import structlog
from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accounts.users import UserStore
from api import errors, metrics
from api.body_limit import BodyLimit
from api.dependencies import ClientFactory, Services
from api.head import HeadAsGet
from api.pages import ROUTERS as PAGE_ROUTERS
from api.pages import program_files as page_files
from api.pages.rendering import render_error
from api.query_check import refuse_unknown_query
from api.rest import ROUTERS as REST_ROUTERS
from api.rest import program_files
from api.rest.data import UPLOAD_LIMITS
from audit.signing_keys import publish_key
from runtime.settings import Settings
from services.accounts import AccountJournal, SetupCode
from services.database import Database, open_database
from services.imports_jobs import ImportJobs
from services.program_client import ProgramClient
from services.signing import Signer, load_signer

log = structlog.get_logger("api")

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
#: A request that needs Temporal waits this long for it, then gets 503 (never a hung client).
REQUEST_CONNECT_WAIT_SECONDS = 5.0
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    ),
]


class RequestContext:
    """Pure ASGI middleware: a request id and the actor on every log line, one access line per
    request (method, path, status, time; never query strings, bodies, cookies or tokens), and the
    security headers on every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        sent_id = headers.get(b"x-request-id", b"").decode("latin-1")
        request_id = sent_id if REQUEST_ID.fullmatch(sent_id) else uuid.uuid4().hex
        context: dict[str, Any] = {"actor": None}
        scope["trainops"] = context
        structlog.contextvars.clear_contextvars()
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started = time.perf_counter()
        status_code = 500

        async def send_with_headers(message: Message) -> None:
            nonlocal status_code
            if message["type"] == "http.response.start":
                status_code = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (b"x-request-id", request_id.encode()),
                    *SECURITY_HEADERS,
                ]
            await send(message)

        try:
            await self.app(scope, receive, send_with_headers)
        finally:
            route = getattr(scope.get("route"), "path", "(unmatched)")
            metrics.observe(
                str(scope.get("method")), route, status_code, time.perf_counter() - started
            )
            log.info(
                "request",
                method=scope.get("method"),
                path=scope.get("path"),
                status=status_code,
                ms=round((time.perf_counter() - started) * 1000, 1),
                actor=context.get("actor"),
            )
            structlog.contextvars.clear_contextvars()


def _default_client_factory(settings: Settings, signer: Signer) -> ClientFactory:
    async def connect_client() -> ProgramClient:
        from runtime.temporal_connection import connect_temporal

        client = await connect_temporal(settings, wait_seconds=REQUEST_CONNECT_WAIT_SECONDS)
        return ProgramClient(client, settings.task_queue, signer)

    return connect_client


def create_app(
    settings: Settings,
    *,
    database: Database | None = None,
    programs: ProgramClient | None = None,
    client_factory: ClientFactory | None = None,
    users: UserStore | None = None,
    read_your_writes_seconds: float = 5.0,
    signer: Signer | None = None,
) -> FastAPI:
    """The app. Without ``database`` it opens (and on shutdown closes) its own; without
    ``programs`` it connects to Temporal at ``settings.temporal_address`` on first use.

    The signer (given, the one of ``programs``, or the configured key) signs every action as
    the signed-in person; its public key is published in the log here, so workers trust it."""
    owns_database = database is None
    db = database if database is not None else open_database(settings.database_url)
    signer = signer or (programs.signer if programs is not None else None)
    if signer is None:
        signer = load_signer(
            settings.signing_key, settings.signing_key_file, create=settings.signing_key_create
        )
    if programs is not None and programs.signer is None:
        programs.signer = signer
    publish_key(db.store, signer.trusted_key())
    user_store = users or UserStore(db.engine)
    if user_store.journal is None:
        user_store.journal = AccountJournal(db.store, signer)
    services = Services(
        settings=settings,
        database=db,
        users=user_store,
        client_factory=client_factory or _default_client_factory(settings, signer),
        programs_client=programs,
        read_your_writes_seconds=read_your_writes_seconds,
        actor_signer=signer,
        setup_code=None if user_store.has_admin() else SetupCode(),
        jobs=ImportJobs(db.engine, db.store),
    )
    services.import_jobs.recover()
    if services.setup_code is not None:
        log.warning(
            "no admin yet: create the first one at /setup or with `trainops setup`, "
            "with the one-time setup code the server prints when it starts (`trainops up` "
            "on its terminal, the API process in its log); it expires in an hour"
        )

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        services.import_jobs.shutdown()
        if owns_database:
            db.close()

    app = FastAPI(
        dependencies=[Depends(refuse_unknown_query)],
        title="trainops",
        version="1",
        summary="Training programs as durable workflows: plan, approve, publish, execute, "
        "evaluate, feedback, with KPIs you can audit.",
        description=(
            "Sign in with an API token (`Authorization: Bearer tro_…`, from "
            "`trainops users token issue` or the account page) or a browser session. "
            "Every action is taken as the signed-in user; a refused action is a 403 with the "
            "reason and records nothing; bad input is a 422 with a clear message."
        ),
        openapi_url="/api/openapi.json",
        docs_url=None,
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.services = services
    errors.install(app, render_error)
    for router in REST_ROUTERS:
        app.include_router(router)
    app.include_router(metrics.router)
    metrics.install(db)
    for router in PAGE_ROUTERS:
        app.include_router(router)
    app.mount(
        "/static", StaticFiles(directory=str(Path(__file__).parent / "static")), name="static"
    )
    app.add_middleware(HeadAsGet)  # inside the access log: it logs the HEAD as asked
    app.add_middleware(
        BodyLimit,
        default=settings.api_max_request_bytes,
        by_prefix=UPLOAD_LIMITS | program_files.UPLOAD_LIMITS | page_files.UPLOAD_LIMITS,
    )
    app.add_middleware(RequestContext)
    return app
