"""Reads to the streaming replica where a moment of staleness is harmless; the rest primary.

With a "replica" entry in DATABASES (REPLICA_DATABASE_URL), `ReplicaRouter` sends a
read to the replica only when all hold:

- `ReplicaReadsMiddleware` marked the request replica-safe: a GET or HEAD with no
  session cookie (nothing this client wrote can be missing), or a GET under
  `REPLICA_SIGNED_IN_PATHS` (reports, statements) whose session has not written in
  the last `REPLICA_PIN_SECONDS` (read-your-writes: every POST/PUT/PATCH/DELETE with a
  session pins it to the primary for that long);
- no transaction is open on the primary (anything inside `atomic()` reads the primary);
- nothing read will be kept (`primary_reads`): not a shared-cache entry, nor a page an
  HTTP cache may keep (`storefront.caching.shared_page`), which would outlive the
  purge of a write the replica had not yet replayed;
- the replica answers and lags less than `REPLICA_MAX_LAG_SECONDS` (a paused replay
  counts as its age); checked at most once per `REPLICA_CHECK_SECONDS` per process.
  Otherwise the primary serves: a lagging or stopped replica costs load, not pages.

Writes and migrations always go to "default"; django-tenants' TenantSyncRouter stays
first for migrations.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.db import connections

logger = logging.getLogger(__name__)

_replica_ok: contextvars.ContextVar[bool] = contextvars.ContextVar("replica_ok", default=False)
_health = {"checked": 0.0, "usable": False}


def replica_lag_seconds() -> float | None:
    """Seconds of replay lag on the replica (0 when fully replayed), or None if unreachable."""
    try:
        with connections["replica"].cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0 "
                "ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) "
                "END, pg_is_wal_replay_paused()"
            )
            lag, paused = cursor.fetchone()
    except Exception:  # noqa: BLE001 - unreachable replica: the caller falls back
        with contextlib.suppress(Exception):
            connections["replica"].close()
        return None
    if paused:
        # Paused with WAL waiting: stale by the age of its last replayed commit.
        with connections["replica"].cursor() as cursor:
            cursor.execute(
                "SELECT COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
            )
            (lag,) = cursor.fetchone()
    return float(lag)


def replica_usable() -> bool:
    now = time.monotonic()
    if now - _health["checked"] >= settings.REPLICA_CHECK_SECONDS:
        lag = replica_lag_seconds()
        _health["usable"] = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
        _health["checked"] = now
        if not _health["usable"]:
            logger.warning("replica not used: %s", "unreachable" if lag is None else "lagging")
    return _health["usable"]


def replica_health_forget() -> None:
    _health["checked"] = 0.0


@contextlib.contextmanager
def primary_reads():
    """Reads inside go to the primary, even in a replica-safe request: for what is built
    once and kept (the shared cache), which must not keep what a lagging replica shows."""
    token = _replica_ok.set(False)
    try:
        yield
    finally:
        _replica_ok.reset(token)


@contextlib.contextmanager
def replica_reads():
    token = _replica_ok.set(True)
    try:
        yield
    finally:
        _replica_ok.reset(token)


PIN_KEY = "_db_pin_until"
_READS = ("GET", "HEAD")


def _replica_safe(request) -> bool:
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return True
    if not request.path.startswith(tuple(settings.REPLICA_SIGNED_IN_PATHS)):
        return False
    return request.session.get(PIN_KEY, 0) < time.time()


class ReplicaReadsMiddleware:
    """Marks replica-safe requests; pins a session to the primary after it writes."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        if "replica" not in settings.DATABASES:
            return self.get_response(request)
        if request.method not in _READS:
            response = self.get_response(request)
            session = getattr(request, "session", None)
            if session is not None and session.session_key:
                session[PIN_KEY] = time.time() + settings.REPLICA_PIN_SECONDS
            return response
        if not _replica_safe(request):
            return self.get_response(request)
        tenant = getattr(request, "tenant", None)
        if tenant is not None:
            # django-tenants sets the schema on "default" only; the replica needs it too.
            connections["replica"].set_tenant(tenant)
        with replica_reads():
            return self.get_response(request)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if "replica" not in settings.DATABASES or not _replica_ok.get():
            return None
        if connections["default"].in_atomic_block:
            return None
        return "replica" if replica_usable() else None

    def db_for_write(self, model, **hints):
        return None

    def allow_relation(self, obj1, obj2, **hints):
        return True

    def allow_migrate(self, db, app_label, **hints):
        return None if db == "default" else False
