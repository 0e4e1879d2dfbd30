"""Prometheus metrics (prometheus-client), served at /metrics to allow-listed scrapers only.

Two kinds:

- per process, observed as things happen: request latency by view, responses by
  status class, webhook failures (4xx/5xx answered by a webhook view), task failures
  (Celery's `task_failure` signal, in the worker), cache hits and misses (counted by
  `shopsocial.cache.FailOpenRedisCache`). Under gunicorn with several workers set
  `PROMETHEUS_MULTIPROC_DIR` (an empty folder per node, wiped at start) so /metrics sums
  every worker of the node (prometheus-client's multiprocess mode).
- read from the database and the broker at scrape time (`StateCollector`), so every
  node reports the same truth: orders placed and paid, the email outbox backlog and
  the age of its oldest row, the Celery queue depth.

Access: a request passes when its `REMOTE_ADDR` is in `METRICS_ALLOWED_IPS` or it
carries `Authorization: Bearer <METRICS_TOKEN>`; anything else gets a 404, as if there
were no such page. Scrape nodes directly, not through the public proxy.
"""

from __future__ import annotations

import functools
import hmac
import logging
import os
from collections.abc import Callable, Mapping

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import REGISTRY, Collector

logger = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "shopsocial_request_latency_seconds",
    "Time from the first middleware to the response, by view",
    ["view", "method"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)
RESPONSES = Counter(
    "shopsocial_responses", "Responses by view and status class", ["view", "status_class"]
)
WEBHOOK_FAILURES = Counter(
    "shopsocial_webhook_failures", "Webhook requests answered 4xx or 5xx", ["view", "status"]
)
TASK_FAILURES = Counter("shopsocial_task_failures", "Celery tasks that raised", ["task"])
CACHE_REQUESTS = Counter(
    "shopsocial_cache_requests",
    "Cache reads by alias and result (hit, miss, error)",
    ["alias", "result"],
)
CACHE_ERRORS = Counter(
    "shopsocial_cache_errors", "Cache operations that failed open (Redis away)", ["operation"]
)


# Any other method a client sends is counted as "other": one label value per made-up
# method would grow every process's metrics without bound.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


@functools.cache
def _request_series(view: str, method: str, status_class: str) -> tuple:
    """The latency and response series of one (view, method, status class): found once
    per process (`labels()` validates and locks on every call, ~5 µs a request). Views
    are URL names and methods a fixed set, so this stays small."""
    return (
        REQUEST_LATENCY.labels(view=view, method=method),
        RESPONSES.labels(view=view, status_class=status_class),
    )


def request_observe(*, view: str, method: str, status: int, seconds: float) -> None:
    latency, responses = _request_series(
        view, method if method in _METHODS else "other", f"{status // 100}xx"
    )
    latency.observe(seconds)
    responses.inc()
    if status >= 400 and "webhook" in view:
        WEBHOOK_FAILURES.labels(view=view, status=str(status)).inc()


def task_failure_count(sender=None, **kwargs) -> None:
    TASK_FAILURES.labels(task=getattr(sender, "name", "unknown")).inc()


StateRead = Callable[[], Mapping[str, tuple[str, float]]]
_state_reads: list[StateRead] = []


def state_gauges_register(read: StateRead) -> StateRead:
    """An app adds gauges read at scrape time: `read()` gives {name: (help, value)}.

    Orders and the mail outbox register theirs from their `ready()`, so this platform
    module imports no domain model.
    """
    if read not in _state_reads:
        _state_reads.append(read)
    return read


class StateCollector(Collector):
    """Business and backlog gauges, read at scrape time from PostgreSQL and the broker."""

    def collect(self):
        for read in tuple(_state_reads):
            try:
                values = read()
            except Exception:  # noqa: BLE001 - a scrape never fails because the database is away
                logger.warning("metrics: database unavailable for state gauges")
                continue
            for name, (help_text, value) in values.items():
                gauge = GaugeMetricFamily(name, help_text)
                gauge.add_metric([], value)
                yield gauge
        depth = celery_queue_depth()
        if depth is not None:
            queue = GaugeMetricFamily("shopsocial_celery_queue_depth", "Tasks waiting in Redis")
            queue.add_metric([], depth)
            yield queue


def celery_queue_depth() -> int | None:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")) or settings.CELERY_TASK_ALWAYS_EAGER:
        return None
    import redis

    try:
        client = redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1)
        return int(client.llen("celery"))
    except Exception:  # noqa: BLE001 - broker away: no gauge rather than a failed scrape
        return None


def metrics_text() -> bytes:
    """This process's (or, in multiprocess mode, this node's) metrics plus the state gauges."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        process_registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(process_registry)
    else:
        process_registry = REGISTRY
    state = CollectorRegistry()
    state.register(StateCollector())
    return generate_latest(process_registry) + generate_latest(state)


def scrape_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    return request.META.get("REMOTE_ADDR", "") in settings.METRICS_ALLOWED_IPS


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not scrape_allowed(request):
        raise Http404
    return HttpResponse(metrics_text(), content_type=CONTENT_TYPE_LATEST)
