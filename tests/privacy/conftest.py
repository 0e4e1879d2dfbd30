"""Privacy fixtures: shoppers, orders, a retailer account."""

from __future__ import annotations

import pytest

from orders.models import Order
from tests.accounts.support import email_verified_set
from tests.factories import OrderFactory, UserFactory
from tests.retailers.conftest import alice_owner  # noqa: F401 - a signed-up retailer (fixture)

GA_ID = "G-TEST12345"


@pytest.fixture
def make_user(db):
    def make(username: str, email: str, **extra):
        return UserFactory(username=username, email=email, **extra)

    return make


@pytest.fixture
def shopper(make_user):
    """Sam, who has verified sam@example.com (records are matched by verified address only)."""
    user = make_user("sam", "sam@example.com", first_name="Sam", last_name="Shopper")
    email_verified_set(user)
    return user


@pytest.fixture
def other_shopper(make_user):
    user = make_user("olga", "olga@example.com", first_name="Olga", last_name="Other")
    email_verified_set(user)
    return user


@pytest.fixture
def make_order(db):
    def make(retailer, *, email: str, customer=None, status=Order.Status.SHIPPED, **extra):
        extra.setdefault("phone", "+15125550100")
        return OrderFactory(
            retailer=retailer, email=email, customer=customer, status=status, **extra
        )

    return make


@pytest.fixture
def ga(settings):
    settings.GA_MEASUREMENT_ID = GA_ID
    return GA_ID
