"""Fixtures for account tests: shoppers, guest orders, rendered outbox rows."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

import pytest
from django.contrib.auth import get_user_model

from orders.models import Order, OrderLine
from shopsocial.mail.models import OutboundEmail
from shopsocial.mail.services import email_render
from storefront.models import Category, Product
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
    candles = Category.objects.create(name="Acct Candles", slug="acct-candles")
    return Product.objects.create(
        sku="ACCT-1",
        name="Acct Candle",
        slug="acct-candle",
        category=candles,
        price=Decimal("12.50"),
        stock=50,
    )


@pytest.fixture
def make_order(product):
    def make(retailer, *, email: str, customer=None, status=Order.Status.PAID, **extra):
        order = Order.objects.create(
            number=f"SS-ACCT-{next(_numbers):04d}",
            retailer=retailer,
            customer=customer,
            status=status,
            email=email,
            full_name=extra.pop("full_name", "Guest Buyer"),
            phone="555-0100",
            ship_line1="1 Main St",
            ship_city="Austin",
            ship_state="TX",
            ship_postal_code="78701",
            subtotal=Decimal("25.00"),
            shipping=Decimal("7.95"),
            total=Decimal("32.95"),
            **extra,
        )
        OrderLine.objects.create(
            order=order,
            product=product,
            sku=product.sku,
            name=product.name,
            unit_price=Decimal("12.50"),
            quantity=2,
        )
        return order

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
