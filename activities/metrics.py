"""Counters the worker exports beside the Temporal SDK's own series (at
``TRAINOPS_WORKER_METRICS_ADDRESS``): appends by outcome and notice deliveries by outcome, so an
operator sees version conflicts and failed deliveries on a dashboard instead of in the logs.

They go through the activity's SDK metric meter, so there is one exporter per worker process and
nothing to serve; without a metrics address the meter does nothing. Labels are outcomes only,
never people or ids, so the number of series stays fixed.
"""

from __future__ import annotations

from typing import Literal

from temporalio import activity

AppendOutcome = Literal["appended", "replayed", "conflict", "duplicate"]
DeliveryOutcome = Literal["delivered", "failed"]


def count_appends(outcome: AppendOutcome, events: int) -> None:
    """``events`` events written (or refused) by one append, by outcome."""
    activity.metric_meter().create_counter(
        "trainops_events_appended",
        "Events the worker's appends wrote, replayed or had refused, by outcome.",
        "events",
    ).add(events, {"outcome": outcome})


def count_deliveries(outcome: DeliveryOutcome, recipients: int) -> None:
    """``recipients`` deliveries of a notice, by outcome."""
    if recipients:
        activity.metric_meter().create_counter(
            "trainops_notice_deliveries",
            "Notice deliveries to recipients, by outcome.",
            "deliveries",
        ).add(recipients, {"outcome": outcome})
