"""structlog set up once: readable in development, JSON in production."""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from typing import Any

import structlog

from runtime.settings import Settings


def configure_logging(
    log_format: str = "console",
    level: str = "info",
    *,
    logger_factory: Callable[..., Any] | None = None,
    cache: bool = True,
) -> None:
    """JSON logs carry an exception as a structured ``exception`` field (type, message, frames);
    console logs print the traceback. One ``structlog.configure`` call, so a thread that logs
    meanwhile never caches a logger of a half-made configuration."""
    factory: dict[str, Any] = {} if logger_factory is None else {"logger_factory": logger_factory}
    # Tracebacks without their frames' local variables: those hold what a request carried
    # (names, passwords, tokens), which never goes to a log.
    tail: list[structlog.types.Processor] = (
        [
            structlog.processors.ExceptionRenderer(
                structlog.tracebacks.ExceptionDictTransformer(show_locals=False)
            ),
            structlog.processors.JSONRenderer(),
        ]
        if log_format == "json"
        else [
            structlog.dev.ConsoleRenderer(
                colors=False, exception_formatter=structlog.dev.plain_traceback
            )
        ]
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            *tail,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper())),
        cache_logger_on_first_use=cache,
        **factory,
    )
    logging.basicConfig(
        level=getattr(logging, level.upper()), format="%(levelname)s %(name)s %(message)s"
    )
    # Libraries that narrate every request or migration: their warnings only.
    for chatty in ("temporalio", "alembic", "httpx", "httpcore"):
        logging.getLogger(chatty).setLevel(logging.WARNING)


def quiet_logs(settings: Settings) -> None:
    """Logs to stderr, warnings only unless TRAINOPS_LOG_LEVEL asks for more: commands whose
    stdout is JSON, JSON Lines or CSV stay machine-readable."""
    explicit = "log_level" in settings.model_fields_set
    configure_logging(
        settings.log_format,
        settings.log_level if explicit else "warning",
        logger_factory=_stderr_logger,
        cache=False,
    )


def _stderr_logger(*args: Any) -> structlog.PrintLogger:
    """Whatever stderr is when a line is logged (not when logging was configured)."""
    return structlog.PrintLogger(sys.stderr)
