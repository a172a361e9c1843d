"""The one way a trainops process connects to Temporal: the settings' address and namespace,
mutual TLS when certificates are configured, and patient retries while the server starts.

A cold ``docker compose up`` starts the worker before Temporal answers; instead of exiting, the
process retries with capped exponential backoff for ``temporal_connect_wait_seconds`` and logs
why it waits. A refused certificate is not retried: it will not fix itself.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import structlog
from temporalio.client import Client
from temporalio.contrib.pydantic import pydantic_data_converter
from temporalio.service import TLSConfig

from runtime.errors import StartupError
from runtime.settings import Settings
from runtime.tracing import temporal_interceptors

log = structlog.get_logger(__name__)

FIRST_BACKOFF_SECONDS = 0.5
MAX_BACKOFF_SECONDS = 10.0


class TemporalUnreachable(StartupError):
    """Temporal did not answer within the configured wait; the message says why (``key`` and
    ``params``, where set, say it in another language)."""

    key: str = ""
    params: dict[str, object] | None = None


def _read(path: Path, what: str) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise TemporalUnreachable(f"cannot read the {what} {path}: {exc.strerror}") from exc


def tls_config(settings: Settings) -> TLSConfig | None:
    """The TLS settings for the client, or None for plain gRPC (the embedded loopback server)."""
    if not settings.temporal_tls:
        return None
    ca = settings.temporal_tls_ca_file
    cert, key = settings.temporal_tls_cert_file, settings.temporal_tls_key_file
    return TLSConfig(
        server_root_ca_cert=_read(ca, "Temporal CA certificate") if ca else None,
        client_cert=_read(cert, "client certificate") if cert else None,
        client_private_key=_read(key, "client key") if key else None,
        domain=settings.temporal_tls_server_name,
    )


def _permanent(exc: Exception) -> bool:
    """Certificate and name mismatches: retrying cannot help."""
    text = str(exc).lower()
    return any(
        word in text for word in ("certificate", "unknownissuer", "notvalidforname", "badsignature")
    )


#: Under TLS 1.3 a server checks the client's certificate after the client considers the
#: handshake done; a refusal then reaches the client as the connection closing at once: an
#: end of stream, or a reset when the client's first request was already on its way (which of
#: the two is a matter of timing; counting only the first, a worker mixing both waited out its
#: whole wait). A restarting server can do that too, once; a few times in a row means the
#: certificate.
CLOSED_AFTER_HANDSHAKE = ("without sending tls close_notify", "unexpectedeof", "connectionreset")
CLOSED_TIMES_MEANS_REFUSED = 3


def _closed_after_handshake(exc: Exception, tls: TLSConfig | None) -> bool:
    text = str(exc).lower()
    return (
        tls is not None
        and tls.client_cert is not None
        and any(word in text for word in CLOSED_AFTER_HANDSHAKE)
    )


async def connect_temporal(settings: Settings, *, wait_seconds: float | None = None) -> Client:
    """A client for the settings' Temporal, retried with backoff until ``wait_seconds``
    (default: the settings') have passed."""
    tls = tls_config(settings)
    budget = settings.temporal_connect_wait_seconds if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + budget
    backoff = FIRST_BACKOFF_SECONDS
    attempt = closed_in_a_row = 0
    while True:
        attempt += 1
        try:
            return await Client.connect(
                settings.temporal_address,
                namespace=settings.temporal_namespace,
                data_converter=pydantic_data_converter,
                tls=tls if tls is not None else False,
                interceptors=temporal_interceptors(),
            )
        except Exception as exc:  # the SDK raises RuntimeError for every connection failure
            left = deadline - time.monotonic()
            closed_in_a_row = closed_in_a_row + 1 if _closed_after_handshake(exc, tls) else 0
            if closed_in_a_row >= CLOSED_TIMES_MEANS_REFUSED:
                raise TemporalUnreachable(
                    f"cannot connect to Temporal at {settings.temporal_address} over TLS: the "
                    f"server closed the connection right after the handshake {closed_in_a_row} "
                    "times in a row, so it refuses this client certificate (is "
                    "TRAINOPS_TEMPORAL_TLS_CERT_FILE issued by the CA the server trusts?)"
                ) from exc
            if _permanent(exc) or left <= 0:
                unreachable = TemporalUnreachable(
                    f"cannot connect to Temporal at {settings.temporal_address}"
                    f"{' over TLS' if tls else ''} after {attempt} attempt(s): {exc}"
                )
                # the same in the reader's language (``services.error_texts``)
                unreachable.key = "startup.temporal_unreachable" + ("_tls" if tls else "")
                unreachable.params = {
                    "address": settings.temporal_address,
                    "attempts": attempt,
                    "reason": str(exc)[:300],
                }
                raise unreachable from exc
            log.warning(
                "waiting for Temporal",
                address=settings.temporal_address,
                attempt=attempt,
                retry_in_seconds=round(min(backoff, left), 1),
                reason=str(exc)[:200],
            )
            await asyncio.sleep(min(backoff, left))
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
