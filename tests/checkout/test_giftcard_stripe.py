"""A gift card with Stripe Checkout: the real stripe library, a fake HTTP client.

Stripe Checkout takes one tender, so an order partly paid by gift card becomes one
"balance due" line (no coupon: the card is not a discount; no automatic tax: the shop
taxed the goods), and refunds send only the card-paid-by-card part to Stripe.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders.models import Order
from orders.services import order_refund
from tests.orders.conftest import (
    CHECKOUT_FORM,
    cart_fill,
    checkout_post,
    session_event,
    signed_event_post,
)
from tests.orders.test_stripe_gateway import STRIPE_WEBHOOK_SECRET, FakeStripeHTTP
from tests.orders.test_stripe_gateway import fake_stripe as _fake_stripe  # noqa: F401

pytestmark = pytest.mark.django_db


class BalanceFakeStripe(FakeStripeHTTP):
    """The orders fake, also answering a session without a shipping option."""

    def _session_create(self, params: dict) -> dict:
        params.setdefault("shipping_options[0][shipping_rate_data][fixed_amount][amount]", "0")
        return super()._session_create(params)


@pytest.fixture
def fake_stripe(_fake_stripe, monkeypatch):  # noqa: F811
    from orders.gateways.stripe import StripeGateway

    fake = BalanceFakeStripe()
    fake.tax_rate = _fake_stripe.tax_rate
    monkeypatch.setattr(StripeGateway, "default_http_client", staticmethod(lambda: fake))
    return fake


def test_stripe_charges_one_balance_line_without_coupon_or_automatic_tax(
    client, alice, candle, card25, fake_stripe, django_capture_on_commit_callbacks
):
    cart_fill(client, {candle: 2})  # 39.98 + 7.95 = 47.93, TX untaxed by the table here
    response = checkout_post(client, {**CHECKOUT_FORM, "gift_code": card25.code})
    assert response.status_code == 303
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    order = Order.objects.get()
    assert order.tax_engine == "rate_table"  # Stripe Tax cannot tax a partial payment
    assert (order.giftcard_amount, order.amount_due) == (Decimal("25.00"), Decimal("22.93"))
    paths = [r["path"] for r in fake_stripe.requests]
    assert paths == ["/v1/customers", "/v1/checkout/sessions"]  # no coupon
    params = fake_stripe.requests[-1]["params"]
    assert params["line_items[0][price_data][unit_amount]"] == "2293"
    assert params["line_items[0][quantity]"] == "1"
    assert params["line_items[0][price_data][product_data][name]"] == (
        f"Order {order.number}: balance after gift card"
    )
    assert params["line_items[0][price_data][product_data][tax_code]"] == "txcd_00000000"
    assert "line_items[1][quantity]" not in params
    assert "shipping_options[0][shipping_rate_data][display_name]" not in params
    assert params["automatic_tax[enabled]"] == "false"
    assert fake_stripe.sessions["cs_test_1"]["amount_total"] == 2293

    fake_stripe.pay("cs_test_1")
    with django_capture_on_commit_callbacks(execute=True):
        signed_event_post(
            client,
            session_event("evt_1", "checkout.session.completed", "cs_test_1"),
            secret=STRIPE_WEBHOOK_SECRET,
        )
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.tax == Decimal("0.00")

    order = order_refund(order_id=order.pk, amount=Decimal("10.00"), actor="staff:1")
    refund_call = fake_stripe.requests[-1]
    assert refund_call["path"] == "/v1/refunds"
    # 10.00 split as paid: 5.22 back to the card (25.00 / 47.93), 4.78 through Stripe
    assert refund_call["params"]["amount"] == "478"
    assert (order.refunded_amount, order.giftcard_refunded) == (Decimal("10.00"), Decimal("5.22"))
    card25.refresh_from_db()
    assert card25.balance == Decimal("5.22")
    # Then 5.00 more is refunded in Stripe's dashboard: its event reports Stripe's own
    # cumulative 9.78, and the order adds the card's 5.22 to it.
    fake_stripe.refund_in_dashboard("pi_test_1", 500)
    charge = {
        "id": "evt_dash",
        "type": "charge.refunded",
        "data": {"object": {"payment_intent": "pi_test_1", "amount_refunded": 978}},
    }
    assert signed_event_post(client, charge, secret=STRIPE_WEBHOOK_SECRET).status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert (order.refunded_amount, order.giftcard_refunded) == (Decimal("15.00"), Decimal("5.22"))


def test_a_stripe_order_the_card_covers_never_calls_stripe(
    client, alice, candle, card100, fake_stripe
):
    cart_fill(client, {candle: 2})
    response = checkout_post(client, {**CHECKOUT_FORM, "gift_code": card100.code})
    assert response.status_code == 303
    assert "/checkout/success/?session_id=gc_" in response["Location"]
    assert fake_stripe.requests == []
    assert Order.objects.get().status == Order.Status.PAID
