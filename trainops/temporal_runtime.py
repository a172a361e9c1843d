"""The Temporal SDK runtime every trainops process uses: its native (Rust) log lines go through
Python logging to stderr, never to stdout, so ``--json`` output stays JSON."""

from __future__ import annotations

import logging

from temporalio.runtime import (
    LogForwardingConfig,
    LoggingConfig,
    Runtime,
    TelemetryConfig,
    TelemetryFilter,
)

CORE_LOGGER = "temporalio.core"


def install_runtime() -> None:
    """Make the quiet runtime the default, before any client, worker or test server starts."""
    telemetry = TelemetryConfig(
        logging=LoggingConfig(
            filter=TelemetryFilter(core_level="WARN", other_level="ERROR"),
            forwarding=LogForwardingConfig(logger=logging.getLogger(CORE_LOGGER)),
        )
    )
    Runtime.set_default(Runtime(telemetry=telemetry), error_if_already_set=False)
