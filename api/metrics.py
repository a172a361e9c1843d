"""Prometheus metrics at ``/metrics``: requests and their latency, and the state of the system
read from the database at scrape time (projector position, lag and quarantine, the outbox,
reminders, the log's size).

Labels never carry people, ids or paths with ids in them: routes are the templates
(``/api/v1/programs/{program_id}``), so the number of series stays bounded.
"""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import APIRouter, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import generate_latest
from prometheus_client.registry import Collector
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from activities.outbox import notifications
from projections.tables import programs
from services.database import Database

REGISTRY = CollectorRegistry(auto_describe=True)
REQUESTS = Counter(
    "trainops_http_requests",
    "HTTP requests answered, by method, route template and status code.",
    ["method", "route", "status"],
    registry=REGISTRY,
)
LATENCY = Histogram(
    "trainops_http_request_seconds",
    "Time to answer an HTTP request, by method and route template.",
    ["method", "route"],
    registry=REGISTRY,
)

router = APIRouter()


def observe(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    LATENCY.labels(method, route).observe(seconds)


class StateCollector(Collector):
    """Gauges read from the database when Prometheus scrapes (nothing cached, nothing stale)."""

    def __init__(self, database: Database | None) -> None:
        self.database = database

    def collect(self) -> Iterator[Metric]:
        if self.database is None:
            return
        try:
            status = self.database.projector.status(limit=0)
            with self.database.engine.connect() as conn:
                reminders = conn.execute(select(func.sum(programs.c.reminders_sent))).scalar()
                by_status: dict[str, int] = dict(
                    conn.execute(
                        select(notifications.c.status, func.count()).group_by(
                            notifications.c.status
                        )
                    ).all()
                )
        except SQLAlchemyError:
            up = GaugeMetricFamily("trainops_database_up", "1 when the database answers.")
            up.add_metric([], 0)
            yield up
            return
        up = GaugeMetricFamily("trainops_database_up", "1 when the database answers.")
        up.add_metric([], 1)
        yield up
        for name, help_text, value in (
            ("trainops_log_head_position", "Newest event's position.", status.head),
            ("trainops_projector_position", "Last event in the read models.", status.position),
            ("trainops_projector_lag_events", "Events not yet projected.", status.lag),
            ("trainops_projector_quarantined_events", "Events set aside.", status.quarantined),
        ):
            gauge = GaugeMetricFamily(name, help_text)
            gauge.add_metric([], value)
            yield gauge
        outbox = GaugeMetricFamily(
            "trainops_notifications", "Notifications by delivery status.", labels=["status"]
        )
        for state in ("pending", "delivered", "failed"):
            outbox.add_metric([state], int(by_status.get(state, 0)))
        yield outbox
        sent = GaugeMetricFamily(
            "trainops_reminders_sent", "Session reminders sent, over all programs."
        )
        sent.add_metric([], int(reminders or 0))
        yield sent


_STATE = StateCollector(None)


def install(database: Database) -> None:
    """Point the database gauges at ``database`` (registered once per process)."""
    if _STATE.database is None:
        REGISTRY.register(_STATE)
    _STATE.database = database


@router.get("/metrics", include_in_schema=False)
def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)
