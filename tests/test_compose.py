"""The production compose file matches the code: every service, command, image content and
setting it names exists (Docker itself does not run on this machine; the file is checked)."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml

from runtime.settings import Settings

ROOT = Path(__file__).parents[1]
TRAINOPS = str(Path(sys.executable).parent / "trainops")


def compose() -> dict[str, dict[str, object]]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())["services"]  # type: ignore[no-any-return]


ONE_SHOTS = {"certs", "temporal-schema", "temporal-namespace", "migrate"}
TRAINOPS_SERVICES = ("worker", "projector", "api", "migrate", "backup")
TEMPORAL_CLIENTS = {"worker", "api", "temporal-namespace", "temporal-ui"}


def test_the_stack_has_every_part() -> None:
    assert set(compose()) == {
        "postgres",
        "temporal",
        "temporal-ui",
        "worker",
        "projector",
        "api",
        "proxy",
        "backup",
        *ONE_SHOTS,
    }


def test_the_file_follows_the_compose_specification() -> None:
    checked = subprocess.run(
        [
            str(Path(sys.executable).parent / "check-jsonschema"),
            "--builtin-schema",
            "vendor.compose-spec",
            str(ROOT / "docker-compose.yml"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_every_long_running_service_restarts_and_reports_its_health() -> None:
    for name, service in compose().items():
        if name in ONE_SHOTS:
            assert service["restart"] == "no", name
            continue
        assert service["restart"] == "unless-stopped", name
        if name != "temporal-ui":
            assert "healthcheck" in service, name


def test_nothing_starts_before_what_it_needs_is_healthy_or_done() -> None:
    for name, service in compose().items():
        needs = service.get("depends_on", {})
        assert isinstance(needs, dict), f"{name}: depends_on without conditions"
        for needed, condition in needs.items():
            expected = (
                "service_completed_successfully" if needed in ONE_SHOTS else "service_healthy"
            )
            assert condition == {"condition": expected}, (name, needed)
    for name in ("worker", "api"):
        needs = compose()[name]["depends_on"]
        assert isinstance(needs, dict) and set(needs) == {"migrate", "temporal-namespace"}


def test_secrets_have_no_defaults() -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    for secret in (
        "POSTGRES_PASSWORD",
        "TRAINOPS_APP_DB_PASSWORD",
        "TRAINOPS_API_SECRET_KEY",
        "TRAINOPS_SIGNING_KEY",
        "TRAINOPS_SEAL_KEY",
    ):
        uses = re.findall(r"\$\{" + secret + r"(:[?-])?", text)
        assert uses, secret
        assert all(use == ":?" for use in uses), (secret, uses)
    assert compose()["api"]["environment"]["TRAINOPS_REQUIRE_SECRETS"] == "true"  # type: ignore[index]


def test_trainops_reaches_temporal_over_mutual_tls_with_the_generated_certificates() -> None:
    services = compose()
    temporal = services["temporal"]["environment"]
    assert isinstance(temporal, dict)
    assert temporal["TEMPORAL_TLS_REQUIRE_CLIENT_AUTH"] == "true"
    assert temporal["TEMPORAL_TLS_CLIENT1_CA_CERT"] == "/certs/ca.pem"
    assert services["certs"]["command"][:3] == ["trainops", "certs", "generate"]  # type: ignore[index]
    from runtime.certificates import CA_CERT, CLIENT_CERT, CLIENT_KEY, SERVER_CERT, SERVER_KEY

    assert temporal["TEMPORAL_TLS_FRONTEND_CERT"] == f"/certs/{SERVER_CERT}"
    assert temporal["TEMPORAL_TLS_FRONTEND_KEY"] == f"/certs/{SERVER_KEY}"
    for name in ("worker", "projector", "api", "migrate"):
        environment = services[name]["environment"]
        assert isinstance(environment, dict)
        settings = Settings(
            **{
                key.removeprefix("TRAINOPS_").lower(): value
                for key, value in environment.items()
                if key.startswith("TRAINOPS_TEMPORAL_TLS")
            }
        )
        assert settings.temporal_tls, name
        assert settings.temporal_tls_ca_file == Path("/certs") / CA_CERT
        assert settings.temporal_tls_cert_file == Path("/certs") / CLIENT_CERT
        assert settings.temporal_tls_key_file == Path("/certs") / CLIENT_KEY
        assert settings.temporal_tls_server_name in ("temporal",)


def _volume_mounts(service: dict[str, object]) -> dict[str, str]:
    """A service's named volumes: mount path -> volume."""
    mounts = {}
    for entry in service.get("volumes", []):  # type: ignore[attr-defined]
        volume, target = str(entry).split(":")[:2]
        if not volume.startswith((".", "/")):
            mounts[target] = volume
    return mounts


def test_each_service_sees_the_ca_certificate_and_its_own_key_and_never_the_ca_key(
    tmp_path: Path,
) -> None:
    """Run the certs one-shot's own command with each of its volumes as a folder, then look at
    what every other service finds through its mounts: the CA's key stays in the one-shot's
    private volume, Temporal gets the server's pair, trainops and the operator tools the
    client's, and every certificate path a service is configured with is there."""
    from typer.testing import CliRunner

    from trainops.cli import app

    services = compose()
    certs = services["certs"]
    folders = {volume: tmp_path / volume for volume in _volume_mounts(certs).values()}
    command = [str(a) for a in certs["command"]]  # type: ignore[attr-defined]
    for target, volume in _volume_mounts(certs).items():
        command = [str(folders[volume]) if arg == target else arg for arg in command]
    assert command[0] == "trainops"
    done = CliRunner().invoke(app, command[1:])
    assert done.exit_code == 0, done.output
    holders = {
        volume
        for name, service in services.items()
        if name != "certs"
        for volume in _volume_mounts(service).values()
    }
    ca_key = [volume for volume, folder in folders.items() if (folder / "ca-key.pem").exists()]
    assert len(ca_key) == 1 and ca_key[0] not in holders, ca_key

    paths = re.compile(r"^/certs/[\w.-]+$")
    for name, service in services.items():
        if name == "certs":
            continue
        environment = service.get("environment", {})
        assert isinstance(environment, dict)
        named = {str(v) for k, v in environment.items() if "TLS" in k and paths.match(str(v))}
        mounts = _volume_mounts(service)
        if name in TEMPORAL_CLIENTS | {"temporal"}:
            assert named and mounts.get("/certs") in folders, name
        elif "/certs" not in mounts:
            continue  # never talks to Temporal (migrate, projector, backup)
        seen = {p.name for p in folders[mounts["/certs"]].iterdir()}
        assert {Path(p).name for p in named} <= seen, name
        assert "ca-key.pem" not in seen, name
        own = "server-key.pem" if name == "temporal" else "client-key.pem"
        assert {p for p in seen if p.endswith("-key.pem")} == {own}, name


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
    for name in TRAINOPS_SERVICES:
        environment = compose()[name]["environment"]
        assert isinstance(environment, dict)
        for variable in environment:
            assert variable.startswith("TRAINOPS_"), variable
            assert variable.removeprefix("TRAINOPS_").lower() in fields, (name, variable)
    for name in TRAINOPS_SERVICES:
        url = compose()[name]["environment"]["TRAINOPS_DATABASE_URL"]  # type: ignore[index]
        assert str(url).startswith("postgresql+psycopg://trainops_app:")


def test_the_image_carries_every_package() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    packages = [p.rstrip("*") for p in project["tool"]["setuptools"]["packages"]["find"]["include"]]
    copied = set(re.findall(r"^COPY (\S+) \1$", dockerfile, re.MULTILINE))
    assert set(packages) <= copied, set(packages) - copied
    assert "worker.py" in dockerfile


def test_the_image_carries_bytecode_for_every_module() -> None:
    """The image never writes bytecode (PYTHONDONTWRITEBYTECODE, an unprivileged user): it must
    be compiled at build time, or every process compiles every module it imports again."""
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^ENV .*PYTHONDONTWRITEBYTECODE=1", dockerfile, re.MULTILINE | re.DOTALL)
    assert re.search(r"python -m compileall -q -j 0 /opt/trainops$", dockerfile, re.MULTILINE)
    assert "__pycache__" not in dockerfile  # never removed after


def test_the_image_is_slim_unprivileged_and_without_dev_tools() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert len(re.findall(r"^FROM python:3\.11-slim", dockerfile, re.MULTILINE)) == 2
    assert re.search(r"^USER trainops$", dockerfile, re.MULTILINE)
    installs = re.findall(r"pip install --no-cache-dir (\S+)", dockerfile)
    # Runtime dependencies only (tracing if asked for): never [dev] or [embedded].
    assert installs[-1] == '".${EXTRAS:+[$EXTRAS]}"', installs
    assert re.search(r'^ARG EXTRAS=""$', dockerfile, re.MULTILINE)


def test_the_database_is_backed_up_every_day_as_its_owner() -> None:
    backup = compose()["backup"]
    command = backup["command"]
    assert isinstance(command, list) and command[:3] == ["trainops", "db", "backup"]
    assert "--every-hours" in command
    helped = subprocess.run(
        [TRAINOPS, *command[1:3], "--help"], capture_output=True, text=True, timeout=60, check=False
    )
    assert helped.returncode == 0 and "--every-hours" in helped.stdout, helped.stderr
    environment = backup["environment"]
    assert isinstance(environment, dict)
    assert "trainops:" in environment["TRAINOPS_MIGRATION_DATABASE_URL"]  # the owner
    assert "postgresql-client" in (ROOT / "Dockerfile").read_text()


def test_temporal_runs_on_the_same_postgres() -> None:
    temporal = compose()["temporal"]
    environment = temporal["environment"]
    assert isinstance(environment, dict)
    assert environment["DB"].startswith("postgres") and environment["POSTGRES_SEEDS"] == "postgres"
    assert compose()["temporal-ui"]["environment"]["TEMPORAL_ADDRESS"] == "temporal:7233"  # type: ignore[index]


def test_temporal_is_not_a_door_for_people() -> None:
    """Only the HTTPS proxy is published; Temporal and its UI sit on the internal network only;
    the API must be given its signing key (no default), the workers never get it."""
    services = compose()
    published = {name for name, s in services.items() if s.get("ports")}
    assert published == {"proxy"}
    assert services["api"]["networks"] == ["backend", "frontend"]
    for name in ("temporal", "temporal-ui"):
        assert services[name]["networks"] == ["backend"], name
    document = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert document["networks"]["backend"]["internal"] is True
    api_env = services["api"]["environment"]
    assert isinstance(api_env, dict)
    assert ":?" in str(api_env["TRAINOPS_SIGNING_KEY"])  # compose refuses to start without it
    worker_env = services["worker"]["environment"]
    assert isinstance(worker_env, dict) and "TRAINOPS_SIGNING_KEY" not in worker_env
