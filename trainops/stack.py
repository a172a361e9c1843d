"""The embedded stack: Temporal dev server (persisted to a file) + worker + projector, one process.

Ctrl-C (or SIGTERM) stops the worker, then the projector, then the server, in that order.
"""

from __future__ import annotations

import asyncio
import ipaddress
import signal
import socket
import sys
import threading

import httpx
import structlog
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.testing import WorkflowEnvironment

from activities.config_versions import ConfigSource
from audit.signing_keys import publish_key
from runtime.settings import Settings
from runtime.startup import port_in_use
from runtime.temporal_bins import dev_server_path
from services.database import open_database
from services.signing import load_signer
from trainops.language import t
from trainops.render import fail
from trainops.worker import serving

log = structlog.get_logger(__name__)


def loopback_host(address: str) -> str:
    """The embedded Temporal server is for this machine only: people reach trainops through
    its API, never through Temporal. A non-loopback address is refused."""
    host = address.rpartition(":")[0].strip("[]") or "127.0.0.1"
    try:
        loopback = host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise SystemExit(
            f"TRAINOPS_TEMPORAL_ADDRESS={address}: the embedded Temporal server listens on "
            "127.0.0.1 only (its frontend and Web UI are not a door for people); use "
            "127.0.0.1:PORT, or run Temporal yourself (docker-compose.yml) for other hosts"
        )
    return host


def listening_on(settings: Settings, host: str | None, port: str | None) -> Settings:
    """``settings`` with the API's address from ``up --host/--port`` (None: the settings').
    A port that is no number from 0 to 65535, or a host this machine cannot resolve, is one
    line and exit 2 before anything starts (a host that does not resolve would otherwise be
    reported as a port in use)."""
    update: dict[str, object] = {}
    if port is not None:
        number = port.strip()
        if not number.isdecimal() or not 0 <= int(number) <= 65535:
            raise fail(t("--port {value}: a port is a number from 0 to 65535", value=repr(port)))
        update["api_port"] = int(number)
    if host is not None:
        try:
            if not host.strip():
                raise OSError("empty")
            socket.getaddrinfo(host.strip(), None, flags=socket.AI_PASSIVE)
        except (OSError, UnicodeError) as exc:
            raise fail(
                t(
                    "--host {value}: not an address of this machine ({reason})",
                    value=repr(host),
                    reason=exc,
                )
            ) from exc
        update["api_host"] = host.strip()
    return settings.model_copy(update=update) if update else settings


def _trainops_answers(host: str, port: int) -> bool:
    """Whether a trainops API answers on ``host:port`` (its /healthz says so)."""
    try:
        answer = httpx.get(f"http://{host}:{port}/healthz", timeout=1.0)
        return answer.status_code == 200 and answer.json().get("status") == "ok"
    except (httpx.HTTPError, ValueError, AttributeError):
        return False


def preflight(settings: Settings, *, ui: bool = True) -> None:
    """Say plainly when a port the stack needs is taken, before anything starts: a second
    `make run` is told that trainops already runs, not shown a traceback."""
    temporal_host = loopback_host(settings.temporal_address)
    api_host = settings.api_host if settings.api_host not in ("0.0.0.0", "::") else "127.0.0.1"
    if settings.api_port and port_in_use(settings.api_host, settings.api_port):
        if _trainops_answers(api_host, settings.api_port):
            # What was asked for is there: said on stderr, and a success (exit 0), so that
            # `make run` run twice does not end in "Error 1".
            print(
                t(
                    "trainops is already running: {url} (stop it with Ctrl-C where it runs, or "
                    "set TRAINOPS_API_PORT for a second one)",
                    url=f"http://{api_host}:{settings.api_port}",
                ),
                file=sys.stderr,
            )
            raise SystemExit(0)
        raise SystemExit(
            t(
                "port {port} is in use by another program: set {setting}",
                port=settings.api_port,
                setting="TRAINOPS_API_PORT (or --port)",
            )
        )
    needed = [(int(settings.temporal_address.rpartition(":")[2]), "TRAINOPS_TEMPORAL_ADDRESS")]
    if ui:
        needed.append((settings.temporal_ui_port, "TRAINOPS_TEMPORAL_UI_PORT (or --no-ui)"))
    for port, setting in needed:
        if port_in_use(temporal_host, port):
            raise SystemExit(
                t(
                    "port {port} is in use by another program: set {setting}",
                    port=port,
                    setting=setting,
                )
            )


async def run_stack(settings: Settings, *, ui: bool = True) -> None:
    preflight(settings, ui=ui)
    host = loopback_host(settings.temporal_address)
    port = settings.temporal_address.rpartition(":")[2]
    settings.temporal_db_file.parent.mkdir(parents=True, exist_ok=True)
    database = open_database(settings.database_url)
    config = ConfigSource(database.store, settings.config_file)
    config()  # a configuration that cannot be loaded stops here, before anything runs
    signer = load_signer(
        settings.signing_key, settings.signing_key_file, create=settings.signing_key_create
    )
    publish_key(database.store, signer.trusted_key())  # before the worker loads the keys
    env = await WorkflowEnvironment.start_local(
        namespace=settings.temporal_namespace,
        data_converter=pydantic_data_converter,
        ip=host,
        port=int(port),
        ui=ui,
        ui_port=settings.temporal_ui_port if ui else None,
        dev_server_existing_path=dev_server_path(),
        dev_server_database_filename=str(settings.temporal_db_file),
        dev_server_log_level="error",
    )
    stop_projector = threading.Event()
    projector = threading.Thread(
        target=database.projector.run_forever,
        args=(stop_projector, settings.projector_poll_seconds),
        name="projector",
        daemon=True,
    )
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stopping.set)
    try:
        projector.start()
        async with serving(env.client, settings, database, config) as worker, worker:
            from api.server import start_api
            from services.program_client import ProgramClient

            web = await start_api(
                settings, database, ProgramClient(env.client, settings.task_queue, signer)
            )
            print(t("trainops is running (database {url})", url=settings.database_url))
            print(t("  Web pages & API : {url}  (API reference {url}/api/docs)", url=web.url))
            print(t("  Temporal server : {address}", address=settings.temporal_address))
            if ui:
                ui_url = f"http://127.0.0.1:{settings.temporal_ui_port}"
                print(t("  Temporal Web UI : {url}", url=ui_url))
            print(t("  try: trainops demo   |   trainops --help   |   Ctrl-C stops everything"))
            if web.setup_code is not None:
                print(
                    t(
                        "\n  No admin yet. Create the first one within the hour, once, with the "
                        "setup code {code}\n    in the browser: {url}/setup\n    or: trainops "
                        "setup --server {url} --code {code} --username admin",
                        code=web.setup_code,
                        url=web.url,
                    )
                )
            sys.stdout.flush()
            await stopping.wait()
            print(t("stopping…"))
            await web.stop()
    finally:
        stop_projector.set()
        projector.join(timeout=10)
        await env.shutdown()
        database.close()
        log.info("stack stopped")
