"""Serve the app with uvicorn inside an already running event loop (the embedded stack, tests)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator

import uvicorn
from fastapi import FastAPI

from api.app import create_app
from runtime.settings import Settings
from services.database import Database
from services.program_client import ProgramClient


class _EmbeddedServer(uvicorn.Server):
    """uvicorn without its own signal handling: the host process decides when to stop."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


class RunningApi:
    def __init__(
        self, server: uvicorn.Server, task: asyncio.Task[None], host: str, app: FastAPI
    ) -> None:
        self.server = server
        self.task = task
        self.host = host
        self.app = app

    @property
    def setup_code(self) -> str | None:
        """The one-time code for the first admin, while there is none and it is unused."""
        setup = self.app.state.services.setup_code
        return setup.code if setup is not None and setup.usable else None

    @property
    def port(self) -> int:
        sockets = self.server.servers[0].sockets if self.server.servers else []
        return int(sockets[0].getsockname()[1]) if sockets else 0

    @property
    def url(self) -> str:
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        self.server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError, SystemExit):
            await asyncio.wait_for(self.task, timeout=10)


async def start_api(
    settings: Settings, database: Database, programs: ProgramClient | None = None
) -> RunningApi:
    """Start serving on ``settings.api_host:api_port``; fails clearly if the port is taken."""
    app = create_app(settings, database=database, programs=programs)
    config = uvicorn.Config(
        app,
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,  # our middleware logs each request with its id and actor
        lifespan="on",
        server_header=False,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
    )
    server = _EmbeddedServer(config)
    task: asyncio.Task[None] = asyncio.create_task(server.serve(), name="api")
    while not server.started:
        if task.done():
            with contextlib.suppress(BaseException):
                task.result()
            raise RuntimeError(
                f"cannot serve the web pages and API on {settings.api_host}:{settings.api_port}"
                " (is the port in use? set TRAINOPS_API_PORT)"
            )
        await asyncio.sleep(0.02)
    return RunningApi(server, task, settings.api_host, app)
