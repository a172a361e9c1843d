"""What the program commands send and how an action's answer reads: the session and
time-zone arguments, and the events an action recorded. Shared by ``trainops.program_cli``'s
commands (their options are in ``trainops.options``) and ``trainops.program_reads``."""

from __future__ import annotations

from trainops.api_client import api
from trainops.language import t
from trainops.render import console, fail, print_json, warn

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (trainops.quick)
if TYPE_CHECKING:
    from datetime import datetime
    from typing import Any


def session_spec(spec: str, timezone: str) -> dict[str, Any]:
    """``ID@WHEN[/HOURS]``; a time without an offset is read in the program's time zone."""
    try:
        session_id, rest = spec.split("@", 1)
        when, _, hours = rest.partition("/")
        starts_at = _parsed_time(when)
        duration = float(hours or 2)
    except ValueError as exc:
        message = t(
            "session {spec} is not ID@WHEN[/HOURS], e.g. s1@2026-12-10T09:00/3", spec=repr(spec)
        )
        raise fail(message) from exc
    return {
        "session_id": session_id,
        "starts_at": local_time(starts_at, timezone).isoformat(),
        "duration_hours": duration,
    }


def _parsed_time(text: str) -> datetime:
    """An ISO 8601 time as written; ``datetime`` imported on use (``program show`` reads
    through this module and never needs it)."""
    from datetime import datetime

    return datetime.fromisoformat(text)


def local_time(moment: datetime, timezone: str) -> datetime:
    """``moment`` as written; without an offset, read on the program's clocks. A time those
    clocks skip (a daylight-saving gap) is refused, never silently moved."""
    if moment.tzinfo is not None:
        return moment
    from zoneinfo import ZoneInfo  # on use: a read command never needs it (issue 14)

    from domain.instants import wall_clock_instant

    try:
        return wall_clock_instant(moment, ZoneInfo(timezone))
    except ValueError as exc:
        message = t(
            "{when} does not exist in {zone}: the clocks skip it that day; choose another time",
            when=f"{moment:%Y-%m-%d %H:%M}",
            zone=timezone,
        )
        raise fail(message) from exc


def when_of(text: str, timezone: str) -> str:
    """A session's new start as the command line takes it (``reschedule``)."""
    try:
        moment = _parsed_time(text)
    except ValueError as exc:
        raise fail(t("{when} is not a time, e.g. 2026-12-10T09:00", when=repr(text))) from exc
    return local_time(moment, timezone).isoformat()


def zone_named(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise fail(t("unknown IANA time zone {name}", name=repr(name))) from exc
    return name


def recorded(result: dict[str, Any]) -> list[dict[str, Any]]:
    """The events an action recorded, each by its id in the log: its stream and version (an
    action appends its events together, so they are the stream's last versions)."""
    events = list(result.get("events", []))
    first = int(result["stream_version"]) - len(events) + 1
    stream = f"program-{result['program_id']}"
    return [
        {
            "event_type": kind,
            "stream_id": stream,
            "stream_version": first + i,
            "id": f"{stream}@{first + i}",
        }
        for i, kind in enumerate(events)
    ]


def done(result: dict[str, Any], as_json: bool) -> None:
    """An action's answer: the events it recorded (ids) and the program's new state."""
    events = recorded(result)
    if as_json:
        print_json({**result, "recorded": events})
        return
    listed = ", ".join(f"{e['event_type']} {e['id']}" for e in events) or t("nothing new")
    text = t(
        "ok {program}: {events} -> {status} (log position {position})",
        program=result["program_id"],
        events=listed,
        status=t(str(result["status"])),
        position=result["last_position"],
    )
    console.print(text, markup=False, highlight=False)
    for warning in result.get("warnings") or ():  # said by the server in the reader's language
        warn(str(warning.get("message", "")))


def act(program_id: str, segment: str, body: dict[str, Any] | None, as_json: bool) -> None:
    fields = {k: v for k, v in (body or {}).items() if v is not None}
    with api() as client:
        result = client.post(f"/api/v1/programs/{program_id}/{segment}", fields)
    done(result, as_json)


def program_detail(program_id: str, before: int | None = None) -> dict[str, Any]:
    """The program's read: summary, state, the newest timeline lines (``before``: older)."""
    with api() as client:
        detail: dict[str, Any] = client.get(f"/api/v1/programs/{program_id}", before=before)
    return detail
