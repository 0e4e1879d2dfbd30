"""The database enforces the money invariants (issue 12 item 7)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from orders.models import Order, OrderLine
from storefront.models import Product
from tests.conftest import COMPANY_HOST
from tests.factories import OrderFactory, OrderLineFactory
from tests.uploads import variant_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def order(alice) -> Order:
    return OrderFactory(
        retailer=alice, subtotal=Decimal("10.00"), shipping=Decimal("0.00"), refunded_amount=0
    )


def _refused(queryset, **changes) -> None:
    with pytest.raises(IntegrityError), transaction.atomic():
        queryset.update(**changes)


@pytest.mark.parametrize(
    "changes",
    [
        {"subtotal": Decimal("-0.01")},
        {"shipping": Decimal("-1")},
        {"total": Decimal("-1"), "subtotal": Decimal("0"), "refunded_amount": Decimal("-2")},
        {"refunded_amount": Decimal("-0.01")},
        {"refunded_amount": Decimal("10.01")},
        {"currency": "EUR"},
    ],
)
def test_order_money_invariants_hold_in_the_database(order, changes):
    _refused(Order.objects.filter(pk=order.pk), **changes)
    order.refresh_from_db()
    assert (order.total, order.refunded_amount, order.currency) == (Decimal("10.00"), 0, "USD")


def test_refunding_exactly_the_total_is_allowed(order):
    Order.objects.filter(pk=order.pk).update(refunded_amount=Decimal("10.00"))


@pytest.mark.parametrize("changes", [{"quantity": 0}, {"unit_price": Decimal("-0.01")}])
def test_order_line_invariants_hold_in_the_database(order, candle, changes):
    line = OrderLineFactory(order=order, product=candle, unit_price=Decimal("1.00"))
    _refused(OrderLine.objects.filter(pk=line.pk), **changes)


@pytest.mark.parametrize("changes", [{"price": Decimal("-1")}, {"currency": "EUR"}])
def test_product_money_invariants_hold_in_the_database(candle, changes):
    _refused(Product.objects.filter(pk=candle.pk), **changes)


def test_admin_refuses_a_non_usd_product_with_a_clear_message(client, company, candle):
    staff = get_user_model().objects.create_superuser("staff", "staff@example.com", "pw-x-123")
    client.force_login(staff)
    url = f"/admin/storefront/product/{candle.pk}/change/"
    data = {
        "sku": candle.sku,
        "name": candle.name,
        "slug": candle.slug,
        "description": "",
        "category": candle.category_id,
        "currency": "EUR",
        "tax_category": "taxable",
        "active": "on",
        **variant_rows(candle),
        "images-TOTAL_FORMS": "0",
        "images-INITIAL_FORMS": "0",
        "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    response = client.post(url, data, HTTP_HOST=COMPANY_HOST)
    assert response.status_code == 200
    assert "This shop sells in US dollars only: set the currency to USD." in response.text
    candle.refresh_from_db()
    assert candle.currency == "USD"
    data["currency"] = "USD"
    data["variants-0-price"] = "21.00"  # the price is the variant's; the product shows it
    assert client.post(url, data, HTTP_HOST=COMPANY_HOST).status_code == 302
    candle.refresh_from_db()
    assert candle.price == Decimal("21.00")
