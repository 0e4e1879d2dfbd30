"""Fixtures for the security tests: the four roles of the URL walk and the data they own.

- anonymous: no session;
- shopper: a signed-in shopper account (no retailer, no staff);
- retailer: alice's owner, signed in (alice owns the sample order);
- other retailer: bob's owner, signed in, asking for alice's things.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.test import Client

from orders.models import Order
from retailers.models import Retailer
from storefront.models import Category, Product
from tests.factories import CategoryFactory, OrderFactory, ProductFactory, UserFactory

PASSWORD = "pw-Xy7!kq"
ROLES = ("anonymous", "shopper", "retailer", "other_retailer")
ALICE_CUSTOMER_EMAIL = "alice-customer-secret@example.com"


@dataclass
class World:
    alice: Retailer
    bob: Retailer
    shopper: object
    product: Product
    category: Category
    alice_order: Order
    samples: dict[str, str]
    route_samples: dict[str, dict[str, str]]

    def samples_for(self, key: str) -> dict[str, str]:
        return {**self.samples, **self.route_samples.get(key, {})}


def _attach_owner(retailer: Retailer, username: str, number: str):
    user = UserFactory(username=username, password=PASSWORD)
    Retailer.objects.filter(pk=retailer.pk).update(user=user, retailer_number=number)
    retailer.refresh_from_db()
    return user


@pytest.fixture
def world(alice, bob) -> World:
    category = CategoryFactory(name="Walk Candles", slug="walk-candles")
    product = ProductFactory(
        sku="WALK-1", name="Walk Candle", slug="walk-candle", category=category, stock=5
    )
    _attach_owner(alice, "alice-owner", "RW0000011")
    _attach_owner(bob, "bob-owner", "RW0000029")
    shopper = UserFactory(username="shopper-walk", password=PASSWORD)
    order = OrderFactory(
        number="SSW-ALICE-1",
        retailer=alice,
        status=Order.Status.PAID,
        email=ALICE_CUSTOMER_EMAIL,
        full_name="Alice Customer Secret",
        ship_line1="1 Secret Lane",
        subtotal=Decimal("10.00"),
        lines=[(product, 1)],
    )
    samples = {
        # generic
        "pk": str(order.pk),
        "id": str(order.pk),
        "order_id": str(order.pk),
        "object_id": str(order.pk),
        "number": order.number,
        "order_number": order.number,
        "slug": product.slug,
        "product_slug": product.slug,
        "category_slug": category.slug,
        "sku": product.sku,
        "app_label": "auth",
        "year": "2026",
        "month": "11",
        "content_type_id": "1",
        # privacy and marketing: bearer links; the walk uses forged ones (never valid)
        "version": "1.0",
        "notification_id": "1",
        "reference": "T-FORGED1",
        "token": "forged-token-0000",
        "session_id": "cs_forged_0000",
    }
    route_samples = {
        "tenant:c/<slug:slug>/": {"slug": category.slug},
        "public:c/<slug:slug>/": {"slug": category.slug},  # the company site sells too
        # Shop information pages (Shipping, Returns, Terms) are seeded by a migration.
        "public:help/<slug:slug>/": {"slug": "shipping"},
        "tenant:help/<slug:slug>/": {"slug": "returns"},
    }
    return World(alice, bob, shopper, product, category, order, samples, route_samples)


def _backoffice_sign_in(client: Client, retailer: Retailer) -> None:
    """What the back-office sign-in leaves in the session (Retailer ID + password checked)."""
    from retailers.decorators import SESSION_RETAILER, SESSION_SEEN

    client.force_login(retailer.user, backend="retailers.backends.RetailerBackend")
    session = client.session
    session[SESSION_RETAILER] = retailer.pk
    session[SESSION_SEEN] = int(time.time())
    session.save()


@pytest.fixture
def role_clients(world) -> dict[str, Client]:
    # A view that crashes answers 500 here (as in production) instead of raising.
    clients = {role: Client(raise_request_exception=False) for role in ROLES}
    clients["shopper"].force_login(world.shopper)
    _backoffice_sign_in(clients["retailer"], world.alice)
    _backoffice_sign_in(clients["other_retailer"], world.bob)
    return clients
