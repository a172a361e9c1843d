"""``python -m api``: serve the web pages and HTTP API alone (the compose file's ``api`` service).

Host, port and everything else come from ``TRAINOPS_*`` settings; Temporal is connected on first
use, so the API may start before Temporal is ready.
"""

from __future__ import annotations

import sys

import uvicorn

from api.app import create_app
from runtime.logging import configure_logging
from runtime.settings import get_settings
from runtime.startup import explained_startup, wait_for_database
from runtime.temporal_runtime import install_runtime
from runtime.tracing import configure_tracing, instrument_api


def main() -> None:
    with explained_startup():
        serve()


def serve() -> None:
    install_runtime()
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    problem = settings.api_secret_problem()
    if problem is not None:  # a random key per process would break sessions across replicas
        print(f"error: {problem}", file=sys.stderr, flush=True)
        raise SystemExit(2)
    configure_tracing(settings, "trainops-api")
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
