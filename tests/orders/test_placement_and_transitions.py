"""Placing an order (amounts from the catalog, stock reserved) and the guarded status flow."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest

from orders.models import Order, OrderEvent, OrderLine
from orders.services import (
    TRANSITIONS,
    CheckoutError,
    OrderTransitionError,
    order_place,
    order_ship,
    order_transition,
)
from tests.catalog import variant_of
from tests.factories import CustomerDetailsFactory

pytestmark = pytest.mark.django_db

CUSTOMER = CustomerDetailsFactory()


def test_amounts_come_from_the_catalog_with_flat_shipping(alice, candle, vase):
    order = order_place(
        items=[(variant_of(candle).pk, 1), (variant_of(vase).pk, 1)],
        retailer=alice,
        customer=CUSTOMER,
    )
    assert order.subtotal == Decimal("64.99")
    assert order.shipping == Decimal("7.95")
    assert order.total == Decimal("72.94")
    assert order.retailer == alice
    lines = list(OrderLine.objects.filter(order=order).values_list("sku", "unit_price", "quantity"))
    assert lines == [("CANDLE-1", Decimal("19.99"), 1), ("VASE-1", Decimal("45.00"), 1)]
    candle.refresh_from_db()
    vase.refresh_from_db()
    assert (candle.stock, vase.stock) == (9, 2)


def test_shipping_is_free_from_the_threshold(alice, candle, vase):
    order = order_place(
        items=[(variant_of(candle).pk, 2), (variant_of(vase).pk, 1)],
        retailer=alice,
        customer=CUSTOMER,
    )
    assert order.subtotal == Decimal("84.98")
    assert order.shipping == Decimal("0.00")
    assert order.total == Decimal("84.98")


def test_shipping_rates_come_from_the_methods_staff_edit(alice, candle, vase):
    from orders.models import ShippingMethod

    ShippingMethod.objects.filter(code="standard").update(
        price=Decimal("5.00"), free_above=Decimal("1000.00")
    )
    order = order_place(
        items=[(variant_of(candle).pk, 2), (variant_of(vase).pk, 1)],
        retailer=alice,
        customer=CUSTOMER,
    )
    assert order.shipping == Decimal("5.00")
    assert (order.shipping_method.code, order.shipping_method_name) == ("standard", "Standard")
    assert order.total == Decimal("89.98")


def test_repeated_lines_for_one_product_are_merged(alice, candle):
    order = order_place(
        items=[(variant_of(candle).pk, 1), (variant_of(candle).pk, 2)],
        retailer=alice,
        customer=CUSTOMER,
    )
    assert list(order.lines.values_list("quantity", flat=True)) == [3]


def test_order_numbers_are_human_friendly_and_unique(alice, candle):
    numbers = {
        order_place(items=[(variant_of(candle).pk, 1)], retailer=alice, customer=CUSTOMER).number
        for _ in range(5)
    }
    assert len(numbers) == 5
    for number in numbers:
        assert re.fullmatch(r"SS-[2-9A-HJKMNP-TV-Z]{4}-[2-9A-HJKMNP-TV-Z]{4}", number)


def test_not_enough_stock_is_refused_and_nothing_is_reserved(alice, candle, vase):
    with pytest.raises(CheckoutError) as err:
        order_place(
            items=[(variant_of(candle).pk, 1), (variant_of(vase).pk, 4)],
            retailer=alice,
            customer=CUSTOMER,
        )
    assert err.value.code == CheckoutError.Code.OUT_OF_STOCK
    assert err.value.products == ["Product VASE-1"]
    candle.refresh_from_db()
    vase.refresh_from_db()
    assert (candle.stock, vase.stock) == (10, 3)
    assert Order.objects.count() == 0


def test_inactive_or_unknown_products_are_refused(alice, make_product):
    retired = make_product(sku="OLD-1", price="5.00", active=False)
    with pytest.raises(CheckoutError) as err:
        order_place(items=[(variant_of(retired).pk, 1)], retailer=alice, customer=CUSTOMER)
    assert err.value.code == CheckoutError.Code.UNAVAILABLE
    with pytest.raises(CheckoutError):
        order_place(items=[(999999, 1)], retailer=alice, customer=CUSTOMER)
    assert Order.objects.count() == 0


@pytest.mark.parametrize("items", [[], [(1, 0)], [(1, -2)], [(1, 100)]])
def test_empty_cart_or_bad_quantities_are_refused(alice, items):
    with pytest.raises(CheckoutError):
        order_place(items=items, retailer=alice, customer=CUSTOMER)
    assert Order.objects.count() == 0


def test_the_company_site_takes_orders_with_or_without_a_helper(company, alice, candle):
    kept = order_place(items=[(variant_of(candle).pk, 1)], retailer=company, customer=CUSTOMER)
    helped = order_place(
        items=[(variant_of(candle).pk, 1)], retailer=company, customer=CUSTOMER, helped_by=alice
    )
    assert (kept.retailer, kept.helped_by) == (company, None)
    assert (helped.retailer, helped.helped_by) == (company, alice)


def test_only_the_company_site_names_a_helper_and_only_an_active_retailer(
    company, alice, bob, candle
):
    items = [(variant_of(candle).pk, 1)]
    for retailer, helper in ((alice, bob), (company, company)):
        with pytest.raises(CheckoutError) as err:
            order_place(items=items, retailer=retailer, customer=CUSTOMER, helped_by=helper)
        assert err.value.code == CheckoutError.Code.HELPER
    bob.status = bob.Status.SUSPENDED
    with pytest.raises(CheckoutError) as err:
        order_place(items=items, retailer=company, customer=CUSTOMER, helped_by=bob)
    assert err.value.code == CheckoutError.Code.HELPER
    assert Order.objects.count() == 0


def test_placing_writes_the_first_event(alice, candle):
    order = order_place(items=[(variant_of(candle).pk, 1)], retailer=alice, customer=CUSTOMER)
    (event,) = OrderEvent.objects.filter(order=order)
    assert (event.from_status, event.to_status, event.actor) == ("", "pending_payment", "shopper")


def test_every_allowed_transition_writes_an_event(alice, candle):
    order = order_place(items=[(variant_of(candle).pk, 1)], retailer=alice, customer=CUSTOMER)
    order = order_transition(order_id=order.pk, to_status="paid", actor="test")
    order = order_transition(order_id=order.pk, to_status="shipped", actor="staff:1")
    order = order_transition(order_id=order.pk, to_status="refunded", actor="staff:1")
    assert order.status == "refunded"
    assert list(OrderEvent.objects.filter(order=order).values_list("from_status", "to_status")) == [
        ("", "pending_payment"),
        ("pending_payment", "paid"),
        ("paid", "shipped"),
        ("shipped", "refunded"),
    ]


@pytest.mark.parametrize(
    "from_status,to_status",
    [
        ("pending_payment", "shipped"),
        ("pending_payment", "refunded"),
        ("paid", "canceled"),
        ("paid", "pending_payment"),
        ("shipped", "paid"),
        ("canceled", "paid"),
        ("refunded", "shipped"),
    ],
)
def test_illegal_transition_is_refused_and_nothing_changes(alice, candle, from_status, to_status):
    assert to_status not in TRANSITIONS[from_status]
    order = order_place(items=[(variant_of(candle).pk, 1)], retailer=alice, customer=CUSTOMER)
    Order.objects.filter(pk=order.pk).update(status=from_status)
    events = OrderEvent.objects.count()
    with pytest.raises(OrderTransitionError):
        order_transition(
            order_id=order.pk, to_status=to_status, actor="test", changes={"carrier": "UPS"}
        )
    order.refresh_from_db()
    candle.refresh_from_db()
    assert order.status == from_status
    assert order.carrier == ""
    assert OrderEvent.objects.count() == events
    assert candle.stock == 9


def test_shipping_an_unpaid_order_is_refused_and_sends_nothing(alice, candle, mailoutbox):
    order = order_place(items=[(variant_of(candle).pk, 1)], retailer=alice, customer=CUSTOMER)
    with pytest.raises(OrderTransitionError):
        order_ship(order_id=order.pk, carrier="UPS", tracking_number="1Z999", actor="staff:1")
    order.refresh_from_db()
    assert (order.status, order.carrier, order.tracking_number) == ("pending_payment", "", "")
    from shopsocial.mail.models import OutboundEmail

    assert OutboundEmail.objects.count() == 0


def test_canceling_releases_the_reserved_stock(alice, candle, vase):
    order = order_place(
        items=[(variant_of(candle).pk, 4), (variant_of(vase).pk, 3)],
        retailer=alice,
        customer=CUSTOMER,
    )
    candle.refresh_from_db()
    assert candle.stock == 6
    order_transition(order_id=order.pk, to_status="canceled", actor="test")
    candle.refresh_from_db()
    vase.refresh_from_db()
    assert (candle.stock, vase.stock) == (10, 3)
