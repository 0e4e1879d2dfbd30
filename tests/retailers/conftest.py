"""Fixtures for the retailer tests: logins for alice and bob, orders, registration data."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model

from orders.models import Order
from retailers import crypto
from retailers.models import Retailer
from tests.conftest import COMPANY_HOST
from tests.factories import OrderFactory

PASSWORD = "Correct-Horse-Battery-42"
User = get_user_model()


def _attach_login(retailer: Retailer, username: str, ssn: str) -> Retailer:
    user = User.objects.create_user(username, f"{username}@example.com", PASSWORD)
    Retailer.objects.filter(pk=retailer.pk).update(
        user=user,
        legal_name=f"{username.title()} Example",
        email=f"{username}@example.com",
        phone="+15125550142",
        address_line1="1 Main St",
        tax_id_kind="ssn",
        tax_id_encrypted=crypto.encrypt(ssn),
        tax_id_last4=ssn[-4:],
    )
    retailer.refresh_from_db()
    return retailer


@pytest.fixture
def alice_owner(alice) -> Retailer:
    return _attach_login(alice, "alice_owner", "123456789")


@pytest.fixture
def bob_owner(bob) -> Retailer:
    return _attach_login(bob, "bob_owner", "987654321")


def sign_in(client, retailer: Retailer, password: str = PASSWORD, **extra):
    return client.post(
        "/backoffice/signin/",
        {
            "retailer_number": retailer.retailer_number,
            "username": retailer.user.username,
            "password": password,
        },
        HTTP_HOST=COMPANY_HOST,
        **extra,
    )


@pytest.fixture
def alice_client(client, alice_owner):
    response = sign_in(client, alice_owner)
    assert response.status_code == 302, response.content
    return client


def make_order(
    retailer: Retailer, number: str, total: str, *, status=Order.Status.PAID, days_ago=0
):
    return OrderFactory(
        number=number,
        retailer=retailer,
        status=status,
        ship_line1="2 Elm St",
        ship_city="Dallas",
        ship_postal_code="75201",
        subtotal=Decimal(total),
        shipping=Decimal("0.00"),
        age_days=days_ago,
    )


@pytest.fixture
def registration_data() -> dict:
    return {
        "legal_name": "Kristanna Loken",
        "address_line1": "12 Ocean Ave",
        "address_line2": "Apt 3",
        "city": "San Clemente",
        "state": "CA",
        "postal_code": "92672",
        "email": "kristanna@example.com",
        "phone": "(949) 555-0142",
        "tax_id_kind": "ssn",
        "tax_id": "123-45-6789",
        "date_of_birth": "1985-04-12",
        "display_name": "Kristanna's Cozy Corner",
        "slug": "kristanna",
        "username": "kristanna",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "accept_terms": "on",
        "accept_privacy": "on",
    }
