"""``trainops config``: check a file, see the configuration in force and its history, and put a
reviewed file in force as a new version (the same versions admins save in the browser)."""

from __future__ import annotations

import dataclasses
import sys
from contextlib import closing
from datetime import time
from pathlib import Path
from typing import Annotated

import typer
from pydantic import BaseModel

from activities.admin_config import AdminConfig, ConfigFileError, parse_admin_config
from activities.config_versions import (
    ConfigVersion,
    current_version,
    history,
)
from runtime.errors import StartupError
from runtime.settings import get_settings
from runtime.startup import EXIT_CONFIG
from services.database import open_existing_database
from trainops.api_client import api
from trainops.language import error, in_english, language, name, t
from trainops.lazy import command_group
from trainops.render import (
    OutputOption,
    console,
    fail,
    print_json,
    rows_table,
    said,
    show_rows,
    warn,
    when,
)

AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]
EXIT_NOT_FOUND = 4

config_app = command_group(
    no_args_is_help=True,
    help="The admin's configuration: check a file, apply it as a new version, see the history.",
)


def _describe(version: ConfigVersion, *, for_people: bool = True) -> str:
    """Which version: in the reader's language, or in English for ``--json`` (the same in
    every language)."""
    if version.version == 0:
        return t(version.source) if for_people else version.source
    params = {"version": version.version, "by": version.changed_by, "at": when(version.changed_at)}
    if not for_people:
        return in_english("version {version}, saved by {by} at {at}", **params)
    return t("version {version}, saved by {by} at {at}", **params)


def _settings_line(settings: BaseModel) -> str:
    """``name=value`` for each setting as the YAML writes it (a time as ``09:00``, not a
    Python repr)."""
    return " ".join(
        f"{field}={value.strftime('%H:%M') if isinstance(value, time) else value}"
        for field, value in settings
    )


def _summarise(config: AdminConfig) -> None:
    policy = config.approval
    rows_table(
        t("approval steps (in order; each applies when its condition holds)"),
        [
            {
                "step": s.id,
                "name": name(s.name),
                "when": t(s.when.describe()),
                "approvers": t(s.approvers.describe()),
                "quorum": s.quorum,
                "sla (working days)": s.sla_working_days or "-",
                "escalate to": s.escalate_to or "-",
            }
            for s in policy.steps
        ],
        ["step", "name", "when", "approvers", "quorum", "sla (working days)", "escalate to"],
    )
    channels = ", ".join(config.notifications.channels) or t("outbox only")
    console.print(
        t(
            "notification channels: {channels}; reminders: {reminders}",
            channels=channels,
            reminders=_settings_line(config.reminders),
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
    try:
        if path is not None:
            text = path.read_text(encoding="utf-8")
            config, described = parse_admin_config(text, str(path)), str(path)
            warnings = _people_warnings(text, required=False)
        else:
            database = open_existing_database(get_settings().database_url)
            try:
                version = current_version(database.store, get_settings().config_file)
            finally:
                database.close()
            config = parse_admin_config(version.document, _describe(version))
            described = _describe(version, for_people=not as_json)
            warnings = _people_warnings(version.document, required=True)
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(t("{path}: cannot read ({reason})", path=path, reason=exc)) from exc
    except ConfigFileError as exc:
        raise fail(error(exc.key, exc.params, str(exc))) from exc
    _warn_people(warnings)
    if as_json:
        config_json = config.model_dump(mode="json")
        print_json({"ok": True, "source": described, "config": config_json, "warnings": warnings})
        return
    policy = repr(name(config.approval.name))
    text = t("ok {source}: policy {policy}", source=described, policy=policy)
    console.print(text, markup=False)
    _summarise(config)


def _people_warnings(document: str, *, required: bool) -> list[str]:
    """Who the policy names but is no active user with the role they need. A file checked
    where no trainops database is (``required`` False) is checked without its people."""
    from services.configuration import people_warnings

    try:
        database = open_existing_database(get_settings().database_url)
    except StartupError:
        if required:
            raise
        return []
    with closing(database):
        return people_warnings(database.engine, document, language())


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
        raise fail(t("{path}: cannot read ({reason})", path=path, reason=exc)) from exc
    with api() as client:  # no expected version: the server takes the one in force
        saved = client.put(
            "/api/v1/config",
            {"document": document, "comment": comment, "expected_version": expected_version},
        )
    text = t(
        "applied {path} as version {version} ({sha})",
        path=path,
        version=saved["version"],
        sha=saved["sha256"][:12],
    )
    _warn_people(saved.get("warnings", []))
    said(text, saved, as_json)


@config_app.command("history")
def show_history(
    as_json: AsJson = False,
    output: OutputOption = None,
) -> None:
    """Every saved version: who, when, why, and the document's SHA-256."""
    with closing(open_existing_database(get_settings().database_url)) as database:
        versions = history(database.store)
    rows = [
        {
            "version": v.version,
            "changed_by": v.changed_by,
            "changed_at": v.changed_at.isoformat() if v.changed_at else "",
            "comment": v.comment,
            "sha256": v.sha256,
        }
        for v in versions
    ]
    in_force = get_settings().config_file or t("the built-in defaults")
    columns = ["version", "changed_by", "changed_at", "comment", "sha256"]
    show_rows(
        t("configuration versions"),
        rows,
        columns,
        output=output,
        as_json=as_json,
        empty=t("no saved versions: in force is {source}", source=in_force),
    )


@config_app.command("show")
def show(
    version: Annotated[
        int | None, typer.Option(help="A saved version (default: the one in force).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Print a version's YAML exactly as saved (e.g. to edit and ``apply`` it again)."""
    database = open_existing_database(get_settings().database_url)
    try:
        if version is None:
            try:
                chosen: ConfigVersion | None = current_version(
                    database.store, get_settings().config_file
                )
            except ConfigFileError as exc:  # the configured file: the operator's to fix
                raise fail(error(exc.key, exc.params, str(exc)), EXIT_CONFIG) from exc
        else:
            chosen = next((v for v in history(database.store) if v.version == version), None)
        if chosen is None:
            raise fail(t("there is no saved version {version}", version=version), EXIT_NOT_FOUND)
    finally:
        database.close()
    if as_json:
        print_json({**dataclasses.asdict(chosen), "source": _describe(chosen, for_people=False)})
        return
    sys.stdout.write(chosen.document)
