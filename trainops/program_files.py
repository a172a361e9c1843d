"""``trainops program enrol --file`` and ``trainops program attendance --file``: a roster file,
a sign-in sheet or a device export sent to the API, which checks it whole and then streams its
progress (``api.rest.program_files``). The progress bar is drawn on stderr when stderr is a
terminal and ``--json`` is off; a refusal lists every offending row on stderr (exit 3); a run
that stopped midway is resumed by running the same command again."""

from __future__ import annotations

import json
import os
import sys
import uuid
from pathlib import Path
from typing import Annotated, Any

import typer

from trainops.api_client import (
    EXIT_INTERRUPTED,
    EXIT_REFUSED,
    EXIT_SERVER,
    Api,
    Response,
    TransportError,
    api,
    transport_error,
)
from trainops.http_wire import Answer
from trainops.language import error, t, unreadable
from trainops.render import console, errors, fail, print_json

#: The largest file the API takes (``services.roster_files.MAX_ROSTER_BYTES``, which a test
#: holds this to).
MAX_FILE_BYTES = 8 * 1024 * 1024

#: How long a file's upload waits for each answer: longer than the server waits for a batch
#: to be confirmed (a minute), so that its own "not confirmed in time" is what is said.
UPLOAD_TIMEOUT_SECONDS = 180

FileOption = Annotated[
    Path,
    typer.Option(
        "--file",
        help="A CSV or a plain list: employee ids in the first column (a header row and blank "
        "lines are skipped).",
    ),
]


def enrol_from_file(program_id: str, file: Path, as_json: bool) -> None:
    outcome = send_file(f"/programs/{program_id}/roster", file, as_json)
    said = t(
        "enrolled {recorded} of {total} in {program} ({skipped} enrolled before)",
        program=program_id,
        **_counts(outcome),
    )
    report(outcome, said, as_json)


def attendance_from_file(
    program_id: str, session_id: str, file: Path, late_reason: str | None, as_json: bool
) -> None:
    path = f"/programs/{program_id}/sessions/{session_id}/attendance"
    # a query of its own (a path is sent percent-encoded: a "?" in it names no query); an
    # empty reason is sent too, for the server to refuse
    reason = None if late_reason is None else {"late_reason": late_reason}
    outcome = send_file(path, file, as_json, reason)
    said = t(
        "recorded {recorded} of {total} attending {session} ({skipped} recorded before)",
        session=session_id,
        **_counts(outcome),
    )
    report(outcome, said, as_json)


def _counts(outcome: dict[str, Any]) -> dict[str, Any]:
    return {k: outcome[k] for k in ("recorded", "total", "skipped")}


def send_file(
    path: str, file: Path, as_json: bool, params: dict[str, str] | None = None
) -> dict[str, Any]:
    """POST ``file`` to ``path`` (under ``/api/v1/bulk``) and follow its progress; the last
    line (the outcome). Exits as the other program commands do."""
    try:
        handle = file.open("rb")
        size = os.fstat(handle.fileno()).st_size
    except OSError as exc:
        raise fail(t("cannot read {path}: {reason}", path=file, reason=unreadable(exc))) from exc
    if size > MAX_FILE_BYTES:  # said here: a server refuses it before reading it all, and
        handle.close()  # stops reading what is sent, which would read as a lost connection
        raise fail(_too_big(size))
    with handle, api() as client:
        headers = {"Idempotency-Key": str(uuid.uuid4())}
        try:
            connection, answer = client._open(
                "POST",
                f"/api/v1/bulk{path}",
                params=params,
                files={"file": (file.name, handle)},
                headers=headers,
                timeout=UPLOAD_TIMEOUT_SECONDS,
            )
        except TransportError as exc:
            raise client._unreachable(exc) from exc
        except KeyboardInterrupt:
            raise fail(_how_far({}, lost=False), EXIT_INTERRUPTED) from None
        try:
            if answer.status != 200:
                _refused(Response(answer.status, answer.reason, answer.headers, answer.read()))
            return _follow(answer, show_bar=not as_json and errors.is_terminal)
        except OSError as exc:
            raise client._unreachable(transport_error(exc)) from exc
        finally:
            connection.close()


def _shown(value: object, most: int = 100) -> str:
    """A row's value as typed (quoted, escapes visible), cut after ``most`` characters."""
    text = str(value)
    return repr(text) if len(text) <= most else repr(text[:most]) + f"… ({len(text)})"


def _too_big(size: int) -> str:
    """The server's own refusal of a file over its limit, in the reader's language."""
    from services.error_texts import say

    params = {"size": size, "limit": MAX_FILE_BYTES}
    return error("error.roster_too_big", params, say("error.roster_too_big", params, "en") or "")


def _refused(response: Response) -> None:
    """A file refused whole: the reason, then every offending row, on stderr (exit 3);
    any other error as every command reports it."""
    try:
        body = response.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and isinstance(body.get("rows"), list):
        rows = body["rows"]
        refused = fail(
            t("1 row refused, nothing was recorded:")
            if len(rows) == 1
            else t("{count} rows refused, nothing was recorded:", count=len(rows)),
            EXIT_REFUSED,
        )
        lines = []  # plain lines, written at once: 150,000 rows drawn one by one took 45 s
        for row in rows:
            where = t("row {row}", row=row["row"]) if row["row"] else t("the file")
            lines.append(f"  {where}: {_shown(row['value'])}: {row['problem']}\n")
        sys.stderr.write("".join(lines))
        raise refused
    Api._answer(response)
    raise fail(t("the server failed ({code}): {detail}", code=response.status_code, detail=""))


def _follow(answer: Answer, *, show_bar: bool) -> dict[str, Any]:
    """Read the progress lines as they come, drawing them; the last."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
    )

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, TimeElapsedColumn(), console=errors, transient=True, disable=not show_bar
    ) as progress:
        task = progress.add_task(t("checked"), total=None)
        last: dict[str, Any] = {}
        try:
            for raw in answer:
                if not raw.strip():
                    continue
                last = json.loads(raw)
                if "checked" in last:
                    done = last["skipped"]
                    total = last["checked"]
                    progress.update(task, description=t("sending"), completed=done, total=total)
                elif "sent" in last:
                    progress.update(task, completed=last["sent"], total=last["of"])
        except KeyboardInterrupt:
            raise fail(_how_far(last, lost=False), EXIT_INTERRUPTED) from None
        except OSError as exc:  # the server went away mid-answer: how far, and how to go on
            raise fail(_how_far(last, lost=True), EXIT_SERVER) from exc
    if "error" in last:
        params = last.get("params")
        said = error(
            str(last.get("code") or ""), params if isinstance(params, dict) else {}, last["error"]
        )
        counts = {"done": last.get("recorded_before", "?"), "total": last.get("of", "?")}
        if last.get("resume", True):
            message = t(
                "stopped midway, {done} of {total} recorded: {detail}; run the same command "
                "again to resume",
                detail=said,
                **counts,
            )
            raise fail(message, EXIT_SERVER)
        # the program's rules refused the rest (it was cancelled meanwhile, say): not a retry
        message = t(
            "refused after {done} of {total} were recorded: {detail}", detail=said, **counts
        )
        raise fail(message, EXIT_REFUSED)
    if "total" not in last:
        message = t("the answer ended before the outcome; run the same command again to resume")
        raise fail(message, EXIT_SERVER)
    return last


def _how_far(last: dict[str, Any], *, lost: bool) -> str:
    """What a person is told when the answer stopped coming (``lost``: the API process died,
    the network went) or they pressed Ctrl-C: how many were recorded, as the last progress
    line said, and that the same command resumes. "At least": the batch under way when it
    stopped may have been recorded too."""
    counts = _progress_counts(last)
    if counts is None and lost:
        return t("the answer ended before the outcome; run the same command again to resume")
    if counts is None:
        return t("interrupted; run the same command again to resume (nothing is recorded twice)")
    done, total = counts
    if lost:
        return t(
            "the connection to trainops was lost with at least {done} of {total} recorded; run "
            "the same command again to resume (nothing is recorded twice)",
            done=done,
            total=total,
        )
    return t(
        "interrupted with at least {done} of {total} recorded; run the same command again to "
        "resume (nothing is recorded twice)",
        done=done,
        total=total,
    )


def _progress_counts(last: dict[str, Any]) -> tuple[object, object] | None:
    """How many of the file were recorded, and of how many, as the last progress line said."""
    if "sent" in last:
        return last["sent"], last["of"]
    if "checked" in last:
        return last["skipped"], last["checked"]
    return None


def report(outcome: dict[str, Any], said: str, as_json: bool) -> None:
    """The outcome on stdout: as JSON, or ``said``."""
    if as_json:
        print_json(outcome)
    else:
        console.print(said, markup=False, highlight=False)
