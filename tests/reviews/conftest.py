"""Reviews fixtures: a shopper account with a shipped order of a product, real rows."""

from __future__ import annotations

import pytest
from django.test import Client

from orders.accounts.selectors import order_status_path
from orders.models import Order
from tests.conftest import ALICE_HOST
from tests.factories import OrderFactory, ProductFactory, UserFactory
from tests.storefront.conftest import category, make_product  # noqa: F401


@pytest.fixture
def candle(db):
    return ProductFactory(name="Cedar candle", slug="cedar-candle", sku="CEDAR-1")


@pytest.fixture
def shopper(db):
    return UserFactory(username="rita", email="rita@example.com")


@pytest.fixture
def order(alice, shopper, candle) -> Order:
    return OrderFactory(customer=shopper, email=shopper.email, lines=[(candle, 1)])


@pytest.fixture
def line(order):
    return order.lines.get()


@pytest.fixture
def shopper_client(shopper) -> Client:
    client = Client()
    client.force_login(shopper)
    return client


@pytest.fixture
def token_path(order) -> str:
    return order_status_path(order=order)


GOOD = {
    "rating": "4",
    "title": "Smells like a forest",
    "body": "Burns evenly.",
    "display_name": "Rita",
}
HOST = ALICE_HOST
