"""Property-based tests of checkout money (hypothesis): over carts, codes, shipping methods
and destinations, totals add up, are never negative, and equal what the gateway is asked
to charge — through the real `stripe` library with the fake HTTP client — and refunds
never exceed what was paid."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.discounts.models import DiscountCode
from orders.gateways.stripe import StripeGateway
from orders.models import Order, ShippingMethod
from orders.services import CustomerDetails, checkout_session_start, order_place
from orders.services.fulfilment import order_refund_record
from orders.services.money import from_minor, to_minor
from orders.services.payment import order_payment_sync
from orders.tax.engines import SHIPPING_STATES, Destination, RateTableEngine
from orders.tax.models import TaxRateOverride
from orders.totals import PricedItem, totals_calculate
from storefront.models import Category, Product
from tests.catalog import variant_of
from tests.factories import CustomerDetailsFactory, ProductFactory

from .test_stripe_gateway import FakeStripeHTTP

pytestmark = pytest.mark.django_db

D = Decimal
NEXUS = ["CA", "TX", "NY", "WA", "TN"]
# Each example of the database-backed properties places real orders: fewer examples.
DB_HYPOTHESIS = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
HYPOTHESIS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

money = st.decimals(min_value=D("0.01"), max_value=D("500.00"), places=2)
items_strategy = st.lists(
    st.tuples(money, st.integers(min_value=1, max_value=99), st.booleans()), min_size=1, max_size=5
)
discounts = st.one_of(
    st.none(),
    st.tuples(st.just("percent"), st.decimals(min_value=D("1"), max_value=D("100"), places=0)),
    st.tuples(st.just("fixed"), st.decimals(min_value=D("0.01"), max_value=D("1000"), places=2)),
)
destinations = st.tuples(
    st.sampled_from(sorted(SHIPPING_STATES)), st.sampled_from(["", "92693", "10001", "98101"])
)
methods = st.sampled_from(["standard", "express"])


def _discount_amount(discount, merchandise: Decimal) -> Decimal:
    if discount is None:
        return D("0")
    kind, value = discount
    code = DiscountCode(code="P", kind=kind, value=value)
    from orders.discounts.selectors import discount_amount_for

    return discount_amount_for(code=code, merchandise=merchandise)


@override_settings(TAX_NEXUS_STATES=NEXUS)
@HYPOTHESIS
@given(lines=items_strategy, discount=discounts, destination=destinations, method=methods)
def test_totals_add_up_and_are_never_negative(lines, discount, destination, method):
    TaxRateOverride.objects.get_or_create(
        zip_prefix="926", defaults={"state": "CA", "rate": D("7.75")}
    )
    items = [
        PricedItem(n, f"S{n}", f"P{n}", price, qty, taxable)
        for n, (price, qty, taxable) in enumerate(lines)
    ]
    merchandise = sum((i.merchandise for i in items), start=D("0"))
    totals = totals_calculate(
        items=items,
        shipping_method=ShippingMethod.objects.get(code=method),
        discount_amount=_discount_amount(discount, merchandise),
        destination=Destination(*destination),
        tax_engine=RateTableEngine(),
    )
    assert totals.total == totals.merchandise - totals.discount + totals.shipping + totals.tax
    assert min(totals.merchandise, totals.discount, totals.shipping, totals.tax, totals.total) >= 0
    assert totals.discount <= totals.merchandise
    assert sum(line.discount for line in totals.lines) == totals.discount
    assert sum(line.tax for line in totals.lines) == totals.tax
    assert all(line.net >= 0 for line in totals.lines)
    assert totals.commission_base == totals.merchandise - totals.discount
    for amount in (totals.total, totals.tax, totals.discount):
        assert amount == amount.quantize(D("0.01"))
    if destination[0] not in NEXUS:
        assert totals.tax == 0


_counter = iter(range(10**6))


def _products(lines) -> list[tuple[Product, int]]:
    category, _ = Category.objects.get_or_create(slug="prop", defaults={"name": "Prop"})
    made = []
    for price, quantity, taxable in lines:
        n = next(_counter)
        product = ProductFactory(
            sku=f"PROP-{n}",
            name=f"Prop {n}",
            slug=f"prop-{n}",
            category=category,
            price=price,
            stock=quantity,
            tax_category="taxable" if taxable else "exempt",
        )
        made.append((product, quantity))
    return made


def _customer(state: str, zip_code: str) -> CustomerDetails:
    return CustomerDetailsFactory(
        email="prop@example.com",
        full_name="Prop Shopper",
        ship_city="Somewhere",
        ship_state=state,
        ship_postal_code=zip_code or "00000",
    )


def _code(discount) -> str:
    if discount is None:
        return ""
    code = f"PROP{next(_counter)}"
    DiscountCode.objects.create(code=code, kind=discount[0], value=discount[1])
    return code


@override_settings(TAX_NEXUS_STATES=NEXUS)
@DB_HYPOTHESIS
@given(lines=items_strategy, discount=discounts, destination=destinations, method=methods)
def test_the_offline_gateway_is_asked_for_exactly_the_total(
    alice, lines, discount, destination, method
):
    from orders.models import OfflineCheckoutSession

    made = _products(lines)
    order = order_place(
        items=[(variant_of(p).pk, q) for p, q in made],
        retailer=alice,
        customer=_customer(*destination),
        shipping_method_code=method,
        discount_code=_code(discount),
    )
    checkout_session_start(order=order)
    session = OfflineCheckoutSession.objects.get(session_id=order.checkout_session_id)
    assert session.amount_total == to_minor(order.total)
    assert session.amount_total == sum(i["unit_amount"] * i["quantity"] for i in session.line_items)
    assert session.amount_tax == to_minor(order.tax)


@DB_HYPOTHESIS
@given(
    lines=items_strategy,
    discount=discounts,
    destination=destinations,
    method=methods,
    stripe_rate=st.decimals(min_value=D("0"), max_value=D("12"), places=3),
)
def test_stripe_is_asked_for_the_same_pre_tax_total_and_the_order_records_its_tax(
    alice, monkeypatch, lines, discount, destination, method, stripe_rate
):
    fake = FakeStripeHTTP()
    fake.tax_rate = stripe_rate
    monkeypatch.setattr(StripeGateway, "default_http_client", staticmethod(lambda: fake))
    with override_settings(
        STRIPE_SECRET_KEY="sk_test_fake",
        TAX_ENGINE="stripe_tax",
        STRIPE_WEBHOOK_SECRET="whsec_x",
        TAX_NEXUS_STATES=NEXUS,
    ):
        made = _products(lines)
        order = order_place(
            items=[(variant_of(p).pk, q) for p, q in made],
            retailer=alice,
            customer=_customer(*destination),
            shipping_method_code=method,
            discount_code=_code(discount),
        )
        assert order.tax_engine == "stripe_tax"
        checkout_session_start(order=order)
        session = fake.sessions[order.checkout_session_id]
        stripe_tax = session["total_details"]["amount_tax"]
        # What Stripe was asked to charge before its own tax is our total before tax.
        assert session["amount_total"] - stripe_tax == to_minor(order.total - order.tax)
        assert session["total_details"]["amount_discount"] == to_minor(order.discount)
        assert session["total_details"]["amount_shipping"] == to_minor(order.shipping)
        fake.pay(order.checkout_session_id, payment_intent=f"pi_{order.pk}")
        order = order_payment_sync(order=order)
    assert order.status == Order.Status.PAID
    assert order.tax == from_minor(stripe_tax)
    assert to_minor(order.total) == session["amount_total"]
    assert order.total == order.subtotal - order.discount + order.shipping + order.tax
    assert min(order.total, order.tax, order.discount, order.shipping) >= 0


@override_settings(TAX_NEXUS_STATES=NEXUS)
@DB_HYPOTHESIS
@given(
    lines=items_strategy,
    destination=destinations,
    refunds=st.lists(st.integers(min_value=1, max_value=100_000), min_size=1, max_size=6),
)
def test_refunds_never_exceed_what_was_paid_and_split_tax_in_proportion(
    alice, lines, destination, refunds
):
    made = _products(lines)
    order = order_place(
        items=[(variant_of(p).pk, q) for p, q in made],
        retailer=alice,
        customer=_customer(*destination),
    )
    Order.objects.filter(pk=order.pk).update(status=Order.Status.PAID, hold_expires_at=None)
    refunded = D("0")
    for cents in refunds:
        refunded = min(order.total, refunded + from_minor(cents))
        order = order_refund_record(order_id=order.pk, refunded_total=refunded, actor="prop")
        assert D("0") <= order.refunded_amount <= order.total
        assert D("0") <= order.refunded_tax <= order.tax
    order = order_refund_record(order_id=order.pk, refunded_total=order.total, actor="prop")
    assert (order.refunded_amount, order.refunded_tax) == (order.total, order.tax)
