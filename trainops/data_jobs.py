"""Waiting for a load the server runs as a job: polled with a growing pause, its progress
drawn on stderr so that stdout carries only the report (``--json`` stays clean JSON)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from trainops.api_client import Api
from trainops.language import t
from trainops.render import errors

FINISHED = frozenset({"succeeded", "failed"})
FIRST_PAUSE, LONGEST_PAUSE, GROWTH = 0.2, 2.0, 1.5


def pauses() -> Iterator[float]:
    """0.2 s, then half as long again each time, up to 2 s: quick loads answer quickly, long
    ones are asked about once every two seconds."""
    pause = FIRST_PAUSE
    while True:
        yield pause
        pause = min(pause * GROWTH, LONGEST_PAUSE)


def wait_for_job(client: Api, job: dict[str, Any]) -> dict[str, Any]:
    """Poll the job until it succeeded or failed; the finished job."""
    location = f"/api/v1/jobs/{job['job_id']}"
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=errors, transient=True) as progress:
        task = progress.add_task(t(job["status"]), total=None)  # the state in words
        for pause in pauses():
            if job["status"] in FINISHED:
                return job
            time.sleep(pause)
            job = client.get(location)
            progress.update(
                task,
                description=t(job["status"]),
                completed=job["done"],
                total=job["total"] or None,
            )
    raise AssertionError("unreachable")  # pragma: no cover
