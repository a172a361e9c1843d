"""``trainops users``: the first admin, users with roles, API tokens; and the compose service."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

from runtime.settings import Settings
from services.database import Database
from tests.api.live import live_api

TRAINOPS = str(Path(sys.executable).parent / "trainops")
ROOT = Path(__file__).parents[2]


def run(env: dict[str, str], *args: str, stdin: str = "", ok: bool = True, code: int = 0) -> str:
    done = subprocess.run(
        [TRAINOPS, *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = done.stdout + done.stderr
    assert (done.returncode == 0) is ok, output
    if code:
        assert done.returncode == code, output
    return output


def test_first_admin_users_and_tokens_from_the_command_line(
    database: Database, tmp_path: Path
) -> None:
    password = "a very long admin password"
    with live_api(database) as live:
        env = {
            **os.environ,
            "TRAINOPS_SERVER": live.url,
            "TRAINOPS_CREDENTIALS_FILE": str(tmp_path / "root.json"),
        }
        env.pop("TRAINOPS_TOKEN", None)
        assert "No such command" in run(env, "users", "create-admin", "root", ok=False)
        assert live.setup_code is not None
        setup = ["setup", "--code", live.setup_code, "--username", "root", "--password-stdin"]
        run(env, *setup, stdin=password + "\n")
        run(env, "login", "--username", "root", "--password-stdin", stdin=password + "\n")
        assert "at least 10" in run(
            env, "users", "create", "li", "--role", "specialist", "--password-stdin",
            stdin="x\n", ok=False, code=2,
        )  # fmt: skip
        assert "roles.0: must be one of 'specialist'" in run(
            env, "users", "create", "li", "--role", "wizard", "--password-stdin",
            stdin=password, ok=False, code=2,
        )  # fmt: skip
        run(env, "users", "create", "li", "--role", "specialist", "--role", "approver",
            "--password-stdin", stdin=password)  # fmt: skip
        li = {**env, "TRAINOPS_CREDENTIALS_FILE": str(tmp_path / "li.json")}
        wrong = run(li, "login", "--username", "li", "--password-stdin", stdin="not it\n",
                    ok=False, code=3)  # fmt: skip
        assert "wrong username or password" in wrong and "token" not in wrong
        run(li, "login", "--username", "li", "--password-stdin", stdin=password + "\n")
        # A specialist cannot make admins (nor anyone): creating users needs an admin.
        refused = run(li, "users", "create", "mallory", "--role", "admin", "--password-stdin",
                      stdin=password, ok=False, code=3)  # fmt: skip
        assert "needs the admin role" in refused
        # A token limited to one role, at most the owner's roles.
        limited = json.loads(
            run(li, "tokens", "create", "--label", "ci", "--role", "specialist", "--json")
        )
        assert limited["roles"] == ["specialist"]
        assert "does not hold" in run(li, "tokens", "create", "--role", "admin", ok=False, code=3)
        user = live.users.user_for_token(limited["token"])
        assert user is not None and user.roles == {"specialist"}
        listed = run(env, "users", "list", "--json")
        assert '"li"' in listed and password not in listed and limited["token"] not in listed
        run(li, "tokens", "revoke", limited["token_id"])
        assert live.users.user_for_token(limited["token"]) is None

    changes = [
        (r.event_type, r.metadata["actor"], r.payload.get("username"))
        for r in database.store.read_stream("accounts")
    ]
    assert ("UserCreated", "root", "root") in changes
    assert ("FirstAdminCreated", "root", "root") in changes
    assert ("UserCreated", "root", "li") in changes
    assert ("TokenIssued", "li", "li") in changes
    assert ("TokenRevoked", "li", "li") in changes
    assert not any(password in json.dumps(r.payload) for r in database.store.read_all())


def test_the_compose_api_service_matches_the_code() -> None:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    api = compose["services"]["api"]
    assert api["command"] == ["python", "-m", "api"]
    assert (ROOT / "api" / "__main__.py").exists()
    fields = set(Settings.model_fields)
    for name in api["environment"]:
        assert name.startswith("TRAINOPS_")
        assert name.removeprefix("TRAINOPS_").lower() in fields, name
    assert "COPY api api" in (ROOT / "Dockerfile").read_text()
