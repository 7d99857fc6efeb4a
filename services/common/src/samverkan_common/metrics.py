"""Prometheus metrics every service exposes on ``/metrics`` (text format).

HTTP rate, latency and errors come from prometheus-fastapi-instrumentator; the platform's own
figures are defined here once, so that every service names them alike.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from fastapi import FastAPI
from opentelemetry.instrumentation.fastapi import FastAPIInstrumentor
from prometheus_client import Counter, Gauge, Histogram
from prometheus_fastapi_instrumentator import Instrumentator, metrics

EVENTS_ACCEPTED = Counter(
    "samverkan_events_accepted", "Events accepted by ingestion (repeats included).", ["type"]
)
EVENTS_REJECTED = Counter(
    "samverkan_events_rejected",
    "Ingestion requests refused, by the problem type of the answer.",
    ["reason"],
)
OUTBOX_BACKLOG = Gauge("samverkan_outbox_backlog", "Outbox rows not yet published.")
OUTBOX_OLDEST_AGE = Gauge(
    "samverkan_outbox_oldest_age_seconds", "Age of the oldest unpublished outbox row."
)
OUTBOX_PUBLISHED = Counter("samverkan_outbox_published", "Outbox rows published to Kafka.")
CONSUMER_LAG = Gauge(
    "samverkan_consumer_lag",
    "Records not yet applied, per topic partition.",
    ["topic", "partition"],
)
DEAD_LETTERS = Counter(
    "samverkan_dead_letters", "Records sent to the dead-letter topic.", ["topic", "error"]
)
PROJECTION_DELAY = Histogram(
    "samverkan_projection_delay_seconds",
    "From an event's time on Kafka to the commit of the view that applied it.",
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60),
)


@functools.cache
def _http_metrics() -> Callable[[metrics.Info], None]:
    """The HTTP metrics, made once per process (the registry takes each name once), so that
    every app of a process — tests run several — records into the same series."""
    made = metrics.default()
    assert made is not None  # noqa: S101 - made once, so never a duplicate
    return made


def instrument(app: FastAPI) -> None:
    """HTTP server spans (OpenTelemetry) and HTTP metrics, with ``/metrics`` to scrape."""
    FastAPIInstrumentor.instrument_app(app, excluded_urls="health/.*,metrics")
    instrumentator = Instrumentator(excluded_handlers=["/metrics", "/health/.*"])
    instrumentator.add(_http_metrics()).instrument(app).expose(app, include_in_schema=False)
