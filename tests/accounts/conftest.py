"""Fixtures for account tests: shoppers, guest orders, rendered outbox rows."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

import pytest
from django.contrib.auth import get_user_model

from orders.models import Order
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_render
from storefront.models import Product
from tests.factories import CategoryFactory, OrderFactory, ProductFactory
from tests.orders.conftest import candle, category, make_product  # noqa: F401 - fixtures
from tests.retailers.conftest import alice_owner  # noqa: F401 - a signed-up retailer (fixture)

PASSWORD = "a-long-unusual-passphrase-42"
NEW_PASSWORD = "another-long-passphrase-77"
_numbers = count(1)


@pytest.fixture
def make_shopper(db):
    def make(email: str, **extra):
        return get_user_model().objects.create_user(
            username=email.lower(), email=email.lower(), password=PASSWORD, **extra
        )

    return make


@pytest.fixture
def product(db) -> Product:
    return ProductFactory(
        sku="ACCT-1",
        name="Acct Candle",
        slug="acct-candle",
        category=CategoryFactory(name="Acct Candles", slug="acct-candles"),
        price=Decimal("12.50"),
        stock=50,
    )


@pytest.fixture
def make_order(product):
    def make(retailer, *, email: str, customer=None, status=Order.Status.PAID, **extra):
        extra.setdefault("full_name", "Guest Buyer")
        return OrderFactory(
            number=f"SS-ACCT-{next(_numbers):04d}",
            retailer=retailer,
            customer=customer,
            status=status,
            email=email,
            phone="+15125550100",
            subtotal=Decimal("25.00"),
            lines=[(product, 2)],
            **extra,
        )

    return make


def outbox(template: str, to: str | None = None) -> list[OutboundEmail]:
    rows = OutboundEmail.objects.filter(template=template).order_by("pk")
    if to is not None:
        rows = rows.filter(to=to)
    return list(rows)


def rendered_text(row: OutboundEmail) -> str:
    return email_render(email=row).body


def link_in(text: str, prefix: str) -> str:
    """The first URL in `text` starting with `prefix`."""
    for word in text.split():
        if word.startswith(prefix):
            return word
    raise AssertionError(f"no link starting {prefix!r} in:\n{text}")
