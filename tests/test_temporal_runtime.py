"""The Temporal runtime trainops installs: the core's known-harmless warning stays off stderr,
every other line of the core still reaches the logs."""

from __future__ import annotations

import logging

import pytest

from runtime.temporal_runtime import CORE_LOGGER, install_runtime

HARMLESS = (
    "Temporal Server 1.16.0 or newer is required to guarantee that the latest heartbeat details"
    " are preserved when an activity fails; the server did not advertise the"
    " activity_failure_include_heartbeat capability, so heartbeat details may be lost on failure"
)


def test_core_warning_about_the_embedded_server_is_dropped_others_pass(
    caplog: pytest.LogCaptureFixture,
) -> None:
    install_runtime()
    install_runtime()  # twice, as the CLI and a worker in one process may: one filter
    core = logging.getLogger(CORE_LOGGER)
    assert len(core.filters) == 1
    with caplog.at_level(logging.WARNING, logger=CORE_LOGGER):
        core.warning(HARMLESS)
        core.warning("Failed to poll for task: connection refused")
    messages = [record.getMessage() for record in caplog.records]
    assert messages == ["Failed to poll for task: connection refused"]
