"""Fixtures for checkout and orders: catalog rows, a filled cart, the checkout form."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
import stripe
from django.test import RequestFactory

from retailers.models import Retailer
from storefront.cart import Cart
from storefront.models import Category, Product
from tests.catalog import variant_of
from tests.conftest import ALICE_HOST, COMPANY_HOST
from tests.factories import CategoryFactory, ProductFactory

OFFLINE_SECRET = "whsec_offline_test_secret"

CHECKOUT_FORM = {
    "email": "shopper@example.com",
    "full_name": "Sam Shopper",
    "phone": "512-555-0102",
    "ship_line1": "1 Main St",
    "ship_city": "Austin",
    "ship_state": "TX",
    "ship_postal_code": "78701",
    "billing_same_as_shipping": "on",
    "note": "Leave at the door",
}


@pytest.fixture
def category(db) -> Category:
    return CategoryFactory(name="Candles", slug="candles")


@pytest.fixture
def make_product(category):
    def make(*, sku: str, price: str, stock: int = 10, active: bool = True) -> Product:
        return ProductFactory(
            sku=sku, category=category, price=Decimal(price), stock=stock, active=active
        )

    return make


@pytest.fixture
def candle(make_product) -> Product:
    return make_product(sku="CANDLE-1", price="19.99", stock=10)


@pytest.fixture
def vase(make_product) -> Product:
    return make_product(sku="VASE-1", price="45.00", stock=3)


def cart_fill(client, items: dict[Product, int], host: str = ALICE_HOST) -> None:
    """Put products in the shopper's cart on `host`, through the storefront's Cart."""
    request = RequestFactory().get("/", HTTP_HOST=host)
    request.session = client.session
    # The company site answers on the bare domain and www (one Domain row: the bare one).
    request.tenant = Retailer.objects.get(domains__domain=host.removeprefix("www."))
    cart = Cart(request)
    for product, quantity in items.items():
        cart.add(variant_of(product), quantity)
    request.session.save()


def checkout_post(client, data: dict | None = None, host: str = ALICE_HOST):
    return client.post("/checkout/", data or CHECKOUT_FORM, HTTP_HOST=host)


def signed_event_post(client, event: dict, *, secret: str = OFFLINE_SECRET, timestamp=None):
    payload = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    return client.post(
        "/webhooks/stripe/",
        data=payload,
        content_type="application/json",
        HTTP_HOST=COMPANY_HOST,
        HTTP_STRIPE_SIGNATURE=header,
    )


def session_event(event_id: str, event_type: str, session_id: str) -> dict:
    """A Stripe-shaped event about a checkout session (handlers re-read the session)."""
    return {
        "id": event_id,
        "object": "event",
        "type": event_type,
        "created": 1700000000,
        "data": {"object": {"id": session_id, "object": "checkout.session"}},
    }
