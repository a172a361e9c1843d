"""``trainops login|logout|whoami|setup`` and ``trainops tokens``: who the command line acts as.

Passwords are typed at a hidden prompt (or piped with ``--password-stdin``), never given as an
argument; tokens are printed once and kept in the credentials file (mode 0600) or the
environment (``TRAINOPS_TOKEN``).
"""

from __future__ import annotations

import socket
import sys
from typing import Annotated, Any

import typer

from domain.listings import TOKEN_FIELDS
from domain.roles import ROLES
from trainops import program_reads
from trainops.api_client import (
    EXIT_REFUSED,
    Api,
    Credentials,
    api,
    credentials_path,
    forget_credentials,
    load_credentials,
    save_credentials,
)
from trainops.language import t
from trainops.lazy import command_group
from trainops.options import OutputOption
from trainops.render import errors, fail, print_json, said, show_rows, when

Server = Annotated[
    str | None,
    typer.Option("--server", help="The trainops API, e.g. https://trainops.example.com."),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON.")]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first stdin line.")
]
RoleOption = Annotated[
    list[str] | None,
    typer.Option("--role", help=f"A role ({', '.join(ROLES)}); repeat for several."),
]

tokens_app = command_group(no_args_is_help=True, help="Your personal API tokens.")


def read_password(from_stdin: bool, *, confirm: bool = False) -> str:
    """The password from the first stdin line, or typed at a hidden prompt; piped without
    ``--password-stdin`` it is refused (exit 2) rather than read with the prompt's warning
    that it may be echoed."""
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise fail(t("the password is typed at a terminal; to pipe it, add --password-stdin"))
    value: str = typer.prompt(
        t("Password"),
        hide_input=True,
        confirmation_prompt=t("Repeat for confirmation") if confirm else False,
    )
    return value


def login(
    server: Server = None,
    username: Annotated[str | None, typer.Option(help="Your username.")] = None,
    password_stdin: PasswordStdin = False,
    token_stdin: Annotated[
        bool, typer.Option("--token-stdin", help="Read an API token from stdin instead.")
    ] = False,
    days: Annotated[int, typer.Option(help="How long the new token lives.", min=1, max=365)] = 30,
    as_json: AsJson = False,
) -> None:
    """Sign in once; later commands act as you (the token is saved with mode 0600)."""
    target = load_credentials(server).server
    if token_stdin:
        token = sys.stdin.readline().strip()
        with Api(Credentials(target, token)) as client:
            me = client.get("/api/v1/me")
    else:
        name = username or typer.prompt(t("Username"))
        secret = read_password(password_stdin)
        with Api(Credentials(target, None), anonymous=True) as client:
            issued = client.post(
                "/api/v1/auth/token",
                {
                    "username": name,
                    "password": secret,
                    "label": f"cli@{socket.gethostname()}"[:100],
                    "expires_in_days": days,
                },
                # A password was sent, not a token: the server's words ("wrong username or
                # password") say what happened, not the token's three possible reasons.
                exit_codes={401: EXIT_REFUSED},
            )
        token, me = issued["token"], {"username": issued["username"], "roles": issued["roles"]}
    path = save_credentials(Credentials(target, token, me["username"]))
    said(
        t(
            "signed in to {server} as {username} ({roles}); token saved in {path}",
            server=target,
            username=me["username"],
            roles=", ".join(me["roles"]),
            path=path,
        ),
        {"server": target, "username": me["username"], "roles": me["roles"], "saved": str(path)},
        as_json,
    )


def logout(as_json: AsJson = False) -> None:
    """Revoke the saved token on the server and forget it."""
    credentials = load_credentials()
    if credentials.token is None:
        said(t("not signed in"), {"server": credentials.server, "signed_out": False}, as_json)
        return
    token_id = credentials.token.split("_")[1] if credentials.token.count("_") >= 2 else ""
    if token_id:
        with Api(credentials) as client:
            client.delete(f"/api/v1/tokens/{token_id}")
    forget_credentials()
    said(
        t("signed out of {server}", server=credentials.server),
        {"server": credentials.server, "signed_out": True, "revoked": token_id or None},
        as_json,
    )


def whoami(server: Server = None, as_json: AsJson = False) -> None:
    """Who the command line acts as, on which server."""
    program_reads.whoami(server, as_json=as_json)


def setup(
    code: Annotated[str, typer.Option(help="The one-time setup code `trainops up` printed.")],
    username: Annotated[str, typer.Option(help="The first admin's username.")],
    server: Server = None,
    display_name: Annotated[str | None, typer.Option()] = None,
    password_stdin: PasswordStdin = False,
    as_json: AsJson = False,
) -> None:
    """Create the first admin of a fresh installation (the code works once, for an hour)."""
    secret = read_password(password_stdin, confirm=not password_stdin)
    with Api(load_credentials(server), anonymous=True) as client:
        made = client.post(
            "/api/v1/setup",
            {
                "code": code,
                "username": username,
                "password": secret,
                "display_name": display_name,
            },
        )
    said(
        t(
            "the first admin, {username!r}, is created; now `trainops login --username {username}`",
            username=made["username"],
        ),
        made,
        as_json,
    )


@tokens_app.command("create")
def create_token(
    label: Annotated[str, typer.Option(help="What the token is for.")] = "script",
    days: Annotated[int, typer.Option(help="Days until it expires.", min=1, max=3650)] = 90,
    role: RoleOption = None,
    as_json: AsJson = False,
) -> None:
    """A new token for scripts, with an expiry and at most your roles; printed once."""
    body = {"label": label, "expires_in_days": days, "roles": role or None}
    with api() as client:
        issued = client.post("/api/v1/tokens", body)
    if as_json:
        print_json(issued)
        return
    print(issued["token"])
    errors.print(
        t(
            "token {token} (expires {expires}): shown only this once",
            token=issued["token_id"],
            expires=when(issued.get("expires_at")),
        ),
        markup=False,
    )


@tokens_app.command("list")
def list_tokens(as_json: AsJson = False, output: OutputOption = None) -> None:
    """Your tokens (never their secrets)."""
    with api() as client:
        rows = client.get("/api/v1/tokens")
    columns = ["token_id", "label", "roles", "created_at", "expires_at", "revoked_at"]
    show_rows(
        t("tokens"),
        rows,
        columns,
        output=output,
        as_json=as_json,
        fields=TOKEN_FIELDS,
        cells=_token_cells,
    )
    if any(not row.get("roles") for row in rows) and not as_json and output in (None, "table"):
        errors.print(
            t(
                "(no roles listed: the token acts with its owner's roles, as they are when it "
                "is used)"
            ),
            markup=False,
        )


def _token_cells(row: dict[str, Any]) -> dict[str, Any]:
    """A token as a table row: its instants labelled, never raw ISO text."""
    times = ("created_at", "expires_at", "revoked_at")
    return {**row, **{name: when(row[name]) for name in times if row.get(name)}}


@tokens_app.command("revoke")
def revoke_token(token_id: str, as_json: AsJson = False) -> None:
    """Revoke one of your tokens (admins: anyone's)."""
    with api() as client:
        client.delete(f"/api/v1/tokens/{token_id}")
    said(t("revoked {token}", token=token_id), {"token_id": token_id, "revoked": True}, as_json)


__all__ = ["EXIT_REFUSED", "credentials_path", "fail"]
