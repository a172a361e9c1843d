"""The command line's manners, through the real ``trainops`` executable against a real API:
``--json`` everywhere, ``--output table|json|csv`` on lists, answers on stdout and errors on
stderr with their exit codes (usage 2, refused 3, not found 4, server 5), and text printed as
typed (markup-like, right-to-left, emoji, very long)."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import typer

from services.database import Database
from tests.api.live import cli_env, live_api
from tests.event_samples import TEXTS
from trainops.cli import app

TRAINOPS = str(Path(sys.executable).parent / "trainops")
PASSWORD = "a very long admin password"

#: Commands that answer nothing a script reads: long-running services, the container probe,
#: and those that write a file or a secret (their output is that file or that secret).
NO_JSON = {
    "up", "worker", "projector", "health", "audit export", "keys generate", "certs generate",
    "db migrate", "db record-maintenance", "db backup", "db restore",
}  # fmt: skip
#: List commands: they take --output table|json|csv.
LISTS = {
    "inbox", "notifications", "program list", "users list", "tokens list", "keys list",
    "config history", "audit seals",
}  # fmt: skip


def _commands() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}

    def walk(command: object, path: list[str]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is not None:
            load = getattr(command, "real_command", None)  # a lazy group loads on demand
            for name in list(subcommands):
                walk(load(name) if load else subcommands[name], [*path, name])
            return
        params = getattr(command, "params", [])
        found[" ".join(path)] = {o for p in params for o in getattr(p, "opts", [])}

    walk(typer.main.get_command(app), [])
    return found


def test_every_command_answers_in_json_and_every_list_in_three_formats() -> None:
    commands = _commands()
    assert len(commands) > 60
    without = sorted(name for name, opts in commands.items() if "--json" not in opts)
    assert without == sorted(NO_JSON), without
    for name in LISTS:
        assert {"--output", "--json"} <= commands[name], name


def run(env: dict[str, str], *args: str, stdin: str = "", code: int = 0) -> tuple[str, str]:
    done = subprocess.run(
        [TRAINOPS, *args], env=env, input=stdin, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert done.returncode == code, (done.returncode, done.stdout, done.stderr)
    if code:
        assert done.stdout == "" and done.stderr.strip(), done
    assert "\x1b[" not in done.stdout + done.stderr  # no ANSI codes where scripts read
    return done.stdout, done.stderr


def test_answers_errors_exit_codes_and_text_as_typed(database: Database, tmp_path: Path) -> None:
    with live_api(database) as live:
        env = cli_env(live, tmp_path, COLUMNS="400")
        assert live.setup_code is not None
        setup = ["setup", "--code", live.setup_code, "--username", "root", "--password-stdin"]
        made = json.loads(run(env, *setup, "--json", stdin=PASSWORD + "\n")[0])
        assert made["username"] == "root"
        signed = json.loads(
            run(env, "login", "--username", "root", "--password-stdin", "--json",
                stdin=PASSWORD + "\n")[0]
        )  # fmt: skip
        assert signed["username"] == "root" and "token" not in signed

        # Text is text: every kind of awkward text, as a display name, comes back as typed.
        for kind, text in TEXTS.items():
            user = json.loads(
                run(env, "users", "create", f"u-{kind}", "--role", "trainee",
                    "--display-name", text[:200], "--password-stdin", "--json",
                    stdin=PASSWORD)[0]
            )  # fmt: skip
            assert user["display_name"] == text[:200]
        table, _ = run(env, "users", "list")
        for text in TEXTS.values():
            assert text[:60] in table.replace("\n", "").replace("│", "") or text == TEXTS["long"]
        rows = list(csv.DictReader(io.StringIO(run(env, "users", "list", "-o", "csv")[0])))
        assert {r["display_name"] for r in rows} >= {t[:200] for t in TEXTS.values()}
        listed = json.loads(run(env, "users", "list", "--output", "json")[0])
        assert {u["username"] for u in listed} >= {"root", "u-markup", "u-rtl"}

        changed = json.loads(run(env, "users", "roles", "u-rtl", "--role", "auditor", "--json")[0])
        assert changed["roles"] == ["auditor"]
        tokens = list(csv.DictReader(io.StringIO(run(env, "tokens", "list", "-o", "csv")[0])))
        assert tokens and "token" not in tokens[0]

        # Errors: stderr only, one exit code per kind.
        _, err = run(env, "users", "roles", "nobody", "--role", "auditor", code=4)
        assert "nobody" in err
        run(env, "users", "list", "--output", "yaml", code=2)  # usage
        run(env, "users", "create", "x", "--role", "wizard", "--password-stdin",
            stdin=PASSWORD, code=2)  # fmt: skip
        trainee = {**env, "TRAINOPS_CREDENTIALS_FILE": str(tmp_path / "t.json")}
        run(trainee, "login", "--username", "u-emoji", "--password-stdin", stdin=PASSWORD + "\n")
        run(trainee, "users", "list", code=3)  # refused: not an admin
        gone = {**env, "TRAINOPS_SERVER": "http://127.0.0.1:9"}
        _, err = run(gone, "users", "list", code=5)
        assert "cannot reach trainops" in err
        revoked = json.loads(run(trainee, "logout", "--json")[0])
        assert revoked["signed_out"] is True
