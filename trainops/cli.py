"""The ``trainops`` command line: run the stack, act on programs, read inboxes and KPIs, audit."""

# Every command loads on first use (``trainops.lazy``): this module only names them, so
# ``trainops --help`` and a command that talks to the API import neither the database, nor
# Temporal, nor the commands they do not run. ``tests/test_cli_lazy.py`` checks each help line
# here against the command's own.

from __future__ import annotations

from typing import Annotated

import typer

from trainops.lazy import Lazy, LazyGroup, command_group

#: Commands in the order ``--help`` lists them. ``local=False``: a client of the HTTP API only
#: (no settings, no database); ``temporal=True``: runs Temporal clients in this process.
COMMANDS: dict[str, Lazy] = {
    "up": Lazy(
        "trainops.process_cli:up",
        "Start the embedded stack: Temporal dev server + worker + projector (Ctrl-C stops all).",
        temporal=True,
    ),
    "worker": Lazy(
        "trainops.process_cli:worker",
        "Run only the Temporal worker (against TRAINOPS_TEMPORAL_ADDRESS).",
        temporal=True,
    ),
    "projector": Lazy(
        "trainops.process_cli:projector",
        "Run only the projector that keeps the read models up to date.",
    ),
    "health": Lazy(
        "trainops.process_cli:health",
        "Exit 0 if this container's worker or projector beat within --max-age seconds (its "
        "healthcheck; the heartbeat file is TRAINOPS_HEARTBEAT_FILE).",
    ),
    "demo": Lazy(
        "trainops.process_cli:demo",
        "Drive a realistic quarter of programs on the time-skipping server and print the KPIs.",
        temporal=True,
    ),
    "login": Lazy(
        "trainops.account_cli:login",
        "Sign in once; later commands act as you (the token is saved with mode 0600).",
        local=False,
    ),
    "logout": Lazy(
        "trainops.account_cli:logout",
        "Revoke the saved token on the server and forget it.",
        local=False,
    ),
    "whoami": Lazy(
        "trainops.account_cli:whoami", "Who the command line acts as, on which server.", local=False
    ),
    "setup": Lazy(
        "trainops.account_cli:setup",
        "Create the first admin of a fresh installation (the code works once, for an hour).",
        local=False,
    ),
    "program": Lazy(
        "trainops.program_cli:program_app", "Plan and run training programs.", local=False
    ),
    "inbox": Lazy(
        "trainops.program_cli:inbox",
        "Your approval tasks: assigned to you, offered to your groups, or delegated to you.",
        local=False,
    ),
    "notifications": Lazy(
        "trainops.program_cli:notifications",
        "Notifications in the outbox, newest first.",
        local=False,
    ),
    "kpi": Lazy(
        "trainops.kpi_cli:kpi_app",
        "KPI reports, through the API (`trainops login` first; your role decides which cards).",
    ),
    "audit": Lazy(
        "trainops.audit_cli:audit_app",
        "Audit through the API (`trainops login` as an auditor first): read the history, "
        "verify the log, replay it, export it.",
    ),
    "data": Lazy(
        "trainops.data_cli:data_app",
        "Load reference data, L3/L4 metrics, costs and exam answers; migrate history.",
    ),
    "config": Lazy(
        "trainops.config_cli:config_app",
        "The admin's configuration: check a file, apply it as a new version, see the history.",
        local=False,
    ),
    "users": Lazy(
        "trainops.users_cli:users_app",
        "Users and their roles (specialist, approver, auditor, admin, trainee); admins only.",
        local=False,
    ),
    "tokens": Lazy("trainops.account_cli:tokens_app", "Your personal API tokens.", local=False),
    "keys": Lazy(
        "trainops.keys_cli:keys_app",
        "Signing keys: the API signs every person's action; workers and auditors verify.",
    ),
    "certs": Lazy(
        "trainops.certs_cli:certs_app",
        "Certificates for mutual TLS between trainops processes and Temporal.",
        local=False,
    ),
    # backup_cli adds `db backup` and `db restore` to db_cli's group.
    "db": Lazy(
        "trainops.backup_cli:db_app",
        "The database: migrate as its owner, restrict the application's role, maintenance.",
    ),
    "log": Lazy(
        "trainops.log_cli:log_app",
        "The operator's direct check of the event log (needs the database credentials; "
        "auditors use `trainops audit verify`).",
    ),
    "projections": Lazy("trainops.log_cli:projections_app", "Maintain the read models."),
}


class TrainopsGroup(LazyGroup):
    COMMANDS = COMMANDS


app = command_group(
    cls=TrainopsGroup, no_args_is_help=True, help=__doc__, pretty_exceptions_enable=False
)


def _print_version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        print(f"trainops {version('trainops')}")
        raise typer.Exit()


def _choose_language(value: str | None) -> None:
    """``--lang`` before the command: it beats TRAINOPS_LANG and the locale."""
    from api.languages import supported
    from trainops.language import choose, t

    if value is None:
        choose(None)
        return
    chosen = supported(value)
    if chosen is None:
        from trainops.render import fail

        raise fail(t("unknown language {value}: en or zh-CN", value=repr(value)))
    choose(chosen)


@app.callback()
def _options(
    show_version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version."
        ),
    ] = False,
    lang: Annotated[
        str | None,
        typer.Option(
            "--lang",
            callback=_choose_language,
            is_eager=True,
            metavar="en|zh-CN",
            help="Language of the messages (default: TRAINOPS_LANG, then the locale: "
            "LC_ALL, LC_MESSAGES, LANG). --json is the same in every language.",
        ),
    ] = None,
) -> None:
    """The trainops command line: run the stack, act on programs, read inboxes and KPIs, audit."""


if __name__ == "__main__":
    app()
