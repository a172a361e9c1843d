"""A real HTTP server for command-line tests: the app on a free port in its own thread (the
command line runs as a subprocess, as a user runs it)."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import structlog
import uvicorn
from fastapi import FastAPI

from accounts.users import UserStore
from api.app import create_app
from api.server import _EmbeddedServer
from runtime.settings import Settings, get_settings
from services.database import Database
from services.program_client import ProgramClient
from tests.api.conftest import fast_hasher
from tests.conftest import TEST_SIGNER
from tests.ports import free_port


@dataclass
class LiveApi:
    url: str
    setup_code: str | None
    users: UserStore
    app: FastAPI


@contextmanager
def live_api(database: Database, programs: ProgramClient | None = None) -> Iterator[LiveApi]:
    """``programs``: the Temporal client the app uses (default: none, connect on first use)."""
    port = free_port()
    users = UserStore(database.engine, hasher=fast_hasher())
    settings = Settings(database_url=str(database.engine.url), api_cookie_secure=False)
    app = create_app(
        settings, database=database, programs=programs, users=users, signer=TEST_SIGNER
    )
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, lifespan="off")
    server = _EmbeddedServer(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    setup = app.state.services.setup_code
    try:
        yield LiveApi(f"http://127.0.0.1:{port}", setup.code if setup else None, users, app)
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextmanager
def cli_signed_in(
    database: Database,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    username: str,
    roles: Sequence[str],
) -> Iterator[LiveApi]:
    """A live API on ``database``, and the command line signed in to it (``TRAINOPS_SERVER``,
    ``TRAINOPS_TOKEN``, no credentials file) as ``username``, a new user with ``roles``. The
    settings cache and structlog's configuration are as before afterwards."""
    monkeypatch.setenv("TRAINOPS_CREDENTIALS_FILE", str(tmp_path / "nobody.json"))
    get_settings.cache_clear()
    saved = structlog.get_config()
    try:
        with live_api(database) as live:
            live.users.create_user(username, f"a long password for {username}", roles)
            monkeypatch.setenv("TRAINOPS_SERVER", live.url)
            monkeypatch.setenv("TRAINOPS_TOKEN", live.users.issue_token(username, "cli")[1])
            yield live
    finally:
        structlog.configure(**saved)
        get_settings.cache_clear()


@contextmanager
def evaluation_api(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LiveApi]:
    """The evaluation log (``tests.projections.evaluation_log``) behind a live API, the command
    line signed in as the auditor ``aud``, and wide tables (nothing left out at 80 columns)."""
    from services.database import open_database
    from tests.projections.evaluation_log import build

    url = f"sqlite:///{tmp_path / 'log.db'}"
    db = open_database(url)
    try:
        build(db.store, tmp_path)
        db.projector.catch_up()
        monkeypatch.setenv("TRAINOPS_DATABASE_URL", url)
        monkeypatch.setenv("COLUMNS", "250")
        with cli_signed_in(db, monkeypatch, tmp_path, "aud", ["auditor"]) as live:
            yield live
    finally:
        db.close()


def cli_env(live: LiveApi, tmp_path: Path, **settings: str) -> dict[str, str]:
    """This process's environment for a ``trainops`` subprocess talking to ``live``: its own
    credentials file, wide tables, no token inherited; ``settings`` on top (``TRAINOPS_LANG``)."""
    env = {
        **os.environ,
        "TRAINOPS_SERVER": live.url,
        "TRAINOPS_CREDENTIALS_FILE": str(tmp_path / "root.json"),
        "COLUMNS": "200",
        **settings,
    }
    env.pop("TRAINOPS_TOKEN", None)
    return env
