"""A Redis outage costs speed, not pages: real redis-server and gunicorn processes."""

from __future__ import annotations

import logging
import time
from decimal import Decimal

import pytest

from ops.stack import AppNode, Load, Redis, Shopper, app_env, temp_folder, wait_until
from orders.models import Order
from shopsocial.cache import FailOpenRedisCache
from tests.conftest import ALICE_HOST, BOB_HOST, COMPANY_HOST
from tests.factories import CategoryFactory, ProductFactory

from .harness import database_url_for_processes

ORDER_FORM = {
    "email": "shopper@example.com",
    "full_name": "Sam Shopper",
    "phone": "512-555-0102",
    "ship_line1": "1 Main St",
    "ship_city": "Austin",
    "ship_state": "TX",
    "ship_postal_code": "78701",
    "billing_same_as_shipping": "on",
}


@pytest.fixture
def redis_server():
    server = Redis(temp_folder("ss-ops-redis-")).start()
    yield server
    server.stop()


def test_the_cache_fails_open_while_redis_is_away_and_recovers(redis_server, caplog):
    cache = FailOpenRedisCache(redis_server.url, {"KEY_PREFIX": "t"})
    cache.RETRY_AFTER = 0.2
    cache.set("k", "v")
    assert cache.get("k") == "v"
    assert cache.incr("n", 1) if cache.add("n", 1) else False
    redis_server.stop()
    with caplog.at_level(logging.WARNING, logger="shopsocial.cache"):
        assert cache.get("k", "default") == "default"
        assert cache.get_many(["k", "x"]) == {}
        cache.set("k", "new")  # dropped, no error
        assert cache.add("other", 1) is False
        with pytest.raises(ValueError):
            cache.incr("n")
        assert cache.delete("k") is False
        assert cache.ping() is False
    # One line per outage, not one per operation.
    assert [r.getMessage() for r in caplog.records] == [
        "cache unavailable (get); failing open for 0 s"
    ]
    redis_server.start()
    # Time itself must pass here: after a failure the cache leaves Redis alone for
    # RETRY_AFTER (0.2 s, from the last failed operation above); a sleep lasts at least
    # as long as asked, so a busy machine cannot make it too short.
    time.sleep(0.25)
    cache.set("k", "back")
    assert cache.get("k") == "back"


@pytest.mark.django_db(transaction=True)
def test_browsing_and_checkout_go_on_while_redis_is_stopped_under_load(tenants, redis_server):
    alice = tenants["alice"]
    category = CategoryFactory(name="Candles", slug="candles")
    candle = ProductFactory(sku="OPS-CANDLE", category=category, price=Decimal("19.99"), stock=50)
    folder = temp_folder("ss-ops-node-")
    env = app_env(database_url=database_url_for_processes(), redis_url=f"{redis_server.url}/0")
    node = AppNode(folder, env, workers=2, threads=4).start()
    load = None
    try:
        pages = [
            (ALICE_HOST, "/"),
            (ALICE_HOST, f"/p/{candle.slug}/"),
            (BOB_HOST, "/"),
            (ALICE_HOST, "/privacy/"),
            (COMPANY_HOST, "/"),
        ]
        load = Load([node.port], pages, threads=3).start()
        # Counts, not fixed sleeps: a cold node on a loaded machine may take seconds to
        # serve its first pages; what matters is that pages keep coming during the outage.
        wait_until(lambda: load.total() >= 10, timeout=60, what="pages served before")
        warm = load.total()
        redis_server.stop()
        stopped_at = load.total()
        order_number = _checkout(Shopper([node.port]), candle.pk)
        wait_until(lambda: load.total() - stopped_at > 20, timeout=60, what="pages served during")
        during = load.total() - stopped_at
        redis_server.start()
        # Pages go on while the node goes back to Redis: once its fail-open pause is over
        # it writes to the new, empty server again, and pages keep coming after that.
        wait_until(lambda: keys_stored(redis_server) > 0, timeout=60, what="the node on Redis")
        back = load.total()
        wait_until(lambda: load.total() - back >= 10, timeout=60, what="pages served after")
        load.stop()
        assert warm > 0
        assert during > 20, load.statuses
        assert load.server_errors() == 0, load.statuses
        assert load.errors == 0
        assert set(load.statuses) == {200}, load.statuses
        order = Order.objects.get(number=order_number)
        assert order.status == Order.Status.PAID
        assert order.retailer == alice
        assert "cache unavailable" in node.process.log()
    finally:
        if load is not None:  # a failed wait must not leave its threads requesting
            load.stop()
        node.stop()


def keys_stored(server: Redis) -> int:
    """Keys in every database of the server (0 while it does not answer)."""
    import redis

    try:
        with redis.Redis(host="127.0.0.1", port=server.port, socket_timeout=5) as client:
            return sum(db["keys"] for db in client.info("keyspace").values())
    except redis.ConnectionError:
        return 0


def _checkout(shopper: Shopper, product_id: int) -> str:
    """Cart, checkout form, the offline gateway's hosted page, paid: over real HTTP."""
    added = shopper.request(
        "POST", ALICE_HOST, "/cart/add/", {"product_id": product_id, "quantity": 1}
    )
    assert added.status in (302, 303), added.status
    placed = shopper.request("POST", ALICE_HOST, "/checkout/", ORDER_FORM)
    assert placed.status == 303, (placed.status, placed.body[:500])
    pay_path = placed.headers["location"].split(COMPANY_HOST, 1)[1]
    paid = shopper.request("POST", COMPANY_HOST, pay_path + "submit/", {"decision": "pay"})
    assert paid.status in (302, 303), paid.status
    assert "/checkout/success/" in paid.headers["location"], paid.headers
    return Order.objects.order_by("-pk").values_list("number", flat=True).first()
