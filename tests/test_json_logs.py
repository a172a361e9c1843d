"""JSON logs keep an exception's type, message and frames as fields, not a lost string."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import structlog

from runtime.logging import configure_logging


@pytest.fixture
def restore_logging() -> Iterator[None]:
    saved = structlog.get_config()
    yield
    structlog.configure(**saved)


def test_an_exception_in_a_json_log_is_structured(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging("json", "info")
    structlog.configure(
        logger_factory=structlog.PrintLoggerFactory(), cache_logger_on_first_use=False
    )
    try:
        raise ValueError("the disk is full")
    except ValueError:
        structlog.get_logger("t").exception("append failed", workflow_id="p-1")
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["event"] == "append failed" and line["workflow_id"] == "p-1"
    [error] = line["exception"]
    assert error["exc_type"] == "ValueError" and error["exc_value"] == "the disk is full"
    assert error["frames"], "the traceback frames are kept"


@pytest.mark.parametrize("log_format", ["json", "console"])
def test_a_logged_traceback_never_carries_local_variables(
    log_format: str, restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    configure_logging(log_format, "info")
    structlog.configure(
        logger_factory=structlog.PrintLoggerFactory(), cache_logger_on_first_use=False
    )

    def sign_in(password: str) -> None:
        raise ValueError("the database is gone")

    secret = "-".join(("hunter2", "secret", "pass"))  # not in the source lines a traceback shows
    try:
        sign_in(secret)
    except ValueError:
        structlog.get_logger("t").exception("sign-in failed")
    out = capsys.readouterr().out
    assert "the database is gone" in out and "sign_in" in out  # the traceback is there
    assert "hunter2-secret-pass" not in out  # its frames' locals are not
