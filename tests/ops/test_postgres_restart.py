"""A PostgreSQL restart: checkout answers a clear "try again" page, never a 500, and
works again as soon as the server is back (a primary of the harness's own)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection

from ops.stack import AppNode, PostgresServer, Shopper, app_env, http_get, temp_folder
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import CategoryFactory, ProductFactory

from .test_redis_outage import ORDER_FORM


@pytest.mark.django_db(transaction=True)
def test_checkout_during_a_postgres_restart_says_try_again_then_completes(tenants):
    category = CategoryFactory(name="Candles", slug="candles")
    candle = ProductFactory(sku="OPS-PG", category=category, price=Decimal("19.99"), stock=5)
    folder = temp_folder("ss-ops-pgrestart-")
    primary = PostgresServer(folder, "primary").init_primary().start()
    s = connection.settings_dict
    source = f"postgres://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"
    primary.copy_database_from(source_url=source, dbname="shop")
    node = AppNode(folder, app_env(database_url=primary.url("shop")), workers=1).start()
    shopper = Shopper([node.port])
    try:
        added = shopper.request(
            "POST", ALICE_HOST, "/cart/add/", {"product_id": candle.pk, "quantity": 1}
        )
        assert added.status in (302, 303)
        primary.stop()
        refused = shopper.request("POST", ALICE_HOST, "/checkout/", ORDER_FORM)
        assert refused.status == 503
        assert refused.headers["retry-after"] == "5"
        body = refused.body.decode()
        assert "Please try again in a moment" in body
        assert "Privacy" in body
        browse = http_get(node.port, ALICE_HOST, "/", timeout=30)
        assert browse.status in (200, 503)
        primary.start()
        placed = shopper.request("POST", ALICE_HOST, "/checkout/", ORDER_FORM)
        assert placed.status == 303, placed.status
        pay_path = placed.headers["location"].split(COMPANY_HOST, 1)[1]
        paid = shopper.request("POST", COMPANY_HOST, pay_path + "submit/", {"decision": "pay"})
        assert paid.status in (302, 303)
        assert primary.sql("shop", "SELECT status FROM orders_order") == [("paid",)]
    finally:
        node.stop()
        primary.stop()
