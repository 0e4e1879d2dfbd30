"""A cache deletion is never lost to a Redis error (shopsocial/cache.py): a real redis-server.

Invalidation (shopsocial/invalidation.py) deletes origin cache entries and then purges
Varnish; the next request rebuilds the page from what Redis still holds. A deletion the
fail-open cache dropped would let that request re-cache the old price for up to an hour.
So a deletion is tried even during the fail-open pause, and one that fails (Redis really
away) is remembered by the process and replayed before the process reads Redis again.

The server here keeps its data across a stop and start (a snapshot in its own folder):
the old values are there again when it is back, as after a network cut.
"""

from __future__ import annotations

import shutil
import time
from decimal import Decimal

import pytest
import redis
from django.core.cache import caches

from ops.stack import Process, free_port, port_open, temp_folder, wait_until
from shopsocial.cache import FailOpenRedisCache, request_scope
from shopsocial.invalidation import menu_fragment_keys, product_fragment_keys, product_row_key
from storefront.models import Category
from tests.factories import CategoryFactory, ProductFactory

PAUSE_MS = 500  # CLIENT PAUSE: Redis is up, but a command waits this long
SOCKET_TIMEOUT = 0.1  # the cache gives up well before that


class KeptRedis:
    """A redis-server on a free port that keeps its data across `stop()` and `start()`."""

    def __init__(self) -> None:
        self.folder = temp_folder("ss-cache-deletes-redis-")
        self.port = free_port()
        self.process: Process | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def admin(self) -> redis.Redis:
        return redis.Redis(port=self.port, socket_timeout=5)

    def start(self) -> KeptRedis:
        args = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        args += ["--dir", str(self.folder), "--save", "", "--appendonly", "no"]
        self.process = Process(f"redis-{self.port}", args, folder=self.folder, cwd=self.folder)
        wait_until(lambda: port_open(self.port), timeout=10, what="redis")
        wait_until(self._answers, timeout=10, what="redis loaded")
        return self

    def _answers(self) -> bool:
        try:
            return self.admin().ping()
        except redis.RedisError:
            return False  # still loading the snapshot

    def stop(self, *, keep: bool = True) -> None:
        if self.process is None:
            return
        if keep and self.process.alive():
            self.admin().save()
        self.process.stop()
        self.process = None
        wait_until(lambda: not port_open(self.port), timeout=10, what="redis stopped")


@pytest.fixture
def redis_server():
    server = KeptRedis().start()
    yield server
    server.stop(keep=False)
    shutil.rmtree(server.folder, ignore_errors=True)


def make_cache(redis_server: KeptRedis, prefix: str = "outage") -> FailOpenRedisCache:
    """The backend as a process's thread has it (Django makes one object per thread)."""
    return FailOpenRedisCache(
        redis_server.url, {"KEY_PREFIX": prefix, "OPTIONS": {"SOCKET_TIMEOUT": SOCKET_TIMEOUT}}
    )


def one_timeout(cache: FailOpenRedisCache, redis_server: KeptRedis) -> None:
    """One Redis call of `cache` times out while Redis stays up: the fail-open pause."""
    redis_server.admin().client_pause(PAUSE_MS)
    assert cache.get("anything", "missed") == "missed"
    time.sleep(PAUSE_MS / 1000 + 0.1)  # Redis answers everyone again
    assert redis_server.admin().ping()


def stored(redis_server: KeptRedis, cache: FailOpenRedisCache, *keys: str) -> list[str]:
    """Which of `keys` Redis itself holds (what any other process would read)."""
    admin = redis_server.admin()
    return [key for key in keys if admin.exists(cache.make_key(key))]


# --- (a) the pause: Redis is up again, a delete must reach it -------------------------
def test_a_delete_in_the_fail_open_pause_is_not_skipped(redis_server):
    cache = make_cache(redis_server)
    cache.RETRY_AFTER = 30.0  # the whole test runs inside the pause
    cache.set_many({"price": "19.99", "stock": 5, "name": "Candle", "kept": 1})
    one_timeout(cache, redis_server)
    assert cache.get("kept") is None  # the pause: reads still fail open (miss)

    cache.delete("price")
    cache.delete_many(["stock", "name"])

    assert stored(redis_server, cache, "price", "stock", "name", "kept") == ["kept"]


# --- (b) Redis away: the delete is replayed before anything is read again ---------------
@pytest.mark.parametrize("reader", ["same cache", "another thread's cache", "a request batch"])
def test_a_delete_that_failed_is_replayed_before_the_process_reads_redis_again(
    redis_server, reader
):
    cache = make_cache(redis_server)
    cache.RETRY_AFTER = 0.3
    other = make_cache(redis_server)  # another thread of the same process: never saw an error
    assert other.get("price") is None  # connected before the outage
    cache.set_many({"price": "19.99", "stock": 5, "name": "Candle", "kept": 1})

    redis_server.stop()  # a snapshot: the values come back with the server
    assert cache.get("kept", "missed") == "missed"  # fails: the pause begins
    cache.delete("price")  # tried, fails, no exception
    cache.delete_many(["stock", "name"])
    redis_server.start()
    assert stored(redis_server, cache, "price", "stock", "name") == ["price", "stock", "name"]
    time.sleep(0.35)  # the pause is over

    if reader == "same cache":
        assert cache.get("price") is None
        assert cache.get_many(["stock", "name", "kept"]) == {"kept": 1}
    elif reader == "another thread's cache":
        assert other.get("price") is None
        assert other.get_many(["stock", "name", "kept"]) == {"kept": 1}
    else:
        with request_scope():
            assert cache.prefetch(["price", "stock", "name", "kept"]) == {"kept"}
    # Deleted in Redis itself (every other process reads it), the rest left alone.
    assert stored(redis_server, cache, "price", "stock", "name", "kept") == ["kept"]


def test_a_later_delete_carries_the_failed_ones_with_it(redis_server):
    """A delete made inside the pause once Redis is back also replays the earlier failures."""
    cache = make_cache(redis_server)
    cache.RETRY_AFTER = 30.0
    cache.set_many({"price": "19.99", "stock": 5, "kept": 1})
    redis_server.stop()
    cache.delete("price")  # fails: remembered, and the pause begins
    redis_server.start()
    cache.delete("stock")  # in the pause, Redis back
    assert stored(redis_server, cache, "price", "stock", "kept") == ["kept"]


def test_more_failed_deletes_than_remembered_delete_the_whole_alias_not_the_database(
    redis_server, monkeypatch
):
    monkeypatch.setattr(FailOpenRedisCache, "MAX_UNDELETED", 3)
    cache = make_cache(redis_server)
    cache.RETRY_AFTER = 0.3
    neighbour = make_cache(redis_server, prefix="neighbour")  # another alias, same database
    cache.set_many({f"k{n}": n for n in range(6)})
    neighbour.set("mine", 1)
    redis_server.admin().rpush("celery", "a queued task")  # a broker sharing the database

    redis_server.stop()
    cache.delete_many(["k0", "k1"])
    cache.delete_many(["k2", "k3"])  # more than 3: only "every key of the alias" is kept
    redis_server.start()
    time.sleep(0.35)

    assert cache.get("k0") is None
    assert stored(redis_server, cache, *(f"k{n}" for n in range(6))) == []
    assert neighbour.get("mine") == 1
    assert redis_server.admin().lrange("celery", 0, -1) == [b"a queued task"]


# --- (c) a catalog write in the pause deletes the entries its pages are rebuilt from ----
@pytest.fixture
def shared_cache(settings, redis_server):
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "shopsocial.cache.FailOpenRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "shared",
            "OPTIONS": {"SOCKET_TIMEOUT": SOCKET_TIMEOUT},
        },
    }
    cache = caches["shared"]  # this thread's: the one the write's invalidation uses
    cache.RETRY_AFTER = 30.0
    return cache


@pytest.mark.django_db(transaction=True)
def test_a_price_saved_in_the_pause_deletes_the_products_fragments_and_row(
    redis_server, shared_cache
):
    candle = ProductFactory(sku="OUT-CANDLE", price=Decimal("19.99"))
    keys = [*product_fragment_keys(candle.pk), product_row_key(candle.slug)]
    shared_cache.set_many(dict.fromkeys(keys, "rendered at $19.99"))
    assert stored(redis_server, shared_cache, *keys) == keys
    one_timeout(shared_cache, redis_server)

    candle.price = Decimal("24.99")
    candle.save()

    assert stored(redis_server, shared_cache, *keys) == []


@pytest.mark.django_db(transaction=True)
def test_a_category_renamed_in_the_pause_deletes_the_menu_and_its_product_rows(
    redis_server, shared_cache
):
    candles = CategoryFactory(name="Candles", slug="candles")
    candle = ProductFactory(sku="OUT-WICK", category=candles)
    keys = [*menu_fragment_keys(), product_row_key(candle.slug)]
    shared_cache.set_many(dict.fromkeys(keys, "Candles"))
    one_timeout(shared_cache, redis_server)

    Category.objects.filter(pk=candles.pk).update(name="Tapers")

    assert stored(redis_server, shared_cache, *keys) == []
