"""The options several commands share, as typer declares them.

Kept apart from what the commands do (``trainops.render``, ``trainops.program_requests``,
``trainops.program_reads``): those run without typer when a read command is answered on the
quick path (``trainops.quick``), and importing typer takes about as long as the interpreter
takes to start (issue 14).
"""

from __future__ import annotations

from typing import Annotated

import typer

from trainops.render import Output

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
InUtc = Annotated[
    bool, typer.Option("--utc", help="Times in UTC instead of the program's time zone.")
]
LateReason = Annotated[
    str | None,
    typer.Option(help="Why this is entered after the entry window (it is marked late-entered)."),
]
TaskOption = Annotated[
    str | None,
    typer.Option(
        "--task",
        help="Task id, or its first 8 characters as timelines show it (default: your only "
        "open task).",
    ),
]
OutputOption = Annotated[
    Output | None,
    typer.Option("--output", "-o", help="table (default), json or csv (every field; for scripts)."),
]
