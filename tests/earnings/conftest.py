"""Earnings fixtures: retailers with logins and tax IDs, orders paid through the order flow."""

from __future__ import annotations

from decimal import Decimal
from itertools import count

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from orders.models import Order
from orders.services.transitions import order_transition
from retailers import crypto
from retailers.earnings.models import CommissionPlan, LevelRate
from retailers.models import Retailer
from storefront.models import Category, Product
from tests.factories import CategoryFactory, OrderFactory, ProductFactory

PASSWORD = "Correct-Horse-Battery-42"
_numbers = count(1)


def with_login(retailer: Retailer, username: str, *, ssn: str | None = "123456789") -> Retailer:
    user = get_user_model().objects.create_user(username, f"{username}@example.com", PASSWORD)
    fields = {
        "user": user,
        "legal_name": f"{username.title()} Example",
        "email": f"{username}@example.com",
        "address_line1": "1 Main St",
        "tax_id_kind": "",
        "tax_id_encrypted": "",
        "tax_id_last4": "",
    }
    if ssn:
        fields.update(
            tax_id_kind="ssn", tax_id_encrypted=crypto.encrypt(ssn), tax_id_last4=ssn[-4:]
        )
    Retailer.objects.filter(pk=retailer.pk).update(**fields)
    retailer.refresh_from_db()
    return retailer


@pytest.fixture
def plan(db) -> CommissionPlan:
    """The plan in force: 20 % for retailers, 25 % for seniors (replaces the seeded one)."""
    CommissionPlan.objects.all().delete()
    plan = CommissionPlan.objects.create(name="Test plan", effective_from="2020-01-01")
    LevelRate.objects.create(plan=plan, level="retailer", rate=Decimal("20"))
    LevelRate.objects.create(plan=plan, level="senior", rate=Decimal("25"))
    return plan


@pytest.fixture
def candles(db) -> Category:
    return CategoryFactory(name="Earn Candles", slug="earn-candles")


@pytest.fixture
def soaps(db) -> Category:
    return CategoryFactory(name="Earn Soaps", slug="earn-soaps")


def product(category: Category, price: str, sku: str | None = None) -> Product:
    sku = sku or f"EARN-{next(_numbers)}"
    return ProductFactory(sku=sku, name=sku, category=category, price=Decimal(price), stock=100)


def order_pending(
    retailer: Retailer,
    lines: list[tuple[Product, int]],
    *,
    email: str = "pat@example.com",
    full_name: str = "Pat Buyer",
    shipping: str = "7.95",
    customer=None,
) -> Order:
    subtotal = sum((p.price * q for p, q in lines), Decimal("0"))
    return OrderFactory(
        number=f"SS-EARN-{next(_numbers):04d}",
        retailer=retailer,
        status=Order.Status.PENDING_PAYMENT,
        customer=customer,
        email=email,
        full_name=full_name,
        ship_line1="2 Elm St",
        ship_city="Dallas",
        ship_postal_code="75201",
        subtotal=subtotal,
        shipping=Decimal(shipping),
        lines=lines,
    )


def pay(order: Order) -> Order:
    return order_transition(
        order_id=order.pk,
        to_status=Order.Status.PAID,
        actor="test",
        changes={"paid_at": timezone.now()},
    )


def paid_order(retailer: Retailer, lines, **kwargs) -> Order:
    return pay(order_pending(retailer, lines, **kwargs))
