"""Liveness and readiness for the load balancer.

/healthz is liveness: 200 whenever this process answers HTTP. It touches nothing else
(no database, no Redis, no tenant lookup, no session): `HealthzMiddleware` answers it
first in the chain, so a PostgreSQL or Redis outage never makes an orchestrator restart
healthy processes. /readyz answers 200 only when this node can serve: it checks each
dependency with a short timeout and names the one that failed:

- database: `SELECT 1` on the primary (required);
- cache: a read from the Redis cache (reported, not required: the cache fails open,
  shopsocial/cache.py, so a node without Redis still serves, only slower);
- broker: a connection to Celery's broker (required when one is configured: work that
  must not be lost is kept as a pending row, but a node should not take traffic it
  cannot hand on);
- replica: when a "replica" database is configured, its replay lag in seconds;
  over `REPLICA_MAX_LAG_SECONDS` or unreachable it is reported "lagging"/"error" and
  the router (shopsocial/db_router.py) stops using it; the node stays ready.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.cache import caches
from django.db import connections
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache

logger = logging.getLogger(__name__)

REQUIRED = ("database", "broker")


def database_check() -> str:
    with connections["default"].cursor() as cursor:
        cursor.execute("SELECT 1")
    return "ok"


def cache_check() -> str:
    backend = caches["shared"]
    if getattr(backend, "ping", None) is None:
        return "local"
    return "ok" if backend.ping() else "error"


def broker_check() -> str:
    if not settings.CELERY_BROKER_URL or settings.CELERY_TASK_ALWAYS_EAGER:
        return "eager"
    from shopsocial.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


def replica_check() -> str:
    from shopsocial.db_router import replica_lag_seconds

    if "replica" not in settings.DATABASES:
        return "none"
    lag = replica_lag_seconds()
    if lag is None:
        return "error"
    return "ok" if lag <= settings.REPLICA_MAX_LAG_SECONDS else "lagging"


CHECKS = {
    "database": database_check,
    "cache": cache_check,
    "broker": broker_check,
    "replica": replica_check,
}


def readiness_checks() -> dict[str, str]:
    results: dict[str, str] = {}
    for name, check in CHECKS.items():
        try:
            results[name] = check()
        except Exception:  # noqa: BLE001 - each dependency reports for itself
            logger.warning("readiness: %s unavailable", name)
            results[name] = "error"
    return results


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness: the process is up and answering. No dependency is touched."""
    return JsonResponse({"status": "ok"})


class HealthzMiddleware:
    """Answers GET/HEAD /healthz and /readyz before any other middleware.

    Before the tenant lookup and sessions: /healthz needs nothing, and /readyz must name
    the dependency that is away rather than fail inside the tenant lookup's query.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        if request.method in ("GET", "HEAD"):
            if request.path_info == "/healthz":
                return healthz(request)
            if request.path_info == "/readyz":
                return readyz(request)
        return self.get_response(request)


@never_cache
def readyz(request: HttpRequest) -> JsonResponse:
    checks = readiness_checks()
    ready = all(checks[name] != "error" for name in REQUIRED)
    return JsonResponse(
        {"status": "ok" if ready else "error", **checks}, status=200 if ready else 503
    )


# --- The database away for a moment: a "try again" page, never a 500 ----------------------
def server_error(request: HttpRequest):
    """handler500: a 503 "try again" page when the failure is the database connection.

    A PostgreSQL restart or failover drops connections; whatever request meets it (a
    checkout, a page whose cache missed) answers 503 with Retry-After instead of the
    generic 500. Django reconnects by itself on the next request (CONN_HEALTH_CHECKS).
    """
    import sys

    from django.db import InterfaceError, OperationalError
    from django.template import loader
    from django.views import defaults

    error = sys.exc_info()[1]
    if isinstance(error, OperationalError | InterfaceError):
        from django.http import HttpResponse

        response = HttpResponse(loader.get_template("errors/try_again.html").render(), status=503)
        response["Retry-After"] = "5"
        return response
    return defaults.server_error(request)
