"""Checkout money through Stripe (real `stripe` library, fake HTTP client): the discount as
a coupon, the chosen method as the shipping option, Stripe Tax recorded per order and line;
and the totals on the shopper's order page and the retailer's back office."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import override_settings

from orders.discounts.models import DiscountCode
from orders.models import Order
from tests.conftest import ALICE_HOST, COMPANY_HOST

from .conftest import CHECKOUT_FORM, cart_fill, checkout_post, session_event, signed_event_post
from .test_stripe_gateway import STRIPE_WEBHOOK_SECRET, fake_stripe  # noqa: F401

pytestmark = pytest.mark.django_db
D = Decimal


@override_settings(TAX_NEXUS_STATES=["TX"])
def test_code_and_express_reach_stripe_and_stripe_tax_is_recorded_per_line(
    client,
    alice,
    candle,
    vase,
    fake_stripe,  # noqa: F811
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    DiscountCode.objects.create(code="TENOFF", kind="fixed", value=D("10.00"))
    cart_fill(client, {candle: 2, vase: 1})
    client.post("/cart/discount/", {"code": "TENOFF"}, HTTP_HOST=ALICE_HOST)
    checkout_post(client, {**CHECKOUT_FORM, "shipping_method": "express"})
    order = Order.objects.get()
    # Our estimate: (84.98 - 10.00) x 6.25 % = 4.68625 -> 4.69 (lines 2.35 + 2.34)
    assert (order.tax_engine, order.tax, order.total) == ("stripe_tax", D("4.69"), D("99.62"))

    customer, coupon, session_call = fake_stripe.requests
    assert coupon["path"] == "/v1/coupons"
    assert (coupon["params"]["amount_off"], coupon["params"]["name"]) == ("1000", "TENOFF")
    assert coupon["params"]["duration"] == "once"
    params = session_call["params"]
    assert params["discounts[0][coupon]"] == "co_1"
    rate = "shipping_options[0][shipping_rate_data]"
    assert params[f"{rate}[display_name]"] == "Express"
    assert params[f"{rate}[fixed_amount][amount]"] == "1995"
    assert params[f"{rate}[delivery_estimate][maximum][value]"] == "2"
    assert params[f"{rate}[tax_behavior]"] == "exclusive"
    assert params["line_items[0][price_data][product_data][tax_code]"] == "txcd_99999999"
    assert "shipping_options[1][shipping_rate_data][display_name]" not in params

    # Stripe computed 6.19 (it taxes differently): the order records Stripe's figures.
    session = fake_stripe.sessions["cs_test_1"]
    session["total_details"]["amount_tax"] = 619
    session["amount_total"] = 8498 - 1000 + 1995 + 619
    session["line_items"] = {"object": "list", "data": [{"amount_tax": 310}, {"amount_tax": 309}]}
    fake_stripe.pay("cs_test_1")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_event_post(
            client,
            session_event("evt_paid", "checkout.session.completed", "cs_test_1"),
            secret=STRIPE_WEBHOOK_SECRET,
        )
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert (order.tax, order.total) == (D("6.19"), D("101.12"))
    assert list(order.lines.values_list("tax", flat=True)) == [D("3.10"), D("3.09")]
    assert order.events.get(to_status="paid").message.endswith(
        "tax 6.19 as computed by the gateway"
    )
    (mail,) = mailoutbox
    assert "Sales tax  $6.19" in mail.body and "Total  $101.12 USD" in mail.body


@override_settings(TAX_NEXUS_STATES=["TX"])
def test_a_pre_tax_mismatch_with_stripe_leaves_the_order_pending(
    client,
    alice,
    candle,
    fake_stripe,  # noqa: F811
):
    cart_fill(client, {candle: 1})
    checkout_post(client)
    session = fake_stripe.sessions["cs_test_1"]
    session["amount_total"] += 100  # Stripe charged a dollar more than items + shipping + tax
    fake_stripe.pay("cs_test_1")
    signed_event_post(
        client,
        session_event("evt_paid", "checkout.session.completed", "cs_test_1"),
        secret=STRIPE_WEBHOOK_SECRET,
    )
    order = Order.objects.get()
    assert order.status == Order.Status.PENDING_PAYMENT
    assert order.events.filter(message__startswith="Amount mismatch").count() == 1


@override_settings(TAX_NEXUS_STATES=["TX"])
def test_order_pages_show_discount_shipping_tax_and_commission_base(
    client, alice, candle, django_capture_on_commit_callbacks
):
    from django.contrib.auth import get_user_model

    from orders.gateways import offline
    from tests.retailers.conftest import sign_in

    DiscountCode.objects.create(code="TENOFF", kind="fixed", value=D("10.00"))
    user = get_user_model().objects.create_user(
        "sam@example.com", "sam@example.com", "pw-sam-12345"
    )
    client.force_login(user)
    cart_fill(client, {candle: 2})
    client.post("/cart/discount/", {"code": "TENOFF"}, HTTP_HOST=ALICE_HOST)
    with django_capture_on_commit_callbacks(execute=True):
        checkout_post(client, {**CHECKOUT_FORM, "shipping_method": "express"})
        order = Order.objects.get()
        offline.offline_session_settle(session_id=order.checkout_session_id, pay=True)
    order.refresh_from_db()
    # 39.98 - 10.00 = 29.98; tax 6.25 % = 1.87375 -> 1.87; + 19.95 = 51.80
    assert (order.tax, order.total, order.commission_base) == (D("1.87"), D("51.80"), D("29.98"))
    mine = client.get(f"/account/orders/{order.number}/", HTTP_HOST=ALICE_HOST).text
    for text in (
        "Discount (TENOFF)",
        "−$10.00",
        "Shipping (Express)",
        "Sales tax",
        "$1.87",
        "$51.80",
    ):
        assert text in mine

    client.logout()
    from retailers.models import Retailer
    from tests.retailers.conftest import _attach_login

    owner = _attach_login(Retailer.objects.get(pk=alice.pk), "alice", "123-45-6789")
    sign_in(client, owner)
    office = client.get(f"/backoffice/orders/{order.pk}/", HTTP_HOST=COMPANY_HOST).text
    for text in ("Discount (TENOFF)", "Sales tax", "$1.87", "$51.80", "Commission base", "$29.98"):
        assert text in office
