"""Shared version counters for caches kept in process memory.

A cache in process memory (the host map, the page cache, the category tree) is
valid while the versions it was built under are current. A write calls
`version_bump(name)` after commit; every web process sees the new value at its
next request.

Reading a version must not cost a round trip on every request (on a busy
machine one round trip to Redis costs more than a whole cached page), so with
Redis each process keeps a mirror of the counters and a listener thread
subscribed to a Redis channel: a bump increments the counter and publishes; the
listener marks the mirror stale and the next read refetches every counter in one
MGET. While the listener is not subscribed (start-up, Redis restarting) every read
goes to Redis, so a lost message can never leave a process stale. Without Redis
(dev, tests) the counters live in the "shared" cache (process memory) and are read
directly.

Counters start from the clock, not 1: after a Redis flush no old entry kept in
a process can match a new version.
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from django.conf import settings
from django.core.cache import caches
from django.db.models import QuerySet

logger = logging.getLogger(__name__)

# Every counter, read together (one MGET). Add a name here to use it.
NAMES = (
    "hostmap",
    "catalog",
    "stock",
    "storefront",
    "policy",
    "breach",
    "holds",
    "scenes",
)
CHANNEL = "shopsocial:versions"
_KEY = "shopsocial:version:{}"


def _fresh() -> int:
    return time.time_ns() // 1000


class _CacheCounters:
    """Counters in the "shared" Django cache: process memory in dev and tests."""

    def read(self) -> dict[str, int]:
        cache = caches["shared"]
        keys = {_KEY.format(name): name for name in NAMES}
        found = cache.get_many(list(keys))
        missing = [key for key in keys if key not in found]
        for key in missing:
            cache.add(key, _fresh(), None)
        if missing:
            found.update(cache.get_many(missing))
        return {keys[key]: value for key, value in found.items()}

    def bump(self, name: str) -> None:
        cache = caches["shared"]
        try:
            cache.incr(_KEY.format(name))
        except ValueError:
            cache.set(_KEY.format(name), _fresh(), None)


def redis_errors() -> tuple[type[Exception], ...]:
    import redis

    return (redis.ConnectionError, redis.TimeoutError)


class _RedisCounters:
    """Counters in Redis, mirrored per process and refreshed by a pub/sub listener."""

    def __init__(self, url: str) -> None:
        import redis

        self.url = url
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.mirror: dict[str, int] | None = None
        self.stale = True
        self.subscribed = False
        self.pid = 0
        self.lock = threading.Lock()

    def _fetch(self) -> dict[str, int]:
        keys = [_KEY.format(name) for name in NAMES]
        values = self.client.mget(keys)
        result = {}
        for name, key, value in zip(NAMES, keys, values, strict=True):
            if value is None:
                self.client.set(key, _fresh(), nx=True)
                value = self.client.get(key)
            result[name] = int(value)
        return result

    def read(self) -> dict[str, int]:
        if self.pid != os.getpid():
            self._start_listener()
        if self.subscribed and not self.stale and self.mirror is not None:
            return self.mirror
        self.stale = False  # cleared before fetching: a bump meanwhile marks it again
        try:
            values = self._fetch()
        except (OSError, *redis_errors()):
            # scale: Redis away -> versions no memo was built under: every memo misses
            # and pages render from the database (docs/operations-scale.md).
            self.stale = True
            return {name: _fresh() for name in NAMES}
        if self.subscribed:
            self.mirror = values
        return values

    def bump(self, name: str) -> None:
        key = _KEY.format(name)
        self.stale = True  # this process sees its own write at once
        try:
            self.client.set(key, _fresh(), nx=True)
            self.client.incr(key)
            self.client.publish(CHANNEL, name)
        except (OSError, *redis_errors()):  # scale: a write never fails because Redis is away
            logger.warning("versions: Redis away, bump of %s not shared", name)

    # --- the listener thread ------------------------------------------------------
    def _start_listener(self) -> None:
        with self.lock:
            if self.pid == os.getpid():
                return
            # After a fork the parent's thread and sockets are not ours.
            self.pid = os.getpid()
            self.subscribed = False
            self.mirror = None
            self.client.connection_pool.reset()
            thread = threading.Thread(target=self._listen, name="versions-listener", daemon=True)
            try:
                thread.start()
            except RuntimeError:
                # ops: a gunicorn worker finishing its last requests after HUP/TERM is
                # shutting its interpreter down and cannot start threads; unsubscribed,
                # every read fetches from Redis (tests/ops/test_chat_nodes.py).
                logger.info("versions: no listener while the process shuts down")

    def _listen(self) -> None:
        import redis

        backoff = 0.5
        while True:
            pubsub = None
            try:
                listener = redis.Redis.from_url(self.url, socket_connect_timeout=2)
                pubsub = listener.pubsub(ignore_subscribe_messages=False)
                pubsub.subscribe(CHANNEL)
                for message in pubsub.listen():
                    if message["type"] == "subscribe":
                        self.stale = True
                        self.subscribed = True
                        backoff = 0.5
                    elif message["type"] == "message":
                        self.stale = True
            except Exception:  # noqa: BLE001 - any failure: fall back to reading Redis
                logger.warning("versions listener lost Redis; reading versions per request")
            finally:
                self.subscribed = False
                self.stale = True
                if pubsub is not None:
                    with contextlib.suppress(Exception):
                        pubsub.close()
            time.sleep(backoff)
            backoff = min(backoff * 2, 10.0)


# --- Process memos -------------------------------------------------------------------
class ProcessLRU:
    """A small LRU in process memory; an entry is valid while its key's versions hold."""

    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self.entries: OrderedDict[Hashable, tuple[float, Any]] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        with self.lock:
            found = self.entries.get(key)
            if found is None:
                return None
            expires, value = found
            if expires < time.monotonic():
                del self.entries[key]
                return None
            self.entries.move_to_end(key)
            return value

    def set(self, key: Hashable, value: Any, ttl: float) -> None:
        with self.lock:
            self.entries[key] = (time.monotonic() + ttl, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)

    def delete(self, key: Hashable) -> None:
        with self.lock:
            self.entries.pop(key, None)

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()


_reads = ProcessLRU(max_entries=256)


def memoized[T](
    key: Hashable, build: Callable[[], T], *, depends: tuple[str, ...], ttl: float
) -> T:
    """`build()` once per process and per version of `depends` (at most `ttl` seconds)."""
    current = versions()
    full_key = (key, *(current[name] for name in depends))
    value = _reads.get(full_key)
    if value is None:
        value = build()
        _reads.set(full_key, value, ttl)
    return value


def memos_clear() -> None:
    """Forget every memo of this process (tests)."""
    _reads.clear()


_counters: _CacheCounters | _RedisCounters | None = None


def _backend() -> _CacheCounters | _RedisCounters:
    global _counters
    if _counters is None:
        shared = settings.CACHES["shared"]
        if shared["BACKEND"].endswith("RedisCache") and shared.get("LOCATION"):
            location = shared["LOCATION"]
            _counters = _RedisCounters(location if isinstance(location, str) else location[0])
        else:
            _counters = _CacheCounters()
    return _counters


def versions() -> dict[str, int]:
    """Every counter by name (no round trip when the mirror is current)."""
    return _backend().read()


def version(name: str) -> int:
    return versions()[name]


def version_bump(name: str) -> None:
    """Invalidate every cache built under `name` in every process (call after commit)."""
    if name not in NAMES:
        raise ValueError(f"unknown version {name!r}")
    _backend().bump(name)


# --- Writes through the ORM bump a version -------------------------------------------
def version_bump_now_and_on_commit(name: str) -> None:
    """Bump at once (this transaction's later reads see it) and again after commit
    (no process keeps what it read before the commit)."""
    from django.db import transaction

    version_bump(name)
    transaction.on_commit(lambda: version_bump(name))


class VersionedQuerySet(QuerySet):
    """A queryset whose writes bump `version_name` (set it on a subclass)."""

    version_name = ""

    def update(self, **kwargs):
        version_bump_now_and_on_commit(self.version_name)
        return super().update(**kwargs)

    def delete(self):
        version_bump_now_and_on_commit(self.version_name)
        return super().delete()

    def bulk_create(self, *args, **kwargs):
        version_bump_now_and_on_commit(self.version_name)
        return super().bulk_create(*args, **kwargs)


class VersionedModel:
    """Mixin for a model whose saves and deletes bump `version_name`."""

    version_name = ""

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        version_bump_now_and_on_commit(self.version_name)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        version_bump_now_and_on_commit(self.version_name)
        return result
