"""A port on 127.0.0.1 for a test: one the OS just handed out and took back."""

from __future__ import annotations

import socket


def free_port() -> int:
    """A port nothing listens on now: free to bind, or refusing every connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
