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
#: What the SDK's core says, at WARN, whenever a worker meets the embedded servers (the
#: time-skipping test server of the demo and the tests predates the capability). It is about
#: heartbeat details on activity failure, which trainops does not read back: noise for a user.
_KNOWN_HARMLESS = ("activity_failure_include_heartbeat",)


class _HarmlessFilter(logging.Filter):
    """Drops the core's known-harmless warnings; everything else passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        return not any(marker in message for marker in _KNOWN_HARMLESS)


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
    core = logging.getLogger(CORE_LOGGER)
    if not any(isinstance(f, _HarmlessFilter) for f in core.filters):
        core.addFilter(_HarmlessFilter())
    Runtime.set_default(build_runtime(metrics_address), error_if_already_set=False)
