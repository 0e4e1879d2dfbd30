"""Reads to the streaming replica where stale-by-a-moment is harmless; everything else primary.

With a "replica" entry in DATABASES (REPLICA_DATABASE_URL), `ReplicaRouter` sends a
read to the replica only when all hold:

- the request marked itself replica-safe (`replica_reads()` context, used by the
  middleware for anonymous GETs on storefront, search, reports and statements);
- no transaction is open on the primary (anything in `atomic()` reads the primary);
- this client has not written in the last `REPLICA_PIN_SECONDS` (read-your-writes: a
  signed cookie-less pin kept in the session / a response header is not needed because
  writes come from sessions: `replica_pin()` is called on every write request);
- the replica is healthy: reachable and lagging less than REPLICA_MAX_LAG_SECONDS
  (checked at most once per REPLICA_CHECK_SECONDS per process).

Writes, migrations and everything else go to "default". django-tenants'
TenantSyncRouter stays first for migrations.
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
        # A paused replay is stale however recent its last replayed commit.
        return float("inf")
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
def replica_reads():
    token = _replica_ok.set(True)
    try:
        yield
    finally:
        _replica_ok.reset(token)


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
