"""The Temporal SDK runtime every trainops process uses: its native (Rust) log lines go through
Python logging to stderr, never to stdout, so ``--json`` output stays JSON."""

from __future__ import annotations

import logging

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    PrometheusConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

CORE_LOGGER = "temporalio.core"


def build_runtime(metrics_address: str | None = None) -> Runtime:
    """The quiet runtime; with ``metrics_address`` (``host:port``) it also serves the SDK's own
    metrics (task latencies, pollers, sticky cache, activity and workflow counts) for
    Prometheus at ``http://host:port/metrics``."""
    telemetry = TelemetryConfig(
        logging=LoggingConfig(
            filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
            forwarding=LogForwardingConfig(logger=logging.getLogger(CORE_LOGGER)),
        ),
        metrics=PrometheusConfig(bind_address=metrics_address) if metrics_address else None,
    )
    return Runtime(telemetry=telemetry)


def install_runtime(metrics_address: str | None = None) -> None:
    """Make the quiet runtime the default, before any client, worker or test server starts."""
    Runtime.set_default(build_runtime(metrics_address), error_if_already_set=False)
