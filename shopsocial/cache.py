"""Django's Redis cache, reusing one client per connection pool.

Django's `RedisCacheClient.get_client()` builds a new `redis.Redis` object for
every cache operation; building it costs more than the round trip to Redis
(NOTES.md, measured with cProfile). The client is thread-safe and the pool
survives forks (redis-py resets it in a child process), so one per pool is enough.

Also: `close_caches_that_need_it`, Django's end-of-request cache closing without
the per-request cost of closing caches that have nothing to close.
"""

from __future__ import annotations

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from django.utils.module_loading import import_string


class ReusingRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, object] = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._client(connection_pool=self._get_connection_pool(index))
            self._clients[index] = client
        return client


class RedisCache(DjangoRedisCache):
    def __init__(self, server, params) -> None:
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient


def close_caches_that_need_it(**kwargs) -> None:
    """Django's `close_caches` (request_finished), skipping backends whose close() does nothing.

    Django closes every initialised cache after each request; finding them costs a
    `hasattr` on an asgiref Local per alias, about 30 µs a request, to call `close()`
    methods that are `BaseCache.close`, a no-op, for Redis and local memory. Aliases
    whose backend overrides close() (memcached) are still closed.
    """
    for alias in _aliases_to_close():
        if hasattr(caches._connections, alias):
            caches[alias].close()


_closing: list[str] | None = None


def _aliases_to_close() -> list[str]:
    global _closing
    if _closing is None:
        _closing = [
            alias
            for alias, config in settings.CACHES.items()
            if import_string(config["BACKEND"]).close is not BaseCache.close
        ]
    return _closing


def closing_forget(**kwargs) -> None:
    """Recompute which caches need closing (CACHES changed: tests)."""
    global _closing
    _closing = None


def close_caches_lean() -> None:
    """Replace Django's request_finished `close_caches` with the one above."""
    from django.core import signals
    from django.core.cache import close_caches
    from django.test.signals import setting_changed

    signals.request_finished.disconnect(close_caches)
    signals.request_finished.connect(close_caches_that_need_it)
    setting_changed.connect(closing_forget)
