"""Privacy fixtures: shoppers, orders, a retailer account."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

import pytest
from django.contrib.auth import get_user_model

from orders.models import Order
from tests.accounts.support import email_verified_set
from tests.retailers.conftest import alice_owner  # noqa: F401 - a signed-up retailer (fixture)

_numbers = count(1)
GA_ID = "G-TEST12345"


@pytest.fixture
def make_user(db):
    def make(username: str, email: str, **extra):
        return get_user_model().objects.create_user(
            username=username, email=email, password="a-long-test-password", **extra
        )

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
        fields = {
            "number": f"SS-{next(_numbers):06d}",
            "retailer": retailer,
            "customer": customer,
            "status": status,
            "email": email,
            "full_name": extra.pop("full_name", "Sam Shopper"),
            "phone": "555-0100",
            "ship_line1": "1 Main St",
            "ship_city": "Austin",
            "ship_state": "TX",
            "ship_postal_code": "78701",
            "subtotal": Decimal("40.00"),
            "shipping": Decimal("7.95"),
            "total": Decimal("47.95"),
        }
        fields.update(extra)
        return Order.objects.create(**fields)

    return make


@pytest.fixture
def ga(settings):
    settings.GA_MEASUREMENT_ID = GA_ID
    return GA_ID
