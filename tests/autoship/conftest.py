"""Autoship fixtures: a verified shopper, a candle, and an autoship set up end to end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from orders.autoship.models import Autoship
from orders.models import Order
from storefront.models import Product
from tests.accounts.support import email_verified_set
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import CategoryFactory, ProductFactory
from tests.orders.conftest import CHECKOUT_FORM

PASSWORD = "pw-Autoship-7!"
EMAIL = "shopper@example.com"


@pytest.fixture
def candle(db) -> Product:
    category = CategoryFactory(name="Candles", slug="candles")
    return ProductFactory(
        sku="CANDLE-1",
        name="Cedar candle",
        slug="cedar-candle",
        category=category,
        price=Decimal("19.99"),
        stock=10,
    )


@pytest.fixture
def shopper(db):
    user = get_user_model().objects.create_user(
        username=EMAIL, email=EMAIL, password=PASSWORD, first_name="Sam", last_name="Shopper"
    )
    email_verified_set(user)
    return user


def add_with_autoship(client, product: Product, *, weeks: str = "4", quantity: int = 1):
    return client.post(
        "/cart/add/",
        {"product_id": product.pk, "quantity": quantity, "every_weeks": weeks},
        HTTP_HOST=ALICE_HOST,
    )


def checkout_and_pay(client, capture) -> Order:
    """Check out on alice's storefront and pay on the offline gateway's hosted page."""
    with capture(execute=True):
        response = client.post("/checkout/", CHECKOUT_FORM, HTTP_HOST=ALICE_HOST)
    assert response.status_code == 303, response.content.decode()[:2000]
    pay_path = response["Location"].removeprefix(f"http://{COMPANY_HOST}")
    with capture(execute=True):
        paid = client.post(pay_path + "submit/", {"decision": "pay"}, HTTP_HOST=COMPANY_HOST)
    assert paid.status_code == 303
    return Order.objects.order_by("-pk").first()


@pytest.fixture
def autoship(client, alice, candle, shopper, django_capture_on_commit_callbacks) -> Autoship:
    """Sam's candle every 4 weeks, set up through the product page, checkout and payment."""
    client.force_login(shopper)
    add_with_autoship(client, candle)
    order = checkout_and_pay(client, django_capture_on_commit_callbacks)
    assert order.status == Order.Status.PAID
    return Autoship.objects.get(source_order=order)


def day(text: str) -> date:
    return date.fromisoformat(text)


@pytest.fixture
def make_second_line():
    """Add a vase (in stock) to an autoship, as the account page's items would hold it."""
    from orders.autoship.models import AutoshipLine

    def make(autoship: Autoship) -> Product:
        vase = ProductFactory(sku="VASE-1", name="Vase", price=Decimal("45.00"), stock=3)
        AutoshipLine.objects.create(autoship=autoship, variant=variant_of(vase), quantity=1)
        return vase

    return make
