"""Notification settings the activity tests share."""

from __future__ import annotations

from tests.ports import free_port


def unreachable_mail() -> dict[str, object]:
    """An SMTP channel to a port nothing listens on: every send fails, quickly."""
    return {
        "type": "smtp",
        "host": "127.0.0.1",
        "port": free_port(),
        "sender": "trainops@example.com",
        "timeout_seconds": 2,
    }
