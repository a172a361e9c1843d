"""``trainops users``: the first admin, users with roles, API tokens; and the compose service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml

from api.users import UserStore
from tests.api.conftest import fast_hasher
from trainops.database import open_database
from trainops.settings import Settings

TRAINOPS = str(Path(sys.executable).parent / "trainops")
ROOT = Path(__file__).parents[2]


def run(env: dict[str, str], *args: str, stdin: str = "", ok: bool = True) -> str:
    done = subprocess.run(
        [TRAINOPS, "users", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    output = done.stdout + done.stderr
    assert (done.returncode == 0) is ok, output
    return output


def test_first_admin_users_and_tokens_from_the_command_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    env = {**os.environ, "TRAINOPS_DATABASE_URL": url}
    password = "a very long admin password"
    run(env, "create-admin", "root", "--password-stdin", stdin=password + "\n")
    refused = run(env, "create-admin", "root2", "--password-stdin", stdin=password + "\n", ok=False)
    assert "admin exists already" in refused
    short = run(
        env, "create", "li", "--role", "specialist", "--password-stdin", stdin="x\n", ok=False
    )
    assert "at least 10" in short
    unknown = run(
        env, "create", "li", "--role", "wizard", "--password-stdin", stdin=password, ok=False
    )
    assert "unknown role" in unknown
    run(env, "create", "li", "--role", "specialist", "--role", "approver", "--password-stdin",
        stdin=password)  # fmt: skip
    issued = run(env, "token", "issue", "li", "--label", "ci")
    secret = next(line for line in issued.splitlines() if line.startswith("tro_"))
    listed = run(env, "list", "--json")
    assert '"li"' in listed and password not in listed and secret not in listed

    database = open_database(url)
    try:
        store = UserStore(database.engine, hasher=fast_hasher())
        user = store.user_for_token(secret)
        assert user is not None and user.roles == {"specialist", "approver"}
        assert store.authenticate("root", password) is not None
        token_id = store.list_tokens("li")[0].token_id
        run(env, "token", "revoke", token_id)
        assert store.user_for_token(secret) is None
    finally:
        database.close()


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
