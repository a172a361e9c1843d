"""A notification still pending when the admin saves another route follows the new route on its
next attempt: to the outbox, or to another real channel, and the ledger says where it went."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from sqlalchemy import select

from activities.admin_config import NotificationSettings
from activities.channels import DeliveryFailed
from activities.outbox import Notification, NotificationService, notifications
from domain.events import NotificationAttempted, load_event
from services.database import Database
from tests.activities.support import unreachable_mail
from tests.ports import free_port


@pytest.fixture
def hook() -> Iterator[tuple[str, list[bytes]]]:
    received: list[bytes] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            received.append(self.rfile.read(int(self.headers["Content-Length"])))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/hook", received
    server.shutdown()


def settings(route: str, hook_url: str = "http://127.0.0.1:9/unused") -> NotificationSettings:
    return NotificationSettings.model_validate(
        {
            "channels": {
                "mail": unreachable_mail(),
                "hook": {"type": "webhook", "url": hook_url},
            },
            "routes": [{"recipients": ["*"], "channel": route}],
        }
    )


def ledger(database: Database) -> tuple[str, str, str]:
    with database.engine.connect() as conn:
        row = conn.execute(
            select(notifications.c.channel, notifications.c.address, notifications.c.status)
        ).one()
    return row[0], row[1], row[2]


NOTICE = Notification("p1:prepare:emp.1", "emp.1", "Prepare", "Session on Monday", "p1")


def test_a_pending_notice_follows_a_route_to_the_outbox(database: Database) -> None:
    in_force = [settings("mail")]
    service = NotificationService(database.engine, lambda: in_force[0], database.store)
    with pytest.raises(DeliveryFailed):
        service.send(NOTICE, attempt=1)
    in_force[0] = settings("outbox")
    assert service.send(NOTICE, attempt=2).startswith("notification-")
    assert ledger(database) == ("outbox", "emp.1", "delivered")


def test_a_pending_notice_follows_a_route_to_another_channel(
    database: Database, hook: tuple[str, list[bytes]]
) -> None:
    url, received = hook
    in_force = [settings("mail", url)]
    service = NotificationService(database.engine, lambda: in_force[0], database.store)
    with pytest.raises(DeliveryFailed):
        service.send(NOTICE, attempt=1)
    in_force[0] = settings("hook", url)
    service.send(NOTICE, attempt=2)
    assert len(received) == 1 and b"Session on Monday" in received[0]
    assert ledger(database) == ("hook", "emp.1", "delivered")
    attempts = [
        (e.payload["channel"], e.payload["outcome"])
        for e in database.store.read_all()
        if e.event_type == "NotificationAttempted"
    ]
    assert attempts == [("mail", "failed"), ("hook", "delivered")]


def test_a_bot_url_with_its_key_comes_from_the_environment_and_stays_out_of_the_log(
    database: Database, hook: tuple[str, list[bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    url, received = hook
    with pytest.raises(ValueError, match="url_env"):
        settings_with_bot({"url": url + "?key=SECRET"})
    with pytest.raises(ValueError, match="either url"):
        settings_with_bot({"url": url, "url_env": "BOT_URL"})

    monkeypatch.setenv("BOT_URL", url + "?key=SECRET")
    service = NotificationService(
        database.engine, settings_with_bot({"url_env": "BOT_URL"}), database.store
    )
    service.send(NOTICE)
    assert len(received) == 1

    monkeypatch.setenv("BOT_URL", f"http://127.0.0.1:{free_port()}/hook?key=SECRET")
    other = Notification("p1:attend:emp.2", "emp.2", "Attend", "Today", "p1")
    with pytest.raises(DeliveryFailed) as failed:
        service.send(other)
    assert "SECRET" not in str(failed.value)
    assert all("SECRET" not in str(e.payload) for e in database.store.read_all())


def settings_with_bot(bot: dict[str, str]) -> NotificationSettings:
    return NotificationSettings.model_validate(
        {
            "channels": {"bot": {"type": "webhook", "format": "wecom", **bot}},
            "routes": [{"recipients": ["*"], "channel": "bot"}],
        }
    )


def test_a_recorded_attempt_reads_back_as_the_attempt_it_was(
    database: Database, hook: tuple[str, list[bytes]]
) -> None:
    """The attempt is stored at its event's schema version, so reading it back does not run the
    version 1 upcaster on a version 2 payload (which has no ``key`` to rename)."""
    url, _ = hook
    service = NotificationService(database.engine, settings("hook", url), database.store)
    service.send(NOTICE)
    [stored] = [e for e in database.store.read_all() if e.event_type == "NotificationAttempted"]
    attempt = load_event(stored.event_type, stored.schema_version, stored.payload)
    assert attempt == NotificationAttempted(
        idempotency_key=NOTICE.idempotency_key,
        program_id="p1",
        recipient="emp.1",
        channel="hook",
        attempt=1,
        outcome="delivered",
    )
