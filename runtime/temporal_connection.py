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
    """Temporal did not answer within the configured wait; the message says why."""


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


async def connect_temporal(settings: Settings, *, wait_seconds: float | None = None) -> Client:
    """A client for the settings' Temporal, retried with backoff until ``wait_seconds``
    (default: the settings') have passed."""
    tls = tls_config(settings)
    budget = settings.temporal_connect_wait_seconds if wait_seconds is None else wait_seconds
    deadline = time.monotonic() + budget
    backoff = FIRST_BACKOFF_SECONDS
    attempt = 0
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
            if _permanent(exc) or left <= 0:
                raise TemporalUnreachable(
                    f"cannot connect to Temporal at {settings.temporal_address}"
                    f"{' over TLS' if tls else ''} after {attempt} attempt(s): {exc}"
                ) from exc
            log.warning(
                "waiting for Temporal",
                address=settings.temporal_address,
                attempt=attempt,
                retry_in_seconds=round(min(backoff, left), 1),
                reason=str(exc)[:200],
            )
            await asyncio.sleep(min(backoff, left))
            backoff = min(backoff * 2, MAX_BACKOFF_SECONDS)
