"""Liveness for processes that serve no HTTP (the worker and the projector).

Each touches its heartbeat file after work that proves it is useful (the projector after a
successful read of the log, the worker after Temporal answered a health check); the container's
healthcheck runs ``trainops health``, which fails when the file is older than ``--max-age``. A
process that hangs, or lost its database or Temporal, turns unhealthy and is restarted.
"""

from __future__ import annotations

import os
import time
from pathlib import Path


def touch(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch()
    os.utime(path)


def age_seconds(path: Path) -> float | None:
    """Seconds since the last beat, or None if there never was one."""
    try:
        return max(0.0, time.time() - path.stat().st_mtime)
    except FileNotFoundError:
        return None
