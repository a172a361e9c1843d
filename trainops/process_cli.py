"""``trainops up|worker|projector|health|demo``: the long-running processes and their checks.

Each command imports what it runs when it runs, so loading this module costs only typer.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

import typer

from runtime.heartbeat import age_seconds, touch
from runtime.logging import configure_logging
from runtime.settings import get_settings
from trainops.language import t
from trainops.render import console, fail

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def up(
    ui: Annotated[bool, typer.Option(help="Serve the Temporal Web UI.")] = True,
    port: Annotated[
        str | None,
        typer.Option(
            metavar="PORT", help="Port of the web pages and API (default: TRAINOPS_API_PORT)."
        ),
    ] = None,
    host: Annotated[
        str | None,
        typer.Option(
            metavar="HOST",
            help="Address the web pages and API listen on (default: TRAINOPS_API_HOST).",
        ),
    ] = None,
) -> None:
    """Start the embedded stack: Temporal dev server + worker + projector (Ctrl-C stops all)."""
    from runtime.startup import explained_startup
    from trainops.stack import listening_on, run_stack

    settings = listening_on(get_settings(), host, port)
    configure_logging(settings.log_format, settings.log_level)
    with explained_startup():  # a missing or bad key is one line, not a traceback
        asyncio.run(run_stack(settings, ui=ui))


def worker() -> None:
    """Run only the Temporal worker (against TRAINOPS_TEMPORAL_ADDRESS)."""
    from runtime.startup import run_service
    from trainops.worker import main

    run_service(main)


def projector() -> None:
    """Run only the projector that keeps the read models up to date."""
    import threading

    from runtime.startup import explained_startup, wait_for_database
    from services.database import open_database

    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    with explained_startup():
        wait_for_database(settings.database_url, settings.database_connect_wait_seconds)
        database = open_database(settings.database_url)
    stop = threading.Event()
    beat = settings.heartbeat_file
    try:
        database.projector.run_forever(
            stop, settings.projector_poll_seconds, heartbeat=(lambda: touch(beat)) if beat else None
        )
    except KeyboardInterrupt:
        stop.set()
    finally:
        database.close()


def health(
    max_age: Annotated[float, typer.Option(min=1, help="Seconds a heartbeat stays fresh.")] = 60,
) -> None:
    """Exit 0 if this container's worker or projector beat within --max-age seconds (its
    healthcheck; the heartbeat file is TRAINOPS_HEARTBEAT_FILE)."""
    path = get_settings().heartbeat_file
    if path is None:
        raise fail(t("TRAINOPS_HEARTBEAT_FILE is not set: nothing to check"), 2)
    age = age_seconds(path)
    if age is None:
        raise fail(t("no heartbeat yet at {path}", path=path), 1)
    if age > max_age:
        message = t(
            "last heartbeat {age} s ago (more than {limit} s)",
            age=f"{age:.0f}",
            limit=f"{max_age:g}",
        )
        raise fail(message, 1)
    console.print(t("alive: last heartbeat {age} s ago", age=f"{age:.0f}"), markup=False)


def demo(
    as_json: AsJson = False,
    database_url: Annotated[
        str | None, typer.Option(help="Where to keep the demo's log (default: a temp file).")
    ] = None,
    programs: Annotated[int, typer.Option(min=1, max=12, hidden=True)] = 12,
) -> None:
    """Drive a realistic quarter of programs on the time-skipping server and print the KPIs."""
    from trainops.demo import run_demo

    configure_logging("console", "warning")
    asyncio.run(run_demo(database_url=database_url, as_json=as_json, programs=programs))
