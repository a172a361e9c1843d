"""A setting no trainops process could start with (``TRAINOPS_LOG_LEVEL=loud``,
``TRAINOPS_API_PORT=http``) stops every command with one line naming it, exit 78: the API's
clients too, which read no settings and once ignored it silently."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TRAINOPS = str(Path(sys.executable).with_name("trainops"))


def _run(args: list[str], cwd: Path, **settings: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.upper().startswith("TRAINOPS_")}
    env.update(
        # No server there: a command that got past its settings would fail with exit 5.
        TRAINOPS_SERVER="http://127.0.0.1:9",
        TRAINOPS_TOKEN="tro_stand_in",
        XDG_CONFIG_HOME=str(cwd),
        **settings,
    )
    return subprocess.run(
        [TRAINOPS, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize(
    ("command", "setting", "value"),
    [
        (["program", "list"], "TRAINOPS_LOG_LEVEL", "loud"),
        (["whoami"], "TRAINOPS_API_PORT", "http"),
        (["config", "history"], "TRAINOPS_API_PORT", "70000"),
        (["log", "verify"], "TRAINOPS_LOG_LEVEL", "loud"),  # a local command, as before
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else v,
)
def test_a_bad_setting_is_one_line_naming_it(
    command: list[str], setting: str, value: str, tmp_path: Path
) -> None:
    done = _run(command, tmp_path, **{setting: value})
    assert done.returncode == 78, done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith(f"error: bad settings: {setting}: ")
    assert done.stdout == ""


def test_in_a_dotenv_file_and_in_chinese(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text("TRAINOPS_LOG_LEVEL=loud\n")
    done = _run(["--lang", "zh-CN", "program", "list"], tmp_path)
    assert done.returncode == 78, done.stderr
    assert (
        done.stderr.startswith("错误: 设置有误:TRAINOPS_LOG_LEVEL")
        and len(done.stderr.splitlines()) == 1
    )


def test_good_settings_and_client_variables_pass(tmp_path: Path) -> None:
    """Only the server is missing: the command got past the settings."""
    done = _run(["program", "list"], tmp_path, TRAINOPS_LOG_LEVEL="debug", TRAINOPS_LANG="en")
    assert done.returncode == 5, done.stderr
    assert "cannot reach trainops" in done.stderr
