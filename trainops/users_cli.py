"""``trainops users``: the first admin, users and their roles, API tokens.

Passwords are typed at a hidden prompt (or piped with ``--password-stdin``), never given as an
argument, so they stay out of shell history and process lists. A token is printed once.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import timedelta
from typing import Annotated, TypeVar

import typer

from api.users import ROLES, UserError, UserStore
from trainops.database import open_database
from trainops.render import console, fail, print_json, rows_table
from trainops.settings import get_settings

users_app = typer.Typer(
    no_args_is_help=True, help="Users, roles (" + ", ".join(ROLES) + ") and API tokens."
)
token_app = typer.Typer(no_args_is_help=True, help="API tokens for scripts (bearer tokens).")
users_app.add_typer(token_app, name="token")

T = TypeVar("T")
RoleOption = Annotated[
    list[str],
    typer.Option("--role", help=f"A role ({', '.join(ROLES)}); repeat for several."),
]
PasswordStdin = Annotated[
    bool, typer.Option("--password-stdin", help="Read the password from the first stdin line.")
]
AsJson = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def _with_store(action: Callable[[UserStore], T]) -> T:
    database = open_database(get_settings().database_url)
    try:
        return action(UserStore(database.engine))
    except UserError as exc:
        raise fail(str(exc)) from exc
    finally:
        database.close()


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    value: str = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@users_app.command("create-admin")
def create_admin(
    username: str,
    display_name: Annotated[str | None, typer.Option()] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create the first admin (refused once an active admin exists: admins add the others)."""

    def go(store: UserStore) -> None:
        if store.has_admin():
            raise fail(
                "an admin exists already; an admin creates further users in the web pages, "
                "or use `trainops users create NAME --role admin`"
            )
        store.create_user(username, _password(password_stdin), ["admin"], display_name)

    _with_store(go)
    console.print(f"[green]ok[/green] admin {username} created; sign in at the web pages")


@users_app.command("create")
def create(
    username: str,
    role: RoleOption,
    display_name: Annotated[str | None, typer.Option()] = None,
    password_stdin: PasswordStdin = False,
) -> None:
    """Create a user with one or more roles."""
    _with_store(
        lambda store: store.create_user(username, _password(password_stdin), role, display_name)
    )
    console.print(f"[green]ok[/green] {username} created with roles {', '.join(sorted(role))}")


@users_app.command("list")
def list_users(as_json: AsJson = False) -> None:
    """Every user, their roles and whether they may sign in."""
    users = _with_store(lambda store: store.all_users())
    rows = [
        {
            "username": u.username,
            "display_name": u.display_name,
            "roles": ", ".join(sorted(u.roles)),
            "active": u.active,
        }
        for u in users
    ]
    if as_json:
        print_json(rows)
    else:
        rows_table("users", rows, ["username", "display_name", "roles", "active"])


@users_app.command("roles")
def set_roles(username: str, role: RoleOption) -> None:
    """Replace a user's roles."""
    user = _with_store(lambda store: store.set_roles(username, role))
    console.print(f"[green]ok[/green] {username}: {', '.join(sorted(user.roles)) or 'no roles'}")


@users_app.command("password")
def set_password(username: str, password_stdin: PasswordStdin = False) -> None:
    """Set a user's password (this signs them out of every browser)."""
    _with_store(lambda store: store.set_password(username, _password(password_stdin)))
    console.print(f"[green]ok[/green] password of {username} changed")


@users_app.command("disable")
def disable(username: str) -> None:
    """Stop a user from signing in (their sessions end; their tokens stop working)."""
    _with_store(lambda store: store.set_active(username, False))
    console.print(f"[green]ok[/green] {username} disabled")


@users_app.command("enable")
def enable(username: str) -> None:
    """Let a disabled user sign in again."""
    _with_store(lambda store: store.set_active(username, True))
    console.print(f"[green]ok[/green] {username} enabled")


@token_app.command("issue")
def issue(
    username: str,
    label: Annotated[str, typer.Option()] = "cli",
    expires_days: Annotated[
        int, typer.Option(min=0, max=3650, help="Days until it expires; 0: until revoked.")
    ] = 90,
) -> None:
    """Issue an API token; it is printed once, on stdout, and stored only as a hash."""
    expires = timedelta(days=expires_days) if expires_days else None
    info, secret = _with_store(lambda store: store.issue_token(username, label, expires))
    console.print(
        f"[green]ok[/green] token {info.token_id} for {username}; it is not shown again:",
        highlight=False,
    )
    print(secret)


@token_app.command("list")
def list_tokens(username: str | None = None, as_json: AsJson = False) -> None:
    """Issued tokens (ids and labels only; secrets are never stored)."""
    tokens = _with_store(lambda store: store.list_tokens(username))
    rows = [
        {
            "token_id": t.token_id,
            "username": t.username,
            "label": t.label,
            "created_at": t.created_at,
            "revoked_at": t.revoked_at or "",
        }
        for t in tokens
    ]
    if as_json:
        print_json(rows)
    else:
        rows_table(
            "API tokens", rows, ["token_id", "username", "label", "created_at", "revoked_at"]
        )


@token_app.command("revoke")
def revoke(token_id: str) -> None:
    """Revoke a token by its id; requests with it are refused from now on."""
    if not _with_store(lambda store: store.revoke_token(token_id)):
        raise fail(f"no active token {token_id!r}")
    console.print(f"[green]ok[/green] token {token_id} revoked")
