"""What a use case refuses, in words a person can act on; the edges map them to HTTP codes."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

from temporalio.client import RPCTimeoutOrCancelledError
from temporalio.service import RPCError


class ServiceError(Exception):
    """A refusal: nothing was recorded; ``str()`` says why."""


class NotFound(ServiceError):
    """The thing asked for does not exist (or the person may not know it does)."""


class Forbidden(ServiceError):
    """The person is who they say, but may not do this."""


class NotYetVisible(ServiceError):
    """It is in the log but the read models have not caught up yet: ask again shortly."""


class Conflict(ServiceError):
    """It exists already, or another change got there first."""


class Invalid(ServiceError):
    """The request is well formed but cannot be right (e.g. a session in the past)."""


class TooManyAttempts(ServiceError):
    """Too many failed attempts from this person or address: they must wait a while."""

    def __init__(self, wait_seconds: float) -> None:
        super().__init__(
            f"too many failed attempts: try again in {int(wait_seconds // 60) + 1} minutes"
        )
        self.wait_seconds = wait_seconds


class TemporalUnavailable(Exception):
    """Temporal could not be reached; the request changed nothing."""


class TemporalTimeout(Exception):
    """Temporal took the request but did not confirm it in time; it may still happen."""


@contextlib.asynccontextmanager
async def temporal_errors(what: str) -> AsyncIterator[None]:
    """Turn Temporal's transport failures into errors a person can act on."""
    try:
        yield
    except RPCTimeoutOrCancelledError as exc:
        raise TemporalTimeout(
            f"{what} was not confirmed in time; it may still be recorded: reload to check "
            "(if it never appears, the worker log says why)"
        ) from exc
    except RPCError as exc:
        raise TemporalUnavailable(f"Temporal refused the call ({exc.status.name})") from exc
