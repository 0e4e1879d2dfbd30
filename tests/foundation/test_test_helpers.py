"""The shared test helpers fail (never skip) when a page is missing, and build real rows."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

import pytest

from orders.models import Order
from tests.e2e.helpers import require_feature
from tests.factories import OrderFactory, ProductFactory


class _Shop:
    def __init__(self, status: int) -> None:
        self.status = status

    def fetch(self, host: str, path: str):
        return SimpleNamespace(status=self.status)


def test_a_missing_page_fails_the_journey_instead_of_skipping_it():
    with pytest.raises(pytest.fail.Exception, match="/cart/ on demo answers 404"):
        require_feature(_Shop(404), "demo", "/cart/", "the cart")
    require_feature(_Shop(200), "demo", "/cart/", "the cart")  # present: carries on


@pytest.mark.django_db
def test_order_factory_builds_a_consistent_order_with_lines(alice):
    product = ProductFactory(price=Decimal("19.99"))
    order = OrderFactory(retailer=alice, lines=[(product, 2)], age_days=3)
    order.refresh_from_db()
    assert (order.retailer, order.status, order.total) == (
        alice,
        Order.Status.SHIPPED,
        Decimal("47.95"),
    )
    assert [(line.sku, line.unit_price, line.quantity) for line in order.lines.all()] == [
        (product.sku, Decimal("19.99"), 2)
    ]
    assert (order.created_at.date() - order.updated_at.date()).days == -3
