"""What a use case refuses, in words a person can act on; the edges map them to HTTP codes.

Each error carries a message key and its parameters (``services.error_texts``): ``str()`` is
the English sentence (logs, the API's ``detail``), and the edges say it in the reader's language
from the key.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Self

from temporalio.client import RPCTimeoutOrCancelledError
from temporalio.service import RPCError, RPCStatusCode

from services.error_texts import EN, as_data, say


class Explained(Exception):
    """An error said by a message key (``services.error_texts``) and its parameters."""

    def __init__(self, key: str, /, **params: object) -> None:
        values = as_data(params)
        super().__init__(say(key, values, "en") or EN[key].format_map(values))
        self.key, self.params = key, values

    @classmethod
    def passing(cls, exc: BaseException) -> Self:
        """A lower layer's error passed on: a refusal of the rules keeps its code and
        parameters (``domain.refusals``); anything else its English words."""
        passed = cls("error.detail", detail=exc)
        code = getattr(exc, "code", "") or getattr(exc, "key", "")  # a refusal; an account's
        params = getattr(exc, "params", None)
        if code and isinstance(params, dict):
            passed.key, passed.params = code, {str(k): str(v) for k, v in params.items()}
        return passed


class ServiceError(Explained):
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


class Unavailable(ServiceError):
    """This server cannot do it as configured (e.g. no seal key); another part of it may."""


class TooManyAttempts(ServiceError):
    """Too many failed attempts from this person or address: they must wait a while."""

    def __init__(self, wait_seconds: float) -> None:
        super().__init__("error.too_many_attempts", minutes=int(wait_seconds // 60) + 1)
        self.wait_seconds = wait_seconds


class TemporalUnavailable(Explained):
    """Temporal could not be reached; the request changed nothing."""


class TemporalTimeout(Explained):
    """Temporal took the request but did not confirm it in time; it may still happen."""


class ActionNotConfirmed(Exception):
    """The program may have taken the action, but no answer confirmed it: the server aborted
    it under load, or the run that took it continued as new before its outcome was read (the
    SDK then sends it on to the next run, which is full or refuses its spent nonce). Nothing
    may be said "unchanged" of it: the person is told to check and send again (a new request
    is refused as "already …" if the first was recorded; nothing is recorded twice)."""


def update_aborted(error: RPCError) -> bool:
    """The server aborted an update under load: the workflow may or may not have taken it."""
    return error.status == RPCStatusCode.UNAVAILABLE and "update was aborted" in error.message


@contextlib.asynccontextmanager
async def temporal_errors(what: str) -> AsyncIterator[None]:
    """Turn Temporal's transport failures into errors a person can act on."""
    try:
        yield
    except (RPCTimeoutOrCancelledError, ActionNotConfirmed) as exc:
        raise TemporalTimeout("error.temporal_timeout", what=what) from exc
    except RPCError as exc:
        if update_aborted(exc):  # the run may have taken it: not "unchanged"
            raise TemporalTimeout("error.temporal_timeout", what=what) from exc
        raise TemporalUnavailable("error.temporal_refused", status=exc.status.name) from exc
