"""The Redis cache backend (django-redis), failing open while Redis is unreachable.

django-redis keeps one redis-py client per process and thread; Django's own
`RedisCache` builds a new client object for every operation, which cost about 40 % of
each cache call (bench/README.md). The subclass below extends only the backend's public
cache methods; nothing here reads private attributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django_redis.cache import RedisCache

# --- One round trip for a page's shared-cache reads ----------------------------------
# While a request runs, `prefetch(keys)` reads many keys with one MGET and keeps what came
# back (and what was missing) for this request only, under the backend's full key (alias
# prefix and version included); `get` answers from it without a round trip. `set` and
# `delete` update it, so a request sees its own writes. Nothing outlives the request:
# `request_scope()` (shopsocial.middleware.CacheBatchMiddleware) drops it at the end.
_MISSING = object()
_batch: ContextVar[dict | None] = ContextVar("shopsocial_cache_batch", default=None)


@contextmanager
def request_scope() -> Iterator[None]:
    """Keep prefetched values for the duration of one request (nested scopes share it)."""
    if _batch.get() is not None:
        yield
        return
    token = _batch.set({})
    try:
        yield
    finally:
        _batch.reset(token)


# --- scale: a Redis outage costs speed, not pages (docs/operations-scale.md) ---------
class FailOpenRedisCache(RedisCache):
    """django-redis's cache, failing open while Redis is unreachable.

    Reads miss (return the default), writes and deletes are dropped, `add` reports
    "not added" and `incr` raises ValueError (what Django does for a missing key), so
    every caller already handles the outcome: pages render from the database, the
    cached_db session engine reads and writes its database rows, and django-ratelimit
    sees no count and refuses (it fails closed unless RATELIMIT_FAIL_OPEN).

    After a failure Redis is not tried again for `RETRY_AFTER` seconds (one log line per
    outage, not one per operation, and no connect timeout paid per operation). Hits and
    misses are counted for the cache hit-rate metric (shopsocial/metrics.py).
    """

    RETRY_AFTER = 2.0

    def __init__(self, server, params) -> None:
        params = {**params}
        options = {
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 1.0,
            **params.get("OPTIONS", {}),
        }
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._alias = params.get("KEY_PREFIX") or "default"
        self._down_until = 0.0

    def _up(self) -> bool:
        import time

        return time.monotonic() >= self._down_until

    def _failed(self, operation: str) -> None:
        import logging
        import time

        from shopsocial import metrics

        metrics.CACHE_ERRORS.labels(operation=operation).inc()
        if self._up():
            logging.getLogger("shopsocial.cache").warning(
                "cache unavailable (%s); failing open for %.0f s", operation, self.RETRY_AFTER
            )
        self._down_until = time.monotonic() + self.RETRY_AFTER

    def _guarded(self, operation: str, call, fallback):
        import redis

        if not self._up():
            return fallback
        try:
            return call()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            self._failed(operation)
            return fallback

    def _count(self, hits: int, misses: int) -> None:
        from shopsocial import metrics

        if hits:
            metrics.CACHE_REQUESTS.labels(alias=self._alias, result="hit").inc(hits)
        if misses:
            metrics.CACHE_REQUESTS.labels(alias=self._alias, result="miss").inc(misses)

    def _local(self, key, version) -> tuple[dict | None, str]:
        batch = _batch.get()
        return batch, (self.make_and_validate_key(key, version) if batch is not None else "")

    def prefetch(self, keys: Iterable[str], version=None) -> set[str]:
        """Read `keys` in one round trip for the rest of this request (see above) and
        return those that are present; outside a request scope it reads nothing and
        returns an empty set (every key counts as missing)."""
        batch = _batch.get()
        if batch is None:
            return set()
        keys = list(dict.fromkeys(keys))
        full = {key: self.make_and_validate_key(key, version) for key in keys}
        wanted = [key for key in keys if full[key] not in batch]
        if wanted:
            found = self._get_many_now(wanted, version)
            if not self._up():
                return set()  # Redis away: remember nothing, every read fails open
            for key in wanted:
                batch[full[key]] = found.get(key, _MISSING)
        return {key for key in keys if batch.get(full[key], _MISSING) is not _MISSING}

    def get(self, key, default=None, version=None):
        batch, full = self._local(key, version)
        if batch is not None and full in batch:
            value = batch[full]
            self._count(*((0, 1) if value is _MISSING else (1, 0)))
            return default if value is _MISSING else value
        missing = object()
        value = self._guarded(
            "get", lambda: super(FailOpenRedisCache, self).get(key, missing, version), missing
        )
        if value is missing:
            self._count(0, 1)
            return default
        self._count(1, 0)
        return value

    def get_many(self, keys, version=None):
        """In a request scope, what the scope holds plus one MGET of the rest (kept for
        the request like `prefetch`); elsewhere one MGET."""
        keys = list(keys)
        batch = _batch.get()
        if batch is None:
            return self._get_many_now(keys, version)
        present = self.prefetch(keys, version)
        return {key: batch[self.make_and_validate_key(key, version)] for key in present}

    def _get_many_now(self, keys: list, version=None) -> dict:
        found = self._guarded(
            "get_many", lambda: super(FailOpenRedisCache, self).get_many(keys, version), {}
        )
        self._count(len(found), len(keys) - len(found))
        return found

    def has_key(self, key, version=None):
        return self._guarded(
            "has_key", lambda: super(FailOpenRedisCache, self).has_key(key, version), False
        )

    def _forget(self, keys: Iterable[str], version=None) -> None:
        batch = _batch.get()
        if batch is not None:
            for key in keys:
                batch.pop(self.make_and_validate_key(key, version), None)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget([key], version)
        self._guarded(
            "set", lambda: super(FailOpenRedisCache, self).set(key, value, timeout, version), None
        )

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget([key], version)
        return self._guarded(
            "add", lambda: super(FailOpenRedisCache, self).add(key, value, timeout, version), False
        )

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._guarded(
            "touch", lambda: super(FailOpenRedisCache, self).touch(key, timeout, version), False
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        self._forget(list(data), version)
        return self._guarded(
            "set_many",
            lambda: super(FailOpenRedisCache, self).set_many(data, timeout, version),
            list(data),
        )

    def delete(self, key, version=None):
        self._forget([key], version)
        return self._guarded(
            "delete", lambda: super(FailOpenRedisCache, self).delete(key, version), False
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._forget(keys, version)
        self._guarded(
            "delete_many", lambda: super(FailOpenRedisCache, self).delete_many(keys, version), None
        )

    def incr(self, key, delta=1, version=None):
        self._forget([key], version)
        missing = object()
        value = self._guarded(
            "incr", lambda: super(FailOpenRedisCache, self).incr(key, delta, version), missing
        )
        if value is missing:
            raise ValueError(f"Key '{key}' not found (cache unavailable)")
        return value

    def clear(self):
        batch = _batch.get()
        if batch is not None:
            batch.clear()
        return self._guarded("clear", lambda: super(FailOpenRedisCache, self).clear(), False)

    def ping(self) -> bool:
        """Whether Redis answers now (for /readyz); also ends a fail-open pause early."""
        import redis

        try:
            super().has_key("readyz:ping")  # a round trip; raises while Redis is down
            ok = True
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            return False
        if ok:
            self._down_until = 0.0
        return ok
