"""A page's shared-cache reads cost one round trip (shopsocial/cache.py): a real redis-server.

Round trips are counted by Redis itself (`INFO stats` total_commands_processed, less the
INFO command that reads it).
"""

from __future__ import annotations

import time

import pytest
import redis
from django.core.cache import caches

from ops.stack import Redis, temp_folder
from shopsocial.cache import FailOpenRedisCache, request_scope
from shopsocial.invalidation import host_key
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.retailers.conftest import alice_client, alice_owner  # noqa: F401 - fixtures


@pytest.fixture(scope="module")
def redis_server():
    server = Redis(temp_folder("ss-serving-redis-")).start()
    yield server
    server.stop()


@pytest.fixture
def cache(redis_server):
    cache = FailOpenRedisCache(redis_server.url, {"KEY_PREFIX": "batch"})
    cache.clear()
    return cache


@pytest.fixture
def commands(redis_server):
    client = redis.Redis.from_url(redis_server.url)

    def count() -> int:
        return client.info("stats")["total_commands_processed"]

    start = [count()]

    def since() -> int:
        now = count()
        done = now - start[0] - 1  # this INFO
        start[0] = now
        return done

    return since


def test_a_prefetch_reads_every_key_in_one_round_trip_and_later_reads_cost_none(cache, commands):
    cache.set_many({"host:alice.shop.test": "alice", "category-tree": ["Candles"]})
    commands()
    with request_scope():
        cache.prefetch(["host:alice.shop.test", "category-tree", "policy-published"])
        assert commands() == 1
        assert cache.get("host:alice.shop.test") == "alice"
        assert cache.get("category-tree") == ["Candles"]
        assert cache.get("policy-published", "absent") == "absent"  # known missing
        assert commands() == 0


def test_a_request_sees_its_own_writes_and_deletes(cache, commands):
    cache.set("menu", "old")
    with request_scope():
        cache.prefetch(["menu", "card"])
        cache.delete("menu")
        assert cache.get("menu") is None
        cache.set("card", "<li>new</li>")
        assert cache.get("card") == "<li>new</li>"
    assert cache.get("menu") is None
    assert cache.get("card") == "<li>new</li>"


def test_nothing_is_kept_after_the_request(cache, commands):
    cache.set("menu", "first")
    with request_scope():
        cache.prefetch(["menu"])
    cache.set("menu", "second")  # another process's write, between two requests
    with request_scope():
        commands()
        assert cache.get("menu") == "second"
        assert commands() == 1  # not answered from the earlier request's batch


def test_get_many_in_a_request_reads_only_what_the_request_does_not_hold(cache, commands):
    cache.set_many({"cart-variant:1": "mug", "cart-variant:2": "candle"})
    with request_scope():
        cache.prefetch(["cart-variant:1"])
        commands()
        assert cache.get_many(["cart-variant:1", "cart-variant:2", "cart-variant:3"]) == {
            "cart-variant:1": "mug",
            "cart-variant:2": "candle",
        }
        assert commands() == 1  # one MGET of the two it did not hold
        assert cache.get_many(["cart-variant:2", "cart-variant:3"]) == {"cart-variant:2": "candle"}
        assert commands() == 0
        cache.set("cart-variant:2", "lamp")
        assert cache.get_many(["cart-variant:2"]) == {"cart-variant:2": "lamp"}
    cache.set("cart-variant:1", "jug")  # another process's write, between two requests
    assert cache.get_many(["cart-variant:1", "cart-variant:2"]) == {
        "cart-variant:1": "jug",
        "cart-variant:2": "lamp",
    }


def test_outside_a_request_prefetch_does_nothing(cache, commands):
    cache.set("menu", "x")
    commands()
    cache.prefetch(["menu"])
    assert commands() == 0
    assert cache.get("menu") == "x"
    assert commands() == 1


@pytest.fixture
def redis_shared_cache(settings, redis_server):
    """The shared cache on the real redis-server (the test settings use local memory)."""
    settings.CACHES = {
        **settings.CACHES,
        "shared": {
            "BACKEND": "shopsocial.cache.FailOpenRedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": "shared",
        },
    }
    FailOpenRedisCache(redis_server.url, {}).clear()


def warm_page(client, commands, path: str, host: str):
    """The page, read a third time (the first two fill what it keeps), and the number
    of Redis round trips that third read cost."""
    for _ in range(2):
        client.get(path, HTTP_HOST=host)
    commands()
    page = client.get(path, HTTP_HOST=host)
    return page, commands()


@pytest.mark.django_db
def test_a_warm_category_page_reads_the_shared_cache_in_two_round_trips(
    client, redis_shared_cache, commands, alice, make_product
):
    product = make_product("Vanilla Candle")
    page, round_trips = warm_page(client, commands, f"/c/{product.category.slug}/", ALICE_HOST)
    assert page.status_code == 200 and "Vanilla Candle" in page.text
    # 1: the host entry and the tree (middleware); 2: policy, shipping, menu, card (view).
    assert round_trips == 2


@pytest.mark.django_db
def test_a_warm_page_that_reads_nothing_costs_no_round_trip(
    client, redis_shared_cache, commands, alice
):
    """The host is kept in the process's memory (retailers.hostmap) and the keys the
    middleware wants are read only with the page's first read: a page that reads nothing
    from the shared cache (a GET of a POST-only URL: Django's plain 405, no template)
    costs no round trip once warm; the first one reads the host entry with them."""
    subscribed(caches["shared"].mirror)
    commands()
    client.get("/cart/add/", HTTP_HOST=ALICE_HOST)
    assert commands() >= 1  # the host entry (with the waiting keys), its set
    assert client.get("/cart/add/", HTTP_HOST=ALICE_HOST).status_code == 405
    assert commands() == 0


@pytest.mark.django_db
def test_each_read_of_a_kept_host_gets_its_own_retailer_as_the_database_has_it(
    redis_shared_cache, alice
):
    """The copy keeps the retailer's row and builds a new object per read: a request that
    changes its retailer object in memory changes nothing for the next request."""
    from retailers.hostmap import retailer_for_hostname
    from retailers.models import Retailer

    mirror = caches["shared"].mirror
    subscribed(mirror)
    retailer_for_hostname(ALICE_HOST)  # read from the database, then kept
    assert mirror.get(host_key(ALICE_HOST))[0] is not None
    first = retailer_for_hostname(ALICE_HOST)
    first.display_name = "Changed in one request only"
    second = retailer_for_hostname(ALICE_HOST)
    assert second is not first
    stored = Retailer.objects.get(pk=alice.pk)
    for field in Retailer._meta.concrete_fields:
        assert getattr(second, field.attname) == getattr(stored, field.attname), field.name
    assert second._state.adding is False
    assert second._state.db == stored._state.db


def test_the_keys_a_request_waits_for_come_with_its_first_read(cache, commands):
    with request_scope():
        cache.set("category-tree", "tree")
        commands()
        cache.prefetch_later(["category-tree", "session"])
        assert commands() == 0
        assert cache.get("menu") is None  # one MGET: menu, category-tree, session
        assert commands() == 1
        assert cache.get("category-tree") == "tree"
        assert cache.get("session") is None
        assert commands() == 0


def test_a_key_is_counted_once_when_read_from_redis_not_again_from_the_batch(cache):
    """shopsocial_cache_requests_total counts keys read from Redis: a prefetched key read
    later in the request was counted by the round trip that read it."""
    from prometheus_client import REGISTRY

    def counted(result: str) -> float:
        labels = {"alias": "batch", "result": result}
        return REGISTRY.get_sample_value("shopsocial_cache_requests_total", labels) or 0.0

    cache.set("category-tree", "tree")
    hits, misses = counted("hit"), counted("miss")
    with request_scope():
        cache.prefetch(["category-tree", "session"])
        assert (counted("hit") - hits, counted("miss") - misses) == (1, 1)
        assert cache.get("category-tree") == "tree"
        assert cache.get("session") is None
        assert cache.get_many(["category-tree", "session"]) == {"category-tree": "tree"}
    assert (counted("hit") - hits, counted("miss") - misses) == (1, 1)
    assert cache.get("category-tree") == "tree"  # outside a request: its own round trip
    assert (counted("hit") - hits, counted("miss") - misses) == (2, 1)


# --- The host map's copy in each process (shopsocial.cache.LocalMirror) ----------------
@pytest.fixture
def other_process(redis_server):
    """The same cache as `cache`, through another connection: what another process sees."""
    return FailOpenRedisCache(redis_server.url, {"KEY_PREFIX": "batch"})


def subscribed(mirror) -> int:
    """Read until the mirror's subscription is confirmed (a round trip after the first
    read); its generation then."""
    for _ in range(200):
        _, generation = mirror.get("host:probe.shop.test")
        if generation >= 0:
            return generation
        time.sleep(0.01)
    raise AssertionError("the subscription was never confirmed")


def test_a_kept_copy_is_emptied_when_another_process_announces_a_change(cache, other_process):
    mirror = other_process.mirror
    generation = subscribed(mirror)
    mirror.put("host:alice.shop.test", b"alice", generation)
    assert mirror.get("host:alice.shop.test")[0] == b"alice"
    cache.announce()  # a write in this "process"
    assert mirror.get("host:alice.shop.test")[0] is None


def test_a_value_read_before_an_announcement_is_not_kept(cache, other_process):
    mirror = other_process.mirror
    generation = subscribed(mirror)
    cache.announce()  # lands while the value was being read elsewhere
    for _ in range(200):  # until the announcement has reached this "process"
        if mirror.get("host:alice.shop.test")[1] != generation:
            break
        time.sleep(0.01)
    mirror.put("host:alice.shop.test", b"old alice", generation)
    assert mirror.get("host:alice.shop.test")[0] is None


def test_a_kept_entry_expires(other_process, monkeypatch):
    """What a silently dead connection could keep is bounded by LocalMirror.SECONDS."""
    mirror = other_process.mirror
    monkeypatch.setattr(mirror, "SECONDS", -1.0)
    mirror.put("host:alice.shop.test", b"alice", subscribed(mirror))
    assert mirror.get("host:alice.shop.test")[0] is None


def test_a_copy_whose_subscription_broke_is_not_trusted_until_it_is_back(
    cache, other_process, redis_server, monkeypatch
):
    """Announcements sent while a process was not subscribed are lost to it: it reads the
    shared cache instead until it has subscribed again, and then starts from empty."""
    mirror = other_process.mirror
    mirror.put("host:alice.shop.test", b"alice", subscribed(mirror))
    assert mirror.get("host:alice.shop.test")[0] == b"alice"
    admin = redis.Redis.from_url(redis_server.url)
    assert admin.client_kill_filter(_type="pubsub") >= 1
    cache.announce()  # nobody hears it
    assert mirror.get("host:alice.shop.test") == (None, -1)
    monkeypatch.setattr(mirror, "RETRY_AFTER", 0.0)
    subscribed(mirror)  # subscribed again, and empty


@pytest.mark.django_db
def test_a_warm_my_team_page_reads_the_shared_cache_in_three_round_trips(
    redis_shared_cache,
    commands,
    alice_client,  # noqa: F811 - the fixtures imported above
    alice_owner,  # noqa: F811
):
    """The session and host (middleware); the team tokens with the page's entries and its
    frame (header, back-office menu, footer); the team section itself."""
    page, round_trips = warm_page(alice_client, commands, "/backoffice/team/", COMPANY_HOST)
    assert page.status_code == 200 and 'aria-current="page">My team<' in page.text
    assert round_trips == 3


@pytest.mark.django_db
def test_a_warm_cart_page_reads_the_shared_cache_in_three_round_trips(
    client, redis_shared_cache, commands, alice, make_product
):
    """1: the host entry, the session and the next stock-hold expiry (middleware); 2: the
    cart's variants; 3: the frame's entries (policy, shipping, menu, header)."""
    product = make_product("Vanilla Candle")
    client.post("/cart/add/", {"product_id": product.pk, "quantity": "2"}, HTTP_HOST=ALICE_HOST)
    page, round_trips = warm_page(client, commands, "/cart/", ALICE_HOST)
    assert page.status_code == 200 and "Vanilla Candle" in page.text
    assert round_trips == 3
