"""``python -m api``: serve the web pages and HTTP API alone (the compose file's ``api`` service).

Host, port and everything else come from ``TRAINOPS_*`` settings; Temporal is connected on first
use, so the API may start before Temporal is ready.
"""

from __future__ import annotations

import os

import uvicorn

from api.app import create_app
from api.languages import from_environment
from runtime import startup
from runtime.errors import StartupError
from runtime.logging import configure_logging
from runtime.settings import MIN_SECRET_LENGTH, get_settings
from runtime.startup import explained_startup, port_in_use, wait_for_database
from runtime.temporal_runtime import install_runtime
from runtime.tracing import configure_tracing, instrument_api
from services.startup_texts import startup_line


class WeakSecret(StartupError):
    """No API secret key, or a short one, where secrets are required."""

    key = "startup.api_secret_key"

    def __init__(self, problem: str) -> None:
        super().__init__(problem)
        self.params = {"least": str(MIN_SECRET_LENGTH)}


class PortInUse(StartupError):
    """Another program listens on the API's port: uvicorn would only log it and stop."""

    key = "startup.port_in_use"

    def __init__(self, port: int) -> None:
        self.params = {"port": str(port), "setting": "TRAINOPS_API_PORT"}
        super().__init__(f"port {port} is in use by another program: set TRAINOPS_API_PORT")


def check_port_free(host: str, port: int) -> None:
    """Refuse to start, in one line, when ``host:port`` cannot be bound (as uvicorn binds it)."""
    if port_in_use(host, port):
        raise PortInUse(port)


def say_startup_errors_in_language() -> None:
    """The one line a startup error ends with, in ``TRAINOPS_LANG`` (or the locale)."""
    lang = from_environment(os.environ)
    startup.said[:] = [lambda exc: startup_line(exc, lang)]


def main() -> None:
    say_startup_errors_in_language()
    with explained_startup():
        serve()


def serve() -> None:
    install_runtime()
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    problem = settings.api_secret_problem()
    if problem is not None:  # a random key per process would break sessions across replicas
        raise WeakSecret(problem)  # one line and exit 78, like every startup error
    configure_tracing(settings, "trainops-api")
    check_port_free(settings.api_host, settings.api_port)
    wait_for_database(settings.database_url, settings.database_connect_wait_seconds)
    app = create_app(settings)
    instrument_api(app)
    setup = app.state.services.setup_code
    if setup is not None:  # a fresh installation: the operator reads the code in the log
        print(
            f"No admin yet. Create the first one within the hour, once, with the setup code "
            f"{setup.code}: open /setup, or run `trainops setup --server URL --code {setup.code}"
            " --username admin`",
            flush=True,
        )
    uvicorn.run(
        app,
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
        server_header=False,
        proxy_headers=bool(settings.trusted_proxies),
        forwarded_allow_ips=settings.trusted_proxies or None,
    )


if __name__ == "__main__":
    main()
