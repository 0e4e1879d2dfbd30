"""The Stripe adapter through the real `stripe` library, with a fake HTTP client (no network)."""

from __future__ import annotations

import json
import time
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qsl, urlparse

import pytest
import stripe
from django.test import override_settings

from orders.gateways.stripe import StripeGateway
from orders.models import Order, OrderEvent, WebhookEvent
from orders.services import RefundError, order_refund
from tests.conftest import ALICE_HOST

from .conftest import cart_fill, checkout_post, session_event, signed_event_post

pytestmark = pytest.mark.django_db

STRIPE_WEBHOOK_SECRET = "whsec_stripe_test_secret"


class FakeStripeHTTP(stripe.HTTPClient):
    """Answers like api.stripe.com for the calls the adapter makes, and records them."""

    name = "fake"

    def __init__(self) -> None:
        super().__init__()
        self.requests: list[dict] = []
        self.sessions: dict[str, dict] = {}
        self.intents: dict[str, dict] = {}  # payment intents, their latest charge expanded
        self.coupons: dict[str, dict] = {}
        self.customers: dict[str, dict] = {}
        self.fail_next: int = 0
        # Stripe Tax, as this fake computes it: a flat rate on merchandise after discount.
        self.tax_rate = Decimal("8.25")

    def request(self, method, url, headers, post_data=None, **kwargs):
        params = dict(parse_qsl(post_data or "", keep_blank_values=True))
        path = urlparse(url).path
        self.requests.append(
            {"method": method, "path": path, "headers": dict(headers), "params": params}
        )
        if self.fail_next:
            self.fail_next -= 1
            return json.dumps({"error": {"type": "api_error", "message": "boom"}}), 500, {}
        if method == "post" and path == "/v1/checkout/sessions":
            return self._json(self._session_create(params))
        if method == "post" and path == "/v1/customers":
            customer = {"id": f"cus_{len(self.customers) + 1}", "object": "customer"}
            self.customers[customer["id"]] = params
            return self._json(customer)
        if method == "post" and path == "/v1/coupons":
            coupon = {
                "id": f"co_{len(self.coupons) + 1}",
                "object": "coupon",
                "amount_off": int(params["amount_off"]),
            }
            self.coupons[coupon["id"]] = coupon
            return self._json(coupon)
        if method == "post" and path.endswith("/expire"):
            session = self.sessions.get(path.split("/")[-2])
            if session is None or session["status"] != "open":
                return json.dumps({"error": {"type": "invalid_request_error"}}), 400, {}
            session["status"] = "expired"
            return self._json(session)
        if method == "get" and path.startswith("/v1/checkout/sessions/"):
            session = self.sessions.get(path.rsplit("/", 1)[1])
            if session is None:
                return json.dumps({"error": {"type": "invalid_request_error"}}), 404, {}
            return self._json(session)
        if method == "get" and path.startswith("/v1/payment_intents/"):
            intent = self.intents.get(path.rsplit("/", 1)[1])
            if intent is None:
                return json.dumps({"error": {"type": "invalid_request_error"}}), 404, {}
            return self._json(intent)
        if method == "post" and path == "/v1/refunds":
            intent = self.intents[params["payment_intent"]]
            intent["latest_charge"]["amount_refunded"] += int(params["amount"])
            return self._json(
                {
                    "id": f"re_{len(self.requests)}",
                    "object": "refund",
                    "amount": int(params["amount"]),
                    "payment_intent": params["payment_intent"],
                    "status": "succeeded",
                }
            )
        raise AssertionError(f"unexpected Stripe call {method} {path}")

    def close(self):
        pass

    @staticmethod
    def _json(body: dict):
        return json.dumps(body), 200, {"request-id": "req_fake"}

    def _session_create(self, params: dict) -> dict:
        """Charge what Stripe would: items − coupon + shipping (+ Stripe Tax when enabled)."""
        n = 0
        merchandise = 0
        while f"line_items[{n}][quantity]" in params:
            merchandise += int(params[f"line_items[{n}][price_data][unit_amount]"]) * int(
                params[f"line_items[{n}][quantity]"]
            )
            n += 1
        discount = 0
        if "discounts[0][coupon]" in params:
            discount = min(merchandise, self.coupons[params["discounts[0][coupon]"]]["amount_off"])
        shipping = int(params["shipping_options[0][shipping_rate_data][fixed_amount][amount]"])
        tax = 0
        if params.get("automatic_tax[enabled]") == "true":
            tax = int(
                (Decimal(merchandise - discount) * self.tax_rate / 100).quantize(
                    Decimal(1), rounding=ROUND_HALF_UP
                )
            )
        amount = merchandise - discount + shipping + tax
        session_id = f"cs_test_{len(self.sessions) + 1}"
        session = {
            "id": session_id,
            "object": "checkout.session",
            "url": f"https://checkout.stripe.com/c/pay/{session_id}",
            "status": "open",
            "payment_status": "unpaid",
            "amount_total": amount,
            "currency": params["line_items[0][price_data][currency]"],
            "payment_intent": None,
            "total_details": {
                "amount_discount": discount,
                "amount_shipping": shipping,
                "amount_tax": tax,
            },
            "metadata": {
                k.removeprefix("metadata[").removesuffix("]"): v
                for k, v in params.items()
                if k.startswith("metadata[")
            },
        }
        self.sessions[session_id] = session
        return session

    def pay(self, session_id: str, payment_intent: str = "pi_test_1") -> None:
        session = self.sessions[session_id]
        session.update(status="complete", payment_status="paid", payment_intent=payment_intent)
        amount = session["amount_total"]
        self.intents[payment_intent] = {
            "id": payment_intent,
            "object": "payment_intent",
            "amount": amount,
            "amount_received": amount,
            "currency": session["currency"],
            "status": "succeeded",
            "latest_charge": {
                "id": "ch_" + payment_intent,
                "object": "charge",
                "amount": amount,
                "amount_refunded": 0,
                "disputed": False,
            },
        }

    def refund_in_dashboard(self, payment_intent: str, amount: int) -> None:
        self.intents[payment_intent]["latest_charge"]["amount_refunded"] += amount


@pytest.fixture
def fake_stripe(monkeypatch) -> FakeStripeHTTP:
    fake = FakeStripeHTTP()
    monkeypatch.setattr(StripeGateway, "default_http_client", staticmethod(lambda: fake))
    with override_settings(
        STRIPE_SECRET_KEY="sk_test_fake",
        TAX_ENGINE="stripe_tax",
        STRIPE_WEBHOOK_SECRET=STRIPE_WEBHOOK_SECRET,
    ):
        yield fake


def test_checkout_creates_a_stripe_session_in_minor_units(client, alice, candle, vase, fake_stripe):
    cart_fill(client, {candle: 2, vase: 1})
    response = checkout_post(client)
    order = Order.objects.get()
    assert response.status_code == 303
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_1"
    assert order.gateway == "stripe"
    assert order.checkout_session_id == "cs_test_1"

    customer_call, call = fake_stripe.requests
    assert customer_call["path"] == "/v1/customers"
    assert customer_call["params"]["shipping[address][state]"] == "TX"
    assert customer_call["params"]["shipping[address][postal_code]"] == "78701"
    assert customer_call["params"]["email"] == "shopper@example.com"
    assert call["path"] == "/v1/checkout/sessions"
    params = call["params"]
    assert call["headers"]["Idempotency-Key"] == f"order-{order.pk}-checkout"
    assert call["headers"]["Authorization"] == "Bearer sk_test_fake"
    assert params["mode"] == "payment"
    # Lines by product name: Product CANDLE-1 then Product VASE-1.
    assert params["line_items[0][price_data][unit_amount]"] == "1999"
    assert params["line_items[0][quantity]"] == "2"
    assert params["line_items[0][price_data][currency]"] == "usd"
    assert params["line_items[1][price_data][unit_amount]"] == "4500"
    assert params["line_items[1][quantity]"] == "1"
    assert params["shipping_options[0][shipping_rate_data][fixed_amount][amount]"] == "0"
    assert params["metadata[order_id]"] == str(order.pk)
    assert params["metadata[retailer]"] == "alice"
    assert params["metadata[order_number]"] == order.number
    assert params["payment_intent_data[metadata][order_id]"] == str(order.pk)
    assert params["customer"] == "cus_1"
    assert params["automatic_tax[enabled]"] == "true"
    assert params["shipping_options[0][shipping_rate_data][display_name]"] == "Standard"
    assert params["success_url"] == (
        f"http://{ALICE_HOST}/checkout/success/?session_id={{CHECKOUT_SESSION_ID}}"
    )
    assert params["cancel_url"] == f"http://{ALICE_HOST}/checkout/canceled/{order.number}/"
    # The session expires with the stock hold (STOCK_HOLD_MINUTES, 30 by default).
    assert 1790 < int(params["expires_at"]) - time.time() <= 1830
    assert order.hold_expires_at.timestamp() == pytest.approx(int(params["expires_at"]), abs=31)
    # Stripe Tax (8.25 % in this fake) comes on top of our pre-tax total of 84.98.
    assert fake_stripe.sessions["cs_test_1"]["amount_total"] == 8498 + 701


def test_gateway_failure_at_checkout_cancels_the_order_and_releases_stock(
    client, alice, candle, fake_stripe
):
    fake_stripe.fail_next = 3  # first try + max_network_retries=2
    cart_fill(client, {candle: 2})
    response = checkout_post(client)
    assert response.status_code == 503
    html = response.content.decode()
    assert "Nothing was charged" in html
    assert 'value="1 Main St"' in html  # what the shopper typed is kept
    order = Order.objects.get()
    assert order.status == Order.Status.CANCELED
    candle.refresh_from_db()
    assert candle.stock == 10
    # The first call (the customer carrying the address for Stripe Tax) was retried
    # with the same idempotency key, then the checkout gave up.
    assert len(fake_stripe.requests) == 3
    assert {r["path"] for r in fake_stripe.requests} == {"/v1/customers"}
    assert {r["headers"]["Idempotency-Key"] for r in fake_stripe.requests} == {
        f"order-{order.pk}-checkout-customer"
    }


def test_stripe_webhook_marks_paid_after_re_reading_the_session(
    client, alice, candle, fake_stripe, django_capture_on_commit_callbacks, mailoutbox
):
    cart_fill(client, {candle: 1})
    checkout_post(client)
    order = Order.objects.get()
    fake_stripe.pay("cs_test_1")
    # The event body claims nothing we trust: the session is read back from Stripe.
    event = session_event("evt_stripe_1", "checkout.session.completed", "cs_test_1")
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_event_post(client, event, secret=STRIPE_WEBHOOK_SECRET)
    assert response.status_code == 200
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.payment_intent_id == "pi_test_1"
    assert fake_stripe.requests[-1]["method"] == "get"
    assert fake_stripe.requests[-1]["path"] == "/v1/checkout/sessions/cs_test_1"
    assert len(mailoutbox) == 1


def test_stripe_webhook_signed_with_the_offline_secret_is_refused(
    client, alice, candle, fake_stripe
):
    cart_fill(client, {candle: 1})
    checkout_post(client)
    fake_stripe.pay("cs_test_1")
    event = session_event("evt_stripe_1", "checkout.session.completed", "cs_test_1")
    response = signed_event_post(client, event)  # offline secret
    assert response.status_code == 400
    assert Order.objects.get().status == Order.Status.PENDING_PAYMENT
    assert WebhookEvent.objects.count() == 0


def test_stripe_unreachable_on_webhook_answers_503_and_records_nothing(
    client, alice, candle, fake_stripe
):
    cart_fill(client, {candle: 1})
    checkout_post(client)
    fake_stripe.pay("cs_test_1")
    fake_stripe.fail_next = 3
    event = session_event("evt_stripe_1", "checkout.session.completed", "cs_test_1")
    response = signed_event_post(client, event, secret=STRIPE_WEBHOOK_SECRET)
    assert response.status_code == 503
    assert WebhookEvent.objects.count() == 0  # Stripe delivers it again later
    assert Order.objects.get().status == Order.Status.PENDING_PAYMENT


def test_success_page_reads_the_session_from_stripe(
    client, alice, candle, fake_stripe, django_capture_on_commit_callbacks, mailoutbox
):
    cart_fill(client, {candle: 1})
    checkout_post(client)
    fake_stripe.pay("cs_test_1")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get("/checkout/success/?session_id=cs_test_1", HTTP_HOST=ALICE_HOST)
    assert response.status_code == 200
    assert Order.objects.get().status == Order.Status.PAID
    assert len(mailoutbox) == 1


def _paid_stripe_order(client, fake_stripe, candle, tax_rate: str = "0") -> Order:
    fake_stripe.tax_rate = Decimal(tax_rate)
    cart_fill(client, {candle: 1})
    checkout_post(client)
    fake_stripe.pay("cs_test_1")
    signed_event_post(
        client,
        session_event("evt_paid", "checkout.session.completed", "cs_test_1"),
        secret=STRIPE_WEBHOOK_SECRET,
    )
    order = Order.objects.get()
    assert order.status == Order.Status.PAID
    return order


def test_refund_partial_then_full_through_stripe(
    client, alice, candle, fake_stripe, django_capture_on_commit_callbacks, mailoutbox
):
    order = _paid_stripe_order(client, fake_stripe, candle)  # total 27.94
    with django_capture_on_commit_callbacks(execute=True):
        order = order_refund(order_id=order.pk, amount=Decimal("10.00"), actor="staff:1")
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert order.refunded_amount == Decimal("10.00")
    call = fake_stripe.requests[-1]
    assert call["path"] == "/v1/refunds"
    assert call["params"]["amount"] == "1000"
    assert call["params"]["payment_intent"] == "pi_test_1"
    assert call["headers"]["Idempotency-Key"] == f"order-{order.pk}-refund-0-1000"

    with django_capture_on_commit_callbacks(execute=True):
        order = order_refund(order_id=order.pk, amount=None, actor="staff:1")
    assert order.status == Order.Status.REFUNDED
    assert order.refunded_amount == Decimal("27.94")
    assert fake_stripe.requests[-1]["params"]["amount"] == "1794"

    # Stripe's charge.refunded events (cumulative amounts) change nothing now.
    for n, refunded in enumerate((1000, 2794)):
        charge = {
            "id": f"evt_ref_{n}",
            "type": "charge.refunded",
            "data": {
                "object": {
                    "id": "ch_1",
                    "object": "charge",
                    "payment_intent": "pi_test_1",
                    "amount_refunded": refunded,
                }
            },
        }
        assert signed_event_post(client, charge, secret=STRIPE_WEBHOOK_SECRET).status_code == 200
    order.refresh_from_db()
    assert order.refunded_amount == Decimal("27.94")
    assert [e.to_status for e in OrderEvent.objects.filter(order=order)] == [
        "pending_payment",
        "paid",
        "partially_refunded",
        "refunded",
    ]
    subjects = [m.subject for m in mailoutbox if "refund" in m.subject.lower()]
    assert subjects == [
        f"A refund for order {order.number}",
        f"Order {order.number} has been refunded",
    ]

    with pytest.raises(RefundError):
        order_refund(order_id=order.pk, amount=Decimal("1.00"), actor="staff:1")


def test_refund_made_in_the_stripe_dashboard_is_recorded_from_the_webhook(
    client, alice, candle, fake_stripe, django_capture_on_commit_callbacks, mailoutbox
):
    order = _paid_stripe_order(client, fake_stripe, candle)
    fake_stripe.refund_in_dashboard("pi_test_1", 500)
    charge = {
        "id": "evt_dash",
        "type": "charge.refunded",
        "data": {"object": {"payment_intent": "pi_test_1", "amount_refunded": 500}},
    }
    with django_capture_on_commit_callbacks(execute=True):
        signed_event_post(client, charge, secret=STRIPE_WEBHOOK_SECRET)
        signed_event_post(client, charge, secret=STRIPE_WEBHOOK_SECRET)
    order.refresh_from_db()
    assert order.status == Order.Status.PARTIALLY_REFUNDED
    assert order.refunded_amount == Decimal("5.00")
    assert [m.subject for m in mailoutbox] == [f"A refund for order {order.number}"]


def test_refund_above_what_is_left_is_refused_and_nothing_is_sent(
    client, alice, candle, fake_stripe
):
    order = _paid_stripe_order(client, fake_stripe, candle)
    calls = len(fake_stripe.requests)
    with pytest.raises(RefundError, match="at most 27.94"):
        order_refund(order_id=order.pk, amount=Decimal("27.95"), actor="staff:1")
    assert len(fake_stripe.requests) == calls
    order.refresh_from_db()
    assert order.status == Order.Status.PAID
    assert order.refunded_amount == Decimal("0.00")
