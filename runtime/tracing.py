"""OpenTelemetry tracing, off unless ``TRAINOPS_OTLP_ENDPOINT`` is set.

When on, a request to the API is a server span (FastAPI instrumentation); starting or updating a
program's workflow carries that trace into Temporal (``temporalio.contrib.opentelemetry``), so
the workflow run and every activity it schedules (appending to the log, sending a notice) are
children of the request that caused them. Spans go to the OTLP/HTTP endpoint in batches. The
packages come with the extra ``trainops[telemetry]``; asking for tracing without them stops the
process at start with a clear error.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import structlog

from runtime.errors import StartupError
from runtime.settings import Settings

if TYPE_CHECKING:
    from fastapi import FastAPI
    from opentelemetry.sdk.trace import TracerProvider
    from temporalio.client import Interceptor

log = structlog.get_logger(__name__)

_provider: TracerProvider | None = None


class TracingUnavailable(StartupError):
    """Tracing was asked for but its packages are not installed."""


def configure_tracing(settings: Settings, service: str) -> TracerProvider | None:
    """The process's tracer provider, exporting to the configured endpoint (None: off)."""
    global _provider
    if settings.otlp_endpoint is None:
        return None
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter
        from opentelemetry.sdk.resources import Resource
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import BatchSpanProcessor
    except ImportError as exc:
        raise TracingUnavailable(
            "TRAINOPS_OTLP_ENDPOINT is set but the tracing packages are missing: "
            "install trainops[telemetry]"
        ) from exc
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    provider.add_span_processor(
        BatchSpanProcessor(OTLPSpanExporter(endpoint=settings.otlp_endpoint))
    )
    _provider = provider
    log.info("tracing on", service=service)
    return provider


def temporal_interceptors(provider: TracerProvider | None = None) -> list[Interceptor]:
    """The Temporal client interceptors (workers built on the client inherit them)."""
    chosen = provider or _provider
    if chosen is None:
        return []
    from temporalio.contrib.opentelemetry import TracingInterceptor

    return [TracingInterceptor(chosen.get_tracer("trainops"))]


def instrument_api(app: FastAPI, provider: TracerProvider | None = None) -> None:
    """Server spans for every request of ``app`` (nothing when tracing is off)."""
    chosen = provider or _provider
    if chosen is None:
        return
    from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor

    options: dict[str, Any] = {"tracer_provider": chosen, "excluded_urls": "healthz,readyz,metrics"}
    FastAPIInstrumentor.instrument_app(app, **options)
