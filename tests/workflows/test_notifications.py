"""Reminders reach people over real channels: a local SMTP server (aiosmtpd) and a local HTTP
webhook, both failing their first delivery. Temporal retries; each message arrives exactly once."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from temporalio.testing import WorkflowEnvironment

from activities.admin_config import AdminConfig, NotificationSettings
from services.database import Database
from tests.conftest import running_worker
from tests.plans import one_session
from tests.workflows.support import approve_and_publish


class FlakySmtp:
    """Refuses the first message with 451 (try again later), then accepts."""

    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.accepted: list[Any] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        if self.failures > 0:
            self.failures -= 1
            return "451 4.3.0 try again later"
        self.accepted.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server() -> Iterator[tuple[FlakySmtp, int]]:
    handler = FlakySmtp(failures=1)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


class Hook:
    def __init__(self, failures: int) -> None:
        self.failures = failures
        self.accepted: list[dict[str, Any]] = []
        self.keys: list[str] = []
        self.lock = threading.Lock()


@pytest.fixture
def webhook_server() -> Iterator[tuple[Hook, str]]:
    hook = Hook(failures=1)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            with hook.lock:
                failing = hook.failures > 0
                if failing:
                    hook.failures -= 1
                else:
                    hook.accepted.append(body)
                    hook.keys.append(self.headers["Idempotency-Key"])
            self.send_response(500 if failing else 200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"errcode": 0}' if not failing else b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield hook, f"http://127.0.0.1:{server.server_address[1]}/bot"
    finally:
        server.shutdown()
        server.server_close()


async def test_failed_deliveries_are_retried_and_sent_exactly_once(
    time_env: WorkflowEnvironment,
    database: Database,
    smtp_server: tuple[FlakySmtp, int],
    webhook_server: tuple[Hook, str],
) -> None:
    smtp, smtp_port = smtp_server
    hook, hook_url = webhook_server
    config = AdminConfig(
        notifications=NotificationSettings.model_validate(
            {
                "channels": {
                    "mail": {
                        "type": "smtp",
                        "host": "127.0.0.1",
                        "port": smtp_port,
                        "sender": "trainops@example.com",
                    },
                    "bot": {"type": "webhook", "url": hook_url, "format": "wecom"},
                },
                "routes": [
                    {"recipients": ["spec*"], "channel": "mail", "address": "{person}@example.com"},
                    {"recipients": ["t*"], "channel": "bot"},
                ],
            }
        )
    )
    async with running_worker(time_env, database, config) as h:
        pid = f"n-{uuid4().hex[:8]}"
        now = await h.env.get_current_time()
        start = (now + timedelta(days=10)).astimezone(ZoneInfo("UTC")).replace(hour=10, minute=0)
        await h.programs.plan(one_session(pid, "Fire drill", start, ("t1", "t2"), actor="spec.li"))
        await approve_and_publish(h.programs, pid, "spec.li")
        await h.env.sleep(start - await h.env.get_current_time() + timedelta(minutes=5))

    # the specialist is told of the approval, then reminded: each once, by mail
    assert [m.rcpt_tos for m in smtp.accepted] == [["spec.li@example.com"]] * 2
    assert b"Prepare materials: Fire drill" in smtp.accepted[1].content
    assert sorted(b["text"]["mentioned_list"][0] for b in hook.accepted) == ["t1", "t2"]
    assert len(set(hook.keys)) == 2
    attempts = [
        (r.payload["channel"], r.payload["recipient"], r.payload["attempt"], r.payload["outcome"])
        for r in database.store.read_all()
        if r.event_type == "NotificationAttempted"
    ]
    assert ("mail", "spec.li", 1, "failed") in attempts
    assert ("mail", "spec.li", 2, "delivered") in attempts
    assert sum(1 for a in attempts if a[0] == "bot" and a[3] == "failed") == 1
    assert sorted(a[1] for a in attempts if a[0] == "bot" and a[3] == "delivered") == ["t1", "t2"]
    delivered = {n["recipient"]: n["status"] for n in database.outbox.list()}
    assert delivered == {
        "boss": "delivered",  # told of the approval task
        "spec.li": "delivered",
        "t1": "delivered",
        "t2": "delivered",
    }
    reminders = [r for r in database.store.read_all() if r.event_type == "ReminderSent"]
    assert len(reminders) == 2
