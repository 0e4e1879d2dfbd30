"""The Redis cache backend (django-redis), failing open while Redis is unreachable.

django-redis keeps one redis-py client per process and thread; Django's own
`RedisCache` builds a new client object for every operation, which cost about 40 % of
each cache call (bench/README.md). The subclass below extends only the backend's public
cache methods; nothing here reads private attributes.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cached_property
from itertools import batched

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django_redis.cache import RedisCache

# --- One round trip for a page's shared-cache reads ----------------------------------
# While a request runs, `prefetch(keys)` reads many keys with one MGET and keeps what came
# back (and what was missing) for this request only, under the backend's full key (alias
# prefix and version included); `get` answers from it without a round trip. `set` and
# `delete` update it, so a request sees its own writes. Nothing outlives the request:
# `request_scope()` (shopsocial.middleware.CacheBatchMiddleware) drops it at the end.
_MISSING = object()
_PENDING = "pending"  # (_PENDING, key prefix): keys to read with the first round trip
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


# --- A process's own copy of a few entries, emptied by announcements ------------------
class LocalMirror:
    """Entries kept in this process's memory (the host map: retailers.hostmap), emptied
    whenever any process announces a change (`FailOpenRedisCache.announce`, called where
    shopsocial.invalidation deletes a mirrored entry) on a Redis pub/sub channel.

    Each read first takes what Redis has delivered on the subscription without waiting
    (a non-blocking poll of its socket): a writer announces after its deletion and before
    its response, so the next request anywhere sees the change. The copy is trusted only
    while the subscription is confirmed; any (re)connection or error empties it
    (announcements may have been missed), and while Redis is away it is not used at all:
    callers read the shared cache as before. An entry also expires after `SECONDS`, which
    bounds what a silently dead connection could keep. Values are shared by every
    reader in the process, so they must be immutable (the host map keeps rows of field
    values and builds a new object per read).
    """

    MAX_ENTRIES = 20_000  # a process never keeps more (emptied when full)
    MAX_MESSAGES = 1_000  # read at once; more means something is wrong: start over
    SECONDS = 10.0
    RETRY_AFTER = 2.0

    def __init__(self, cache: FailOpenRedisCache) -> None:
        self._cache = cache
        self._lock = threading.Lock()  # a gthread worker's threads share the copy
        self._values: dict[str, tuple[float, object]] = {}
        self._pubsub = None
        self._live = False
        self._generation = 0  # how many times the copy was emptied
        self._retry_at = 0.0

    def _empty(self) -> None:
        self._values.clear()
        self._generation += 1

    def _drop(self) -> None:
        pubsub, self._pubsub, self._live = self._pubsub, None, False
        self._empty()
        self._retry_at = time.monotonic() + self.RETRY_AFTER
        if pubsub is not None:
            with contextlib.suppress(Exception):
                pubsub.close()

    def _reconnected(self, connection) -> None:
        """The connection (re)connected: whatever was sent meanwhile was missed."""
        self._live = False
        self._empty()

    def _subscribe(self) -> None:
        import redis
        from redis.backoff import NoBackoff
        from redis.retry import Retry

        if self._pubsub is not None or time.monotonic() < self._retry_at:
            return
        if not self._cache._up():  # the cache's own fail-open pause: no connect either
            return
        try:
            # The primary (announcements are published there), over RESP2 (no pushes
            # but messages), never reconnecting by itself: every error surfaces (_drain).
            pool = self._cache.client.get_client(write=True).connection_pool
            kwargs = {
                **pool.connection_kwargs,
                "protocol": 2,
                "maint_notifications_config": None,  # RESP3 pushes: not on RESP2
                "health_check_interval": 0,
                "retry": Retry(NoBackoff(), 0, supported_errors=()),
            }
            client = redis.Redis(
                connection_pool=redis.ConnectionPool(
                    connection_class=pool.connection_class, **kwargs
                )
            )
            pubsub = client.pubsub()
            pubsub.subscribe(self._cache.mirror_channel())
            pubsub.connection.register_connect_callback(self._reconnected)
        except (redis.RedisError, OSError) as error:
            import logging

            logging.getLogger("shopsocial.cache").warning(
                "host map copy not subscribed (%s): lookups read the shared cache",
                type(error).__name__,
            )
            self._retry_at = time.monotonic() + self.RETRY_AFTER
            return
        self._pubsub = pubsub

    def _drain(self) -> bool:
        """Apply what has arrived; whether the copy may be trusted now."""
        import redis

        self._subscribe()
        if self._pubsub is None:
            return False
        try:
            for _ in range(self.MAX_MESSAGES):
                if not self._pubsub.connection.can_read(timeout=0):
                    return self._live
                message = self._pubsub.get_message(timeout=0)
                if message is not None and message["type"] == "subscribe":
                    self._live = True
                self._empty()  # an announcement, or a (re)subscription
        except (redis.RedisError, OSError, RuntimeError, ValueError):
            pass
        self._drop()  # an error, or more waiting than a process could have been sent
        return False

    def get(self, key: str) -> tuple[object | None, int]:
        """The kept value of `key` (None when not kept or not to be trusted now), and
        the generation to pass to `put` after reading it elsewhere (-1: do not keep).
        A thread that finds another one draining reads the shared cache instead."""
        if not self._lock.acquire(blocking=False):
            return None, -1
        try:
            if not self._drain():
                return None, -1
            kept = self._values.get(key)
            if kept is None or kept[0] < time.monotonic():
                return None, self._generation
            return kept[1], self._generation
        finally:
            self._lock.release()

    def put(self, key: str, value: object, generation: int) -> None:
        """Keep `value`, read after `get` answered `generation`, unless an announcement
        arrived in between (the value read may predate it)."""
        if generation < 0 or not self._lock.acquire(blocking=False):
            return
        try:
            if not self._drain() or generation != self._generation:
                return
            if len(self._values) >= self.MAX_ENTRIES:
                self._empty()
                return
            self._values[key] = (time.monotonic() + self.SECONDS, value)
        finally:
            self._lock.release()


_mirrors: dict[tuple[str, str], LocalMirror] = {}
_mirrors_lock = threading.Lock()


def _mirrors_forget() -> None:
    """In a forked child: the parent's subscriptions (and maybe held locks) are not ours."""
    global _mirrors_lock
    _mirrors.clear()
    _mirrors_lock = threading.Lock()


os.register_at_fork(after_in_child=_mirrors_forget)


# --- Deletions that failed, replayed before the process reads Redis again ---------------
class Undeleted:
    """Keys this process failed to delete because Redis was unreachable, one set per Redis
    server and key prefix, shared by the process's threads (Django makes a cache object
    per thread). Invalidation deletes entries and then purges Varnish: a deletion that
    failed would let the next request rebuild its page from the old entry. So the keys
    are kept (full keys, prefix and version included) and deleted before the next
    operation on that server and prefix, in any thread, reads or writes Redis; a later
    deletion carries them along.

    Beyond `FailOpenRedisCache.MAX_UNDELETED` keys the alias's pattern is kept instead
    (its prefix and version; for the per-tenant alias, the tenant's) and the replay
    deletes every key matching it, a cold cache that every caller handles as misses.
    Never FLUSHDB: the Celery broker and the chat layer may use the same database. A
    forked child keeps what its parent had not deleted (the entries are still in Redis).
    """

    def __init__(self) -> None:
        self.pending = False  # the one attribute the read path checks
        self._lock = threading.Lock()
        self._keys: set[str] = set()
        self._patterns: set[str] = set()

    def add(self, keys: Iterable[str], pattern: str, limit: int) -> None:
        with self._lock:
            if not self._patterns:
                self._keys.update(keys)
            if self._patterns or len(self._keys) > limit:
                self._keys.clear()
                self._patterns.add(pattern)
            self.pending = True

    def replay(self, cache: FailOpenRedisCache) -> bool:
        """Delete the kept keys (every matching key, after too many); whether none is left.
        Other threads wait: none may read Redis before this is done."""
        import logging

        import redis

        with self._lock:
            if not self.pending:
                return True
            deleted = 0
            try:
                client = cache.client.get_client(write=True)
                if self._keys:
                    deleted = client.delete(*self._keys)
                for pattern in self._patterns:
                    for keys in batched(client.scan_iter(match=pattern, count=1000), 1000):
                        deleted += client.delete(*keys)
            except (redis.ConnectionError, redis.TimeoutError, OSError):
                cache._failed("replay")
                return False
            what = sorted(self._patterns) or f"{len(self._keys)} keys"
            self._keys.clear()
            self._patterns.clear()
            self.pending = False
        logging.getLogger("shopsocial.cache").warning(
            "cache reachable: deletions that had failed replayed (%s, %d deleted)", what, deleted
        )
        cache.announce()  # a host entry among them: every process's copy empties too
        return True


_undeleted: dict[tuple[str, str], Undeleted] = {}
_undeleted_lock = threading.Lock()


def _undeleted_for(location: str, key_prefix: str) -> Undeleted:
    with _undeleted_lock:
        return _undeleted.setdefault((location, key_prefix), Undeleted())


def _undeleted_after_fork() -> None:
    """In a forked child: keep what is to be deleted, not a lock another thread held."""
    global _undeleted_lock
    _undeleted_lock = threading.Lock()
    for undeleted in _undeleted.values():
        undeleted._lock = threading.Lock()


os.register_at_fork(after_in_child=_undeleted_after_fork)


# --- scale: a Redis outage costs speed, not pages (docs/operations-scale.md) ---------
class FailOpenRedisCache(RedisCache):
    """django-redis's cache, failing open while Redis is unreachable.

    Reads miss (return the default), writes are dropped, `add` reports "not added" and
    `incr` raises ValueError (what Django does for a missing key), so every caller
    already handles the outcome: pages render from the database, the cached_db session
    engine reads and writes its database rows, and django-ratelimit sees no count and
    refuses (it fails closed unless RATELIMIT_FAIL_OPEN).

    After a failure Redis is not tried again for `RETRY_AFTER` seconds (one log line per
    outage, not one per operation, and no connect timeout paid per operation), except by
    deletions and announcements. Deletions are never dropped: invalidation deletes
    entries and then purges Varnish, so an entry left in Redis would be rebuilt into the
    page. A deletion is tried even during the pause, and one that fails is kept by the
    process (`Undeleted` above) and replayed before the process reads Redis again; it
    never raises either. Hits and misses are counted for the cache hit-rate metric
    (shopsocial/metrics.py).
    """

    RETRY_AFTER = 2.0
    MAX_UNDELETED = 10_000  # failed deletions kept per process; beyond: every key of the alias

    def __init__(self, server, params) -> None:
        params = {**params}
        options = {
            "SOCKET_CONNECT_TIMEOUT": 0.5,
            "SOCKET_TIMEOUT": 1.0,
            **params.get("OPTIONS", {}),
        }
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._location = str(server)
        self._alias = params.get("KEY_PREFIX") or "default"
        self._down_until = 0.0
        self._undeleted = _undeleted_for(self._location, self.key_prefix)

    def validate_key(self, key) -> None:
        """Nothing to check: Redis takes any key. Django's check warns about memcached's
        limits one character at a time (about 5 µs a key, and a product page reads some
        forty keys); django-redis's own reads and writes skip it too."""

    def _up(self) -> bool:
        return time.monotonic() >= self._down_until

    def _failed(self, operation: str) -> None:
        import logging

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
        if self._undeleted.pending and not self._undeleted.replay(self):
            return fallback  # Redis away again: nothing read that should have gone
        try:
            return call()
        except (redis.ConnectionError, redis.TimeoutError, OSError):
            self._failed(operation)
            return fallback

    def _delete(self, operation: str, keys: list, version, call, fallback):
        """Like `_guarded`, but tried during the pause too, and what could not be deleted
        is kept to be deleted later (`Undeleted`)."""
        import redis

        self._forget(keys, version)
        if not self._undeleted.pending or self._undeleted.replay(self):
            try:
                return call()
            except (redis.ConnectionError, redis.TimeoutError, OSError):
                self._failed(operation)
        self._undeleted.add(
            (self.make_key(key, version) for key in keys),
            self.client.make_pattern("*", version=version),
            self.MAX_UNDELETED,
        )
        return fallback

    @cached_property
    def _counters(self) -> tuple:
        from shopsocial import metrics

        return (
            metrics.CACHE_REQUESTS.labels(alias=self._alias, result="hit"),
            metrics.CACHE_REQUESTS.labels(alias=self._alias, result="miss"),
        )

    def _count(self, hits: int, misses: int) -> None:
        """Keys read from Redis, found or not (a key the request's batch already holds was
        counted when its round trip read it)."""
        if hits:
            self._counters[0].inc(hits)
        if misses:
            self._counters[1].inc(misses)

    def _local(self, key, version) -> tuple[dict | None, str]:
        batch = _batch.get()
        return batch, (self.make_and_validate_key(key, version) if batch is not None else "")

    def prefetch_later(self, keys: Iterable[str]) -> None:
        """Add `keys` to the request's first read (its first `get`, `get_many` or
        `prefetch`): nearly every page wants them, but a request that reads nothing
        from the shared cache costs no round trip for them. Outside a request scope it
        does nothing."""
        batch = _batch.get()
        if batch is not None:
            batch.setdefault((_PENDING, self.key_prefix), []).extend(keys)

    def prefetch(self, keys: Iterable[str], version=None) -> set[str]:
        """Read `keys` in one round trip for the rest of this request (see above) and
        return those that are present; outside a request scope it reads nothing and
        returns an empty set (every key counts as missing)."""
        batch = _batch.get()
        if batch is None:
            return set()
        keys = list(dict.fromkeys(keys))
        full = {key: self.make_and_validate_key(key, version) for key in keys}
        later = []
        if version is None:  # the waiting keys are read at the default version
            for key in dict.fromkeys(batch.pop((_PENDING, self.key_prefix), ())):
                full_key = self.make_and_validate_key(key)
                if key not in full and full_key not in batch:
                    full[key] = full_key
                    later.append(key)
        wanted = [key for key in keys if full[key] not in batch] + later
        if wanted:
            found = self._get_many_now(wanted, version)
            if not self._up():
                return set()  # Redis away: remember nothing, every read fails open
            for key in wanted:
                batch[full[key]] = found.get(key, _MISSING)
        return {key for key in keys if batch.get(full[key], _MISSING) is not _MISSING}

    def get(self, key, default=None, version=None):
        batch, full = self._local(key, version)
        if batch is not None and full not in batch and (_PENDING, self.key_prefix) in batch:
            self.prefetch([key], version)  # with the keys waiting for the first read
        if batch is not None and full in batch:
            value = batch[full]
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
        return self._delete(
            "delete",
            [key],
            version,
            lambda: super(FailOpenRedisCache, self).delete(key, version),
            False,
        )

    def delete_many(self, keys, version=None):
        keys = list(keys)
        self._delete(
            "delete_many",
            keys,
            version,
            lambda: super(FailOpenRedisCache, self).delete_many(keys, version),
            None,
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
        cleared = self._guarded("clear", lambda: super(FailOpenRedisCache, self).clear(), False)
        self.announce()
        return cleared

    # The mirror (LocalMirror above): one per process for each Redis server and key
    # prefix, whichever thread or async context made the cache object (Django makes one
    # per thread and per ASGI task).
    @property
    def mirror(self) -> LocalMirror:
        key = (self._location, self.key_prefix)
        with _mirrors_lock:
            mirror = _mirrors.get(key)
            if mirror is None:
                mirror = _mirrors[key] = LocalMirror(self)
        return mirror

    def mirror_channel(self) -> str:
        """One channel for every key prefix: `clear()` empties the whole Redis database."""
        return "shopsocial:local-mirrors"

    def announce(self) -> None:
        """Tell every process's mirrors to empty themselves. Tried even during a fail-open
        pause (a write must not go unannounced); never raises."""
        import redis

        try:
            self.client.get_client(write=True).publish(self.mirror_channel(), b"1")
        except (redis.RedisError, OSError):
            self._failed("announce")

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
