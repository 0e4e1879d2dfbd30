"""Two app nodes (own processes, own memory) on one PostgreSQL and one Redis, round robin.

Every request of the shopper below goes to the other node than the one before, as a
round-robin proxy sends it: the cart made on node A is checked out on node B, paid on
A and its confirmation read on B; a rate limit counts across both nodes.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from ops.stack import AppNode, Redis, Shopper, app_env, temp_folder
from orders.models import Order
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import CategoryFactory, ProductFactory

from .harness import database_url_for_processes
from .test_redis_outage import ORDER_FORM


@pytest.fixture
def two_nodes():
    folder = temp_folder("ss-ops-two-")
    redis = Redis(folder).start()
    env = app_env(database_url=database_url_for_processes(), redis_url=f"{redis.url}/0")
    nodes = [AppNode(folder, env, workers=1, threads=4).start() for _ in range(2)]
    yield nodes
    for node in nodes:
        node.stop()
    redis.stop()


@pytest.mark.django_db(transaction=True)
def test_a_cart_from_node_a_is_checked_out_on_b_and_limits_count_across_nodes(tenants, two_nodes):
    category = CategoryFactory(name="Candles", slug="candles")
    candle = ProductFactory(sku="OPS-2N", category=category, price=Decimal("19.99"), stock=5)
    shopper = Shopper([node.port for node in two_nodes])

    added = shopper.request(
        "POST", ALICE_HOST, "/cart/add/", {"product_id": candle.pk, "quantity": 1}
    )  # A
    assert added.status in (302, 303)
    cart = shopper.request("GET", ALICE_HOST, "/cart/")  # B reads A's session
    assert cart.status == 200
    assert candle.name in cart.body.decode()
    placed = shopper.request("POST", ALICE_HOST, "/checkout/", ORDER_FORM)  # A
    assert placed.status == 303
    pay_path = placed.headers["location"].split(COMPANY_HOST, 1)[1]
    paid = shopper.request("POST", COMPANY_HOST, pay_path + "submit/", {"decision": "pay"})  # B
    assert paid.status in (302, 303)
    success_path = paid.headers["location"].split(ALICE_HOST, 1)[1]
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    shown = shopper.request("GET", ALICE_HOST, success_path)  # A sees what B wrote
    assert shown.status == 200
    assert order.number in shown.body.decode()

    # Password-reset requests: 5 an hour per client address, counted in Redis by both nodes.
    answers = [
        shopper.request(
            "POST", ALICE_HOST, "/account/password/reset/", {"email": f"x{i}@example.com"}
        ).status
        for i in range(6)
    ]
    assert answers[:5] == [302] * 5, answers
    assert answers[5] == 429
