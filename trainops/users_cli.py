"""``trainops users``: people and their roles, through the API (admins only).

The first admin comes from ``trainops setup`` with the one-time code; after that, creating an
admin needs an admin. Passwords are typed at a hidden prompt (or piped with
``--password-stdin``), never given as an argument.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from domain.listings import USER_FIELDS
from domain.roles import ROLES
from trainops.account_cli import read_password
from trainops.api_client import api
from trainops.language import t
from trainops.lazy import command_group
from trainops.options import OutputOption
from trainops.render import said, show_rows, warn

users_app = command_group(
    no_args_is_help=True, help="Users and their roles (" + ", ".join(ROLES) + "); admins only."
)

RoleOption = Annotated[
    list[str],
    typer.Option("--role", help=f"A role ({', '.join(ROLES)}); repeat for several."),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first stdin line.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _change(username: str, body: dict[str, Any], what: str, as_json: bool) -> None:
    with api() as client:
        user = client.patch(f"/api/v1/users/{username}", body)
    text = t(
        "ok {username}: {what} (roles {roles}; {state})",
        username=username,
        what=what,
        roles=", ".join(user["roles"]),
        state=t("active") if user["active"] else t("disabled"),
    )
    for warning in user.get("warnings", []):
        warn(warning)
    said(text, user, as_json)


@users_app.command("create")
def create(
    username: str,
    role: RoleOption,
    display_name: Annotated[str | None, typer.Option()] = None,
    password_stdin: PasswordStdin = False,
    as_json: AsJson = False,
) -> None:
    """Create a user with one or more roles."""
    body = {
        "username": username,
        "password": read_password(password_stdin, confirm=True),
        "roles": role,
        "display_name": display_name,
    }
    with api() as client:
        made = client.post("/api/v1/users", body)
    text = t(
        "ok {username} created with roles {roles}",
        username=made["username"],
        roles=", ".join(made["roles"]),
    )
    said(text, made, as_json)


@users_app.command("list")
def list_users(as_json: AsJson = False, output: OutputOption = None) -> None:
    """Every user, their roles and whether they may sign in."""
    with api() as client:
        users = client.get("/api/v1/users")
    rows = [{**u, "roles": ", ".join(u["roles"])} for u in users]
    columns = ["username", "display_name", "roles", "active"]
    show_rows(
        t("users"), rows, columns, output=output, as_json=as_json, data=users, fields=USER_FIELDS
    )


@users_app.command("roles")
def set_roles(username: str, role: RoleOption, as_json: AsJson = False) -> None:
    """Replace a user's roles."""
    _change(username, {"roles": role}, t("roles replaced"), as_json)


@users_app.command("password")
def set_password(
    username: str, password_stdin: PasswordStdin = False, as_json: AsJson = False
) -> None:
    """Set a user's password (they are signed out everywhere)."""
    _change(
        username,
        {"password": read_password(password_stdin, confirm=True)},
        t("password set"),
        as_json,
    )


@users_app.command("disable")
def disable(username: str, as_json: AsJson = False) -> None:
    """Stop a user from signing in (their sessions end; tokens stop working)."""
    _change(username, {"active": False}, t("disabled"), as_json)


@users_app.command("enable")
def enable(username: str, as_json: AsJson = False) -> None:
    """Let a disabled user sign in again."""
    _change(username, {"active": True}, t("enabled"), as_json)
