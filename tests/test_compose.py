"""The production compose file matches the code: every service, command, image content and
setting it names exists (Docker itself does not run on this machine; the file is checked)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from trainops.settings import Settings

ROOT = Path(__file__).parents[1]
TRAINOPS = str(Path(sys.executable).parent / "trainops")


def compose() -> dict[str, dict[str, object]]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]  # type: ignore[no-any-return]


def test_the_stack_has_every_part() -> None:
    assert set(compose()) == {"postgres", "temporal", "temporal-ui", "worker", "projector", "api"}


def test_every_command_exists() -> None:
    services = compose()
    assert services["worker"]["command"] == ["python", "worker.py"]
    assert (ROOT / "worker.py").exists()
    assert services["projector"]["command"] == ["trainops", "projector"]
    helped = subprocess.run(
        [TRAINOPS, "projector", "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert helped.returncode == 0, helped.stderr
    assert services["api"]["command"] == ["python", "-m", "api"]
    assert (ROOT / "api" / "__main__.py").exists()


def test_every_setting_is_a_field_of_the_settings_object() -> None:
    fields = set(Settings.model_fields)
    for name in ("worker", "projector", "api"):
        environment = compose()[name]["environment"]
        assert isinstance(environment, dict)
        for variable in environment:
            assert variable.startswith("TRAINOPS_"), variable
            assert variable.removeprefix("TRAINOPS_").lower() in fields, (name, variable)
    for name in ("worker", "projector", "api"):
        url = compose()[name]["environment"]["TRAINOPS_DATABASE_URL"]  # type: ignore[index]
        assert str(url).startswith("postgresql+psycopg://")


def test_the_image_carries_every_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]]
    copied = set(re.findall(r"^COPY (\S+) \1$", dockerfile, re.MULTILINE))
    assert set(packages) <= copied, set(packages) - copied
    assert "worker.py" in dockerfile


def test_temporal_runs_on_the_same_postgres() -> None:
    temporal = compose()["temporal"]
    environment = temporal["environment"]
    assert isinstance(environment, dict)
    assert environment["DB"].startswith("postgres") and environment["POSTGRES_SEEDS"] == "postgres"
    assert compose()["temporal-ui"]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233"  # type: ignore[index]


def test_temporal_is_not_a_door_for_people() -> None:
    """Only the API is published; Temporal and its UI sit on the internal network only; the
    API must be given its signing key (no default), the workers never get it."""
    services = compose()
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"api"}
    for name in ("temporal", "temporal-ui"):
        assert services[name]["networks"] == ["backend"], name
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert document["networks"]["backend"]["internal"] is True
    api_env = services["api"]["environment"]
    assert isinstance(api_env, dict)
    assert ":?" in str(api_env["TRAINOPS_SIGNING_KEY"])  # compose refuses to start without it
    worker_env = services["worker"]["environment"]
    assert isinstance(worker_env, dict) and "TRAINOPS_SIGNING_KEY" not in worker_env
