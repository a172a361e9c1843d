"""``trainops config``: check a file, see the configuration in force and its history, and put a
reviewed file in force as a new version (the same versions admins save in the browser).

Every command is a client of the HTTP API (``/api/v1/config``), so an admin works from any
machine and any folder: the configuration is the server's, not a database beside the shell.
Only ``check FILE`` reads the file here first, so a file's mistakes are said without a server
(who the policy names is then checked by the server, when signed in)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from activities.admin_config import AdminConfig, ConfigFileError, parse_admin_config
from domain.calendar import ReminderRules
from trainops.api_client import Api, api, load_credentials
from trainops.language import error, in_english, language, name, t, unreadable
from trainops.lazy import command_group
from trainops.options import OutputOption
from trainops.render import console, fail, print_json, rows_table, said, show_rows, warn, when

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
EXIT_NOT_FOUND = 4

config_app = command_group(
    no_args_is_help=True,
    help="The admin's configuration: check a file, apply it as a new version, see the history.",
)


def _describe(version: dict[str, Any], *, for_people: bool = True) -> str:
    """Which version (as ``/api/v1/config`` answers it): in the reader's language, or in
    English for ``--json`` (the same in every language)."""
    if version["version"] == 0:
        return t(version["source"]) if for_people else version["source"]
    params = {
        "version": version["version"],
        "by": version["changed_by"],
        "at": when(version["changed_at"]),
    }
    if not for_people:
        return in_english("version {version}, saved by {by} at {at}", **params)
    return t("version {version}, saved by {by} at {at}", **params)


def _reminders_line(rules: ReminderRules) -> str:
    """When reminders go out, in words (as the configuration page says it)."""
    return t(
        "prepare materials {days} working days before, at {prepare}; attend at {attend} (or "
        "{minutes} min before a session that starts earlier)",
        days=rules.prepare_working_days,
        prepare=rules.prepare_at.strftime("%H:%M"),
        attend=rules.attend_at.strftime("%H:%M"),
        minutes=rules.attend_lead_minutes,
    )


def _said(phrase: tuple[str, dict[str, str]]) -> str:
    """A policy's phrase (``domain.approval``) in the reader's language, its values filled."""
    text, params = phrase
    return t(text, **params)


def _summarise(config: AdminConfig) -> None:
    policy = config.approval
    rows_table(
        t("approval steps (in order; each applies when its condition holds)"),
        [
            {
                "step": s.id,
                "name": name(s.name),
                "condition": "; ".join(_said(phrase) for phrase in s.when.phrases()),
                "approvers": _said(s.approvers.phrase()),
                "quorum": s.quorum,
                "sla (working days)": s.sla_working_days or "-",
                "escalate to": s.escalate_to or "-",
            }
            for s in policy.steps
        ],
        ["step", "name", "condition", "approvers", "quorum", "sla (working days)", "escalate to"],
    )
    channels = ", ".join(config.notifications.channels) or t("outbox only")
    console.print(
        t(
            "notification channels: {channels}; reminders: {reminders}",
            channels=channels,
            reminders=_reminders_line(config.reminders),
        ),
        markup=False,
        highlight=False,
    )


@config_app.command("check")
def check(
    path: Annotated[
        Path | None,
        typer.Argument(help="A file to check (default: the configuration in force)."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Validate a configuration file, or the one in force, and summarise it; a problem names
    its line."""
    if path is not None:
        try:
            document = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise fail(
                t("{path}: cannot read ({reason})", path=path, reason=unreadable(exc))
            ) from exc
        config = _parsed(document, str(path))
        described = str(path)
        credentials = load_credentials()
        if credentials.token is None:  # checked here only: who it names is the server's
            warn(
                t("not signed in: the people the policy names were not checked (`trainops login`)")
            )
            warnings: list[str] = []
        else:
            with Api(credentials) as client:
                warnings = _checked(client, document, described)
    else:
        with api() as client:
            version = client.get("/api/v1/config")
            document = version["document"]
            config = _parsed(document, _describe(version))
            # The built-in defaults (empty) name nobody: nothing for the server to check.
            warnings = _checked(client, document, _describe(version)) if document.strip() else []
        described = _describe(version, for_people=not as_json)
    _warn_people(warnings)
    if as_json:
        config_json = config.model_dump(mode="json")
        print_json({"ok": True, "source": described, "config": config_json, "warnings": warnings})
        return
    policy = repr(name(config.approval.name))
    text = t("ok {source}: policy {policy}", source=described, policy=policy)
    console.print(text, markup=False)
    _summarise(config)


def _parsed(document: str, source: str) -> AdminConfig:
    try:
        return parse_admin_config(document, source)
    except ConfigFileError as exc:
        raise fail(error(exc.key, exc.params, str(exc))) from exc


def _checked(client: Api, document: str, source: str) -> list[str]:
    """The server's check of ``document`` (``POST /api/v1/config/check``, admins): who the
    policy names but is no active user with the role they need. A problem the server finds
    that this command line did not (a server of another version) is said as for a file."""
    checked = client.post("/api/v1/config/check", {"document": document})
    problems = checked.get("problems") or []
    if not checked.get("valid", True) and problems:
        raise fail(f"{source}: {problems[0]['message']}")
    return [str(w) for w in checked.get("warnings", [])]


def _warn_people(warnings: list[str]) -> None:
    from services.error_texts import say

    for warning in warnings:
        warn(warning)
    if warnings:
        warn(say("config.inactive_people_hint", {}, language()) or "")


@config_app.command("apply")
def apply(
    path: Annotated[Path, typer.Argument(help="The reviewed YAML file to put in force.")],
    comment: Annotated[str, typer.Option(help="Why: shown in the history.")] = "",
    expected_version: Annotated[
        int | None,
        typer.Option(
            min=0, help="Refuse unless this is the version in force (default: whichever is)."
        ),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Put a file in force as the next version, as the signed-in admin (through the API):
    validated first, refused whole, recorded in the event log with who and why. Workers pick
    it up on their next activity."""
    try:
        document = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(t("{path}: cannot read ({reason})", path=path, reason=unreadable(exc))) from exc
    with api() as client:  # no expected version: the server takes the one in force
        saved = client.put(
            "/api/v1/config",
            {"document": document, "comment": comment, "expected_version": expected_version},
        )
    text = t(
        "applied {path} as version {version} ({sha})",
        path=path,
        version=saved["version"],
        sha=saved["sha256"],
    )
    _warn_people(saved.get("warnings", []))
    said(text, saved, as_json)


@config_app.command("history")
def show_history(
    as_json: AsJson = False,
    output: OutputOption = None,
) -> None:
    """Every saved version: who, when, why, and the document's SHA-256."""
    with api() as client:
        versions = client.get("/api/v1/config/versions")
        in_force = _describe(client.get("/api/v1/config")) if not versions else ""
    columns = ["version", "changed_by", "changed_at", "comment", "sha256"]
    rows = [{column: v.get(column, "") for column in columns} for v in versions]
    show_rows(
        t("configuration versions"),
        rows,
        columns,
        output=output,
        as_json=as_json,
        empty=t("no saved versions: in force is {source}", source=in_force),
        cells=lambda row: {**row, "changed_at": when(row.get("changed_at"))},
    )


@config_app.command("show")
def show(
    version: Annotated[
        int | None, typer.Option(help="A saved version (default: the one in force).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Print a version's YAML exactly as saved (e.g. to edit and ``apply`` it again)."""
    if version is not None and not 1 <= version <= 1_000_000:
        raise fail(t("there is no saved version {version}", version=version), EXIT_NOT_FOUND)
    with api() as client:
        path = "/api/v1/config" if version is None else f"/api/v1/config/versions/{version}"
        chosen = client.get(path)
    if as_json:
        print_json({**chosen, "source": _describe(chosen, for_people=False)})
        return
    sys.stdout.write(chosen["document"])
