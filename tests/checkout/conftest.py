"""Checkout with gift cards and store credit: the orders fixtures, a card, a shopper."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from orders.giftcards.models import GiftCardProduct
from orders.giftcards.services import giftcard_issue
from tests.orders.conftest import candle, category, make_product, vase  # noqa: F401


@pytest.fixture
def card25(db):
    """A $25.00 gift card issued by Support (usable on any storefront)."""
    return giftcard_issue(amount=Decimal("25.00"), actor="staff:1")


@pytest.fixture
def card100(db):
    return giftcard_issue(amount=Decimal("100.00"), actor="staff:1")


@pytest.fixture
def gift_card_product(make_product):  # noqa: F811
    product = make_product(sku="GIFT-25", price="25.00", stock=100)
    GiftCardProduct.objects.create(product=product)
    return product


@pytest.fixture
def pat(db):
    return get_user_model().objects.create_user(
        username="pat@example.com",
        email="pat@example.com",
        password="a-long-unusual-passphrase-42",
        first_name="Pat",
        last_name="Doe",
    )
